// `ftlab progress export | import | reset`: the logic in-process, and the CLI contract through dist/cli.js.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/store/index.js';
import { exportProgress, importProgress, ImportError } from '../../../src/core/store/transfer.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { tempHome } from './helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const T0 = 1_760_000_000_000;
const DAY = 86_400_000;

describe('export and import', () => {
  it('round-trips into an empty home, and importing twice duplicates nothing', () => {
    const from = tempHome();
    const store = openStore({ home: from });
    const deck = Deck.open(store);
    deck.record('a', 3, { now: T0 });
    deck.record('a', 3, { now: T0 + 2 * DAY });
    deck.record('b', 1, { now: T0 + 3 * DAY });
    deck.undoLast(T0 + 3 * DAY + 5);
    store.settings.completeLesson('l1', T0);
    const doc = JSON.parse(JSON.stringify(exportProgress(store, '0.0.0', T0)));

    const to = tempHome();
    const target = openStore({ home: to });
    const first = importProgress(target, doc);
    expect(first).toMatchObject({ reviewsAdded: 4, reviewsAlreadyPresent: 0, lessonsMerged: 1 });
    const second = importProgress(openStore({ home: to }), doc);
    expect(second).toMatchObject({ reviewsAdded: 0, reviewsAlreadyPresent: 4 });

    const copy = Deck.open(openStore({ home: to }));
    expect(copy.reviews().map((e) => e.card)).toEqual(['a', 'a']);
    expect(copy.card('a')).toEqual(deck.card('a'));
    expect(copy.card('b')).toBeNull();
    expect(openStore({ home: to }).settings.get().lessons.l1!.completedAt).toBe(T0);
  });

  it('merges two machines in time order and reschedules cards from the merged history', () => {
    const laptop = tempHome();
    const desktop = tempHome();
    const dl = Deck.open(openStore({ home: laptop }));
    const dd = Deck.open(openStore({ home: desktop }));
    dl.record('shared', 3, { now: T0 });
    dd.record('shared', 3, { now: T0 + 1 * DAY });
    dl.record('shared', 3, { now: T0 + 5 * DAY });
    dd.record('desk-only', 4, { now: T0 + 2 * DAY });
    const summary = importProgress(openStore({ home: laptop }), JSON.parse(JSON.stringify(exportProgress(openStore({ home: desktop })))));
    expect(summary).toMatchObject({ reviewsAdded: 2, cardsReplayed: 2 });
    const merged = Deck.open(openStore({ home: laptop }));
    expect(merged.reviews().map((e) => [e.card, e.at - T0])).toEqual([
      ['shared', 0],
      ['shared', DAY],
      ['desk-only', 2 * DAY],
      ['shared', 5 * DAY],
    ]);
    expect(merged.card('shared')!.reps).toBe(3);
    const history = merged.reviews().filter((e) => e.card === 'shared');
    for (let i = 1; i < history.length; i++) expect(history[i]!.before).toEqual(history[i - 1]!.after);
  });

  it('rejects an invalid document and changes nothing', () => {
    const home = tempHome();
    Deck.open(openStore({ home })).record('keep', 3);
    const before = readFileSync(join(home, 'reviews.jsonl'), 'utf8');
    const bad = { format: 'ftlab-progress', version: 1, settings: {}, reviews: [{ v: 2, type: 'review', id: 'x' }], exams: [] };
    expect(() => importProgress(openStore({ home }), bad)).toThrow(ImportError);
    expect(() => importProgress(openStore({ home }), { format: 'other' })).toThrow(/"format" must be "ftlab-progress"/);
    expect(readFileSync(join(home, 'reviews.jsonl'), 'utf8')).toBe(before);
  });
});

describe('ftlab progress (CLI)', () => {
  const cli = (home: string, ...args: string[]) =>
    spawnSync(process.execPath, ['dist/cli.js', 'progress', ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, FTLAB_HOME: home },
    });

  it('export to stdout is exactly one JSON document; import merges; reset needs --yes without a TTY', () => {
    const home = tempHome();
    Deck.open(openStore({ home })).record('cli-card', 3);
    const exp = cli(home, 'export');
    expect(exp.status).toBe(0);
    const doc = JSON.parse(exp.stdout);
    expect(doc.format).toBe('ftlab-progress');
    expect(doc.reviews).toHaveLength(1);

    const file = join(tempHome(), 'backup.json');
    writeFileSync(file, exp.stdout);
    const other = tempHome();
    const imp = cli(other, 'import', file, '--json');
    expect(imp.status).toBe(0);
    expect(JSON.parse(imp.stdout)).toMatchObject({ reviewsAdded: 1 });

    const refused = cli(other, 'reset');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const reset = cli(other, 'reset', '--yes', '--json');
    expect(reset.status).toBe(0);
    const { backupDir } = JSON.parse(reset.stdout);
    expect(existsSync(join(backupDir, 'reviews.jsonl'))).toBe(true);
    expect(existsSync(join(other, 'reviews.jsonl'))).toBe(false);
  });

  it('show and limits report and change the stored progress', () => {
    const home = tempHome();
    Deck.open(openStore({ home })).record('shown', 3);
    const set = cli(home, 'limits', '--new', '7', '--json');
    expect(set.status).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ newPerDay: 7, reviewsPerDay: 200, newOrder: 'opened-first' });
    expect(cli(home, 'limits', '--reviews', 'lots').status).toBe(2);
    const show = cli(home, 'show', '--json');
    expect(show.status).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      home,
      reviews: 1,
      cardsSeen: 1,
      examAttempts: 0,
      examInProgress: null,
      limits: { newPerDay: 7 },
    });
  });

  it('import of a broken or missing file exits 1 and names the problem', () => {
    const home = tempHome();
    const file = join(home, 'bad.json');
    writeFileSync(file, '{"format":"ftlab-progress","version":1,"reviews":[{"v":2}]}');
    const r = cli(home, 'import', file);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('reviews[0]: missing "id"');
    expect(r.stderr).toContain('nothing was imported');
    const missing = cli(home, 'import', join(home, 'nope.json'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.json: no such file');
  });
});
