// Property-based corruption of each store file (fast-check, fixed seed; FUZZ_RUNS=2000 for a longer run).
// Whatever the damage (truncation, random bytes, inserted or wrong-schema lines, NULs, a BOM, CRLF, random
// content), opening the store either succeeds — every undamaged entry kept, and anything it changed
// reported with a kept copy of the damaged file — or fails with the user-facing StoreError. Never a raw
// error, never a temporary or lock file left behind.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/core/store/errors.js';
import { openStore, type ProgressStore } from '../../../src/core/store/index.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { fuzzParams } from '../../helpers/fuzz.js';
import { tempHome } from './helpers.js';

const T0 = 1_760_000_000_000;
const FILES = ['reviews.jsonl', 'exams.jsonl', 'settings.json', 'settings.json.bak', 'exam-current.json'] as const;
type StoreFile = (typeof FILES)[number];

let template: string;
const original = new Map<StoreFile, Buffer>();
const work = mkdtempSync(join(tmpdir(), 'ftlab-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function attempt(id: string, at: number) {
  return {
    v: 1,
    id,
    mode: 'short',
    startedAt: at,
    submittedAt: at + 60_000,
    autoSubmitted: false,
    durationMs: 1_200_000,
    items: [],
    correct: 10,
    total: 15,
    scaled: 671,
    passed: false,
    byDomain: [],
    notes: [],
  };
}

beforeAll(() => {
  template = tempHome('fuzz-template');
  const store = openStore({ home: template });
  const deck = Deck.open(store);
  for (let i = 0; i < 6; i++) deck.record(`card-${i % 4}`, ((i % 4) + 1) as 1 | 2 | 3 | 4, { now: T0 + i * 60_000 });
  store.settings.setLimits({ newPerDay: 7 });
  store.settings.completeLesson('lesson-1', T0);
  writeFileSync(
    join(template, 'exams.jsonl'),
    [attempt('exam-a', T0), attempt('exam-b', T0 + 86_400_000)].map((a) => JSON.stringify(a)).join('\n') + '\n',
  );
  const session = {
    v: 1,
    id: 'exam-c',
    mode: 'short',
    seed: 7,
    startedAt: T0,
    deadline: T0 + 1_200_000,
    durationMs: 1_200_000,
    draws: [{ question: 'q1', domain: 1, items: ['q1'] }],
    answers: {},
    flags: [],
    current: 0,
    updatedAt: T0,
    notes: [],
  };
  writeFileSync(join(template, 'exam-current.json'), JSON.stringify(session) + '\n');
  const reopened = openStore({ home: template }); // writes settings.json.bak
  expect(reopened.warnings).toEqual([]);
  for (const f of FILES) original.set(f, readFileSync(join(template, f)));
});

type Damage =
  | { kind: 'truncate'; at: number }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'insert-line'; line: number; text: string }
  | { kind: 'replace-line'; line: number; text: string }
  | { kind: 'nul'; at: number; count: number }
  | { kind: 'bom' }
  | { kind: 'crlf' }
  | { kind: 'random'; bytes: Uint8Array }
  | { kind: 'empty' };

const wrongSchema = fc.constantFrom(
  '{}',
  '[1,2]',
  'null',
  '42',
  '"text"',
  '{"v":2,"type":"review"}',
  '{"v":9,"id":"x"}',
  '{"v":1,"id":5,"mode":"long"}',
  '{"limits":"many","dayStartsAtHour":99}',
  '{"schemaVersion":"x","lessons":[]}',
);
const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({
    kind: fc.constant('insert-line' as const),
    line: fc.nat(),
    text: fc.oneof(fc.string({ maxLength: 40 }), fc.json({ maxDepth: 2 }), wrongSchema),
  }),
  fc.record({ kind: fc.constant('replace-line' as const), line: fc.nat(), text: fc.oneof(wrongSchema, fc.json({ maxDepth: 2 })) }),
  fc.record({ kind: fc.constant('nul' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.constant({ kind: 'bom' as const }),
  fc.constant({ kind: 'crlf' as const }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 200 }) }),
  fc.constant({ kind: 'empty' as const }),
);

