// File-system faults at the store's boundary: an unusable home, a folder where a store file should be, a
// read-only log. Each ends in one StoreError naming the file (never a raw fs error, a hang or a temp file).
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FailedError } from '../../../src/shared/errors.js';
import { writeFileAtomic } from '../../../src/core/store/atomic.js';
import { StoreError } from '../../../src/core/store/errors.js';
import { ensureHome } from '../../../src/core/store/home.js';
import { openStore, SettingsStore } from '../../../src/core/store/index.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { tempHome } from './helpers.js';

const isRoot = process.getuid?.() === 0;

/** Run `fn`, expecting a StoreError; returns it. */
function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toBeInstanceOf(FailedError); // what the CLI prints as one line, exit 1
    expect((err as Error).message).not.toContain('\n');
    return err as StoreError;
  }
  throw new Error('expected a StoreError, but nothing was thrown');
}

/** Temporary files (`x.tmp-<pid>-<hex>`) and lock files anywhere under `dir`. */
function leftovers(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) if (/\.tmp-\d+-[0-9a-f]+$|\.lock$/.test(name)) out.push(name);
  return out;
}

describe('an unusable home', () => {
  it('a missing folder, and missing parents, are created', () => {
    const dir = join(tempHome('home'), 'a', 'b', 'c');
    expect(ensureHome(dir)).toBe(dir);
    const store = openStore({ home: join(dir, 'd') });
    expect(store.home).toBe(join(dir, 'd'));
    expect(store.warnings).toEqual([]);
  });

  it('a regular file: says it is a file, creates nothing', () => {
    const file = join(tempHome('home'), 'file');
    writeFileSync(file, 'x');
    const err = storeError(() => openStore({ home: file }));
    expect(err.message).toContain(`cannot use ${file} as the progress folder: it is a file, not a folder`);
    expect(err.message).toContain('set FTLAB_HOME');
  });

  it('a path under a file: names the file in the way', () => {
    const file = join(tempHome('home'), 'file');
    writeFileSync(file, 'x');
    const err = storeError(() => openStore({ home: join(file, 'sub', 'deeper') }));
    expect(err.message).toContain(`${file} is a file, not a folder`);
  });

  it('a dangling symbolic link: names where it points', () => {
    const dir = tempHome('home');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'link'));
    const err = storeError(() => openStore({ home: join(dir, 'link') }));
    expect(err.message).toContain(`is a symbolic link to ${join(dir, 'nowhere')}, which does not exist`);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });

  it.skipIf(!existsSync('/proc/self'))('/proc/nope: an error at once, not an endless recursive mkdir', () => {
    const err = storeError(() => openStore({ home: '/proc/nope' }));
    expect(err.message).toContain('cannot use /proc/nope as the progress folder: it cannot be created');
    storeError(() => SettingsStore.open('/proc/nope/deeper', []));
  });

  // root may write anywhere, so a read-only folder is only a fault for other users (the CLI test runs
  // that case as `nobody`).
  it.skipIf(isRoot)('a read-only folder', () => {
    const dir = join(tempHome('home'), 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    try {
      const err = storeError(() => openStore({ home: dir }));
      expect(err.message).toContain('no permission to write in it');
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

describe('a folder where a store file should be', () => {
  const files = [
    'reviews.jsonl',
    'exams.jsonl',
    'settings.json',
    'settings.json.bak',
    'exam-current.json',
    'reviews.jsonl.lock',
    'settings.json.lock',
  ];
  for (const name of files) {
    it(`${name}: one StoreError naming it; no temporary file left, however often it is tried`, () => {
      const home = tempHome();
      const deck = Deck.open(openStore({ home }));
      deck.record('c1', 3);
      rmSync(join(home, name), { force: true });
      mkdirSync(join(home, name));
      for (let run = 0; run < 3; run++) {
        const err = storeError(() => Deck.open(openStore({ home })));
        expect(err.file).toBe(join(home, name));
        expect(err.message).toContain(
          `${join(home, name)} (EISDIR): it is a folder where ftlab keeps a file; move the folder out of the way`,
        );
      }
      expect(leftovers(home).filter((f) => f !== name)).toEqual([]);
      // Moving it out of the way, as the message says, is enough.
      rmSync(join(home, name), { recursive: true });
      expect(() => openStore({ home })).not.toThrow();
    });
  }

  it('cards.cache.json is only a cache: a folder there costs a rebuild, not an error', () => {
    const home = tempHome();
    mkdirSync(join(home, 'cards.cache.json'));
    const deck = Deck.open(openStore({ home }), { cacheMinEntries: 1 });
    deck.record('c1', 3);
    expect(Deck.open(openStore({ home }), { cacheMinEntries: 1 }).card('c1')).not.toBeNull();
    expect(leftovers(home)).toEqual([]);
  });
});

describe('faults after the store was opened', () => {
  it('Deck.record when the log became a folder: StoreError naming reviews.jsonl, lock released', () => {
    const home = tempHome();
    const deck = Deck.open(openStore({ home }));
    deck.record('c1', 3);
    rmSync(join(home, 'reviews.jsonl'));
    mkdirSync(join(home, 'reviews.jsonl'));
    const err = storeError(() => deck.record('c2', 3));
    expect(err.file).toBe(join(home, 'reviews.jsonl'));
    expect(leftovers(home)).toEqual([]);
  });

  it('settings and the exam in progress: StoreError from update() and saveCurrent()', () => {
    const home = tempHome();
    const store = openStore({ home });
    rmSync(join(home, 'settings.json'));
    mkdirSync(join(home, 'settings.json'));
    expect(storeError(() => store.settings.setLimits({ newPerDay: 3 })).file).toBe(join(home, 'settings.json'));
    mkdirSync(join(home, 'exam-current.json'));
    const err = storeError(() => store.exams.saveCurrent({ v: 1 } as never));
    expect(err.file).toBe(join(home, 'exam-current.json'));
    expect(leftovers(home)).toEqual([]);
  });

  it.skipIf(isRoot)('a read-only reviews.jsonl: refused when the store opens, before any answer is lost', () => {
    const home = tempHome();
    Deck.open(openStore({ home })).record('c1', 3);
    chmodSync(join(home, 'reviews.jsonl'), 0o444);
    const err = storeError(() => openStore({ home }));
    expect(err.message).toContain(`cannot write ${join(home, 'reviews.jsonl')} (EACCES)`);
  });

  it.skipIf(isRoot)('Deck.record on a log made read-only after the store opened', () => {
    const home = tempHome();
    const deck = Deck.open(openStore({ home }));
    deck.record('c1', 3);
    chmodSync(join(home, 'reviews.jsonl'), 0o444);
    const err = storeError(() => deck.record('c2', 3));
    expect(err.message).toContain(`cannot write ${join(home, 'reviews.jsonl')} (EACCES)`);
  });
});

describe('writeFileAtomic', () => {
  it('removes its temporary file when the rename fails (a folder at the target)', () => {
    const dir = tempHome('atomic');
    mkdirSync(join(dir, 'target'));
    expect(() => writeFileAtomic(join(dir, 'target'), 'data')).toThrow(/EISDIR|EEXIST|ENOTEMPTY/);
    expect(readdirSync(dir)).toEqual(['target']);
  });

  it('removes nothing else, and replaces the target when it can', () => {
    const dir = tempHome('atomic');
    writeFileAtomic(join(dir, 'f'), 'one');
    writeFileAtomic(join(dir, 'f'), 'two');
    expect(readdirSync(dir)).toEqual(['f']);
  });
});

describe('the class of bug', () => {
  it('no code in src/core/store creates folders with a recursive mkdir (it can spin forever; see src/core/store/home.ts)', () => {
    const dir = join(__dirname, '../../../src/core/store');
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /mkdirSync\([^)]*recursive:\s*true/.test(readFileSync(join(dir, f), 'utf8').replace(/^\s*\/\/.*$/gm, '')));
    expect(offenders).toEqual([]);
  });
});