function apply(d: Damage, buf: Buffer): Buffer {
  const at = (n: number) => (buf.length ? n % (buf.length + 1) : 0);
  const lines = () => buf.toString('utf8').split('\n');
  switch (d.kind) {
    case 'truncate':
      return buf.subarray(0, at(d.at));
    case 'overwrite': {
      const out = Buffer.from(buf);
      const start = at(d.at);
      return Buffer.concat([out.subarray(0, start), Buffer.from(d.bytes), out.subarray(Math.min(out.length, start + d.bytes.length))]);
    }
    case 'insert-line': {
      const l = lines();
      l.splice(d.line % l.length, 0, d.text.replace(/\n/g, ' '));
      return Buffer.from(l.join('\n'));
    }
    case 'replace-line': {
      const l = lines();
      l[d.line % Math.max(1, l.length - 1)] = d.text.replace(/\n/g, ' ');
      return Buffer.from(l.join('\n'));
    }
    case 'nul': {
      const start = at(d.at);
      return Buffer.concat([buf.subarray(0, start), Buffer.alloc(d.count), buf.subarray(start)]);
    }
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf]);
    case 'crlf':
      return Buffer.from(buf.toString('utf8').replace(/\n/g, '\r\n'));
    case 'random':
      return Buffer.from(d.bytes);
    case 'empty':
      return Buffer.alloc(0);
  }
}

/** Original lines of a JSON Lines file that survive the damage whole (with their newline). */
function intactIds(file: StoreFile, damaged: Buffer): string[] {
  const segments = damaged.toString('utf8').split('\n');
  segments.pop(); // text after the last newline is a torn tail, dropped by design
  const present = new Set(segments.map((s) => s.trim()));
  return original
    .get(file)!
    .toString('utf8')
    .split('\n')
    .filter((l) => l && present.has(l))
    .map((l) => (JSON.parse(l) as { id: string }).id);
}

const strays = (home: string) => readdirSync(home).filter((f) => /\.tmp-\d+-[0-9a-f]+$|\.lock$/.test(f));

let runs = 0;
function check(file: StoreFile, d: Damage): void {
  const home = join(work, `run-${runs++}`);
  cpSync(template, home, { recursive: true });
  const path = join(home, file);
  const damaged = apply(d, original.get(file)!);
  writeFileSync(path, damaged);

  let store: ProgressStore;
  try {
    store = openStore({ home });
    Deck.open(store);
  } catch (err) {
    // The only acceptable failure: one user-facing line.
    expect(err).toBeInstanceOf(StoreError);
    expect(strays(home)).toEqual([]);
    return;
  }
  expect(strays(home)).toEqual([]);

  // Whatever the store changed on disk, it said so and kept the damaged bytes.
  const now = existsSync(path) ? readFileSync(path) : undefined;
  const changed = file !== 'settings.json.bak' && (now === undefined || !now.equals(damaged));
  const told = store.warnings.filter((w) => w.file === path);
  if (changed) {
    expect(told.length, `${file} changed without a warning`).toBeGreaterThan(0);
    expect(readFileSync(told[0]!.backup!).equals(damaged)).toBe(true);
  }
  for (const w of store.warnings) {
    expect(existsSync(w.backup!)).toBe(true);
    expect(store.notices.some((n) => n.includes(w.backup!))).toBe(true);
    if (w.level === 'warning') expect(store.pendingRepairs.map((r) => r.copy)).toContain(w.backup);
  }

  // Every undamaged entry is kept.
  if (file === 'reviews.jsonl') {
    const kept = new Set(store.reviews.readAll().entries.map((e) => e.id));
    for (const id of intactIds(file, damaged)) expect(kept.has(id), `review ${id} lost`).toBe(true);
  }
  if (file === 'exams.jsonl') {
    const kept = new Set(store.exams.attempts().map((a) => a.id));
    for (const id of intactIds(file, damaged)) expect(kept.has(id), `attempt ${id} lost`).toBe(true);
  }
  if (file === 'settings.json.bak' || (file === 'settings.json' && !changed)) {
    expect(store.settings.get().limits.newPerDay).toBe(7); // the real settings were not touched
  }
  if (file !== 'settings.json' || told.length === 0) expect(store.settings.get().lessons['lesson-1']?.completedAt).toBe(T0);

  // A repaired store opens cleanly the next time, and keeps reminding of the repair.
  const again = openStore({ home });
  expect(again.warnings.filter((w) => w.level === 'warning')).toEqual([]);
  expect(again.pendingRepairs).toEqual(store.pendingRepairs);
  expect(strays(home)).toEqual([]);
  rmSync(home, { recursive: true, force: true });
}

describe('store corruption fuzz', () => {
  for (const file of FILES) {
    it(`damage to ${file}: everything undamaged kept, every change reported, no raw error, nothing left behind`, () => {
      fc.assert(
        fc.property(damage, (d) => check(file, d)),
        fuzzParams(40),
      );
    });
  }
});
