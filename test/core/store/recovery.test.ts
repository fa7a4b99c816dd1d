// Damaged and old-format files: keep the bad copy, warn, recover everything recoverable.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsrs, type Grade } from 'ts-fsrs';
import { openStore } from '../../../src/core/store/index.js';
import { cardOf, snapshotOf } from '../../../src/core/store/reviews.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { tempHome } from './helpers.js';

function seeded(count = 6): { home: string; lines: string[] } {
  const home = tempHome();
  const deck = Deck.open(openStore({ home }));
  for (let i = 0; i < count; i++) deck.record(`c${i}`, 3, { now: 1_760_000_000_000 + i * 1000 });
  return { home, lines: readFileSync(join(home, 'reviews.jsonl'), 'utf8').split('\n').filter(Boolean) };
}

const backups = (home: string, pattern: RegExp) => readdirSync(home).filter((f) => pattern.test(f));

describe('review log recovery', () => {
  it('a line of garbage in the middle: the rest is kept, the bad copy kept, the user told', () => {
    const { home, lines } = seeded();
    const damaged = [...lines.slice(0, 2), '{"v":2,"type":"rev\u0000\u0000garbage', ...lines.slice(2)].join('\n') + '\n';
    writeFileSync(join(home, 'reviews.jsonl'), damaged);
    const store = openStore({ home });
    expect(store.warnings).toHaveLength(1);
    expect(store.warnings[0]!.message).toContain('line 3: not valid JSON');
    expect(readFileSync(store.warnings[0]!.backup!, 'utf8')).toBe(damaged);
    expect(Deck.open(store).reviews()).toHaveLength(6);
    expect(readFileSync(join(home, 'reviews.jsonl'), 'utf8').split('\n').filter(Boolean)).toEqual(lines);
  });

  it('a valid JSON line that is not a valid entry is dropped with its reason', () => {
    const { home, lines } = seeded(3);
    const bad = JSON.parse(lines[1]!);
    bad.rating = 9;
    writeFileSync(join(home, 'reviews.jsonl'), [lines[0], JSON.stringify(bad), lines[2], '[1,2]'].join('\n') + '\n');
    const store = openStore({ home });
    expect(store.warnings[0]!.message).toContain('2 damaged line(s) skipped (line 2: rating must be 1-4; line 4: not a JSON object)');
    expect(
      Deck.open(store)
        .reviews()
        .map((e) => e.card),
    ).toEqual(['c0', 'c2']);
  });

  it('a truncated file (cut in the middle of a line)', () => {
    const { home } = seeded(4);
    const path = join(home, 'reviews.jsonl');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.length - 40));
    const store = openStore({ home });
    expect(store.warnings[0]!.message).toContain('cut off by an interrupted write');
    expect(Deck.open(store).reviews()).toHaveLength(3);
    expect(backups(home, /^reviews\.jsonl\.corrupt-/)).toHaveLength(1);
  });

  it('an empty or missing log is simply empty', () => {
    const home = tempHome();
    writeFileSync(join(home, 'reviews.jsonl'), '');
    const store = openStore({ home });
    expect(store.warnings).toEqual([]);
    expect(Deck.open(store).reviews()).toEqual([]);
  });

  it('entries from a newer ftlab are kept aside, not silently lost', () => {
    const { home, lines } = seeded(2);
    writeFileSync(join(home, 'reviews.jsonl'), [...lines, JSON.stringify({ v: 3, type: 'review', id: 'x' })].join('\n') + '\n');
    const store = openStore({ home });
    expect(store.warnings[0]!.message).toContain('written by a newer ftlab (format 3)');
    expect(readFileSync(store.warnings[0]!.backup!, 'utf8')).toContain('"v":3');
  });

  it('a duplicated line (e.g. a file merged by hand) counts once', () => {
    const { home, lines } = seeded(2);
    writeFileSync(join(home, 'reviews.jsonl'), [...lines, lines[1]].join('\n') + '\n');
    const deck = Deck.open(openStore({ home }));
    expect(deck.reviews()).toHaveLength(2);
    expect(deck.card('c1')!.reps).toBe(1);
  });
});

describe('migration of format-1 logs', () => {
  it('replays FSRS over the old entries and keeps a pre-migration copy', () => {
    const home = tempHome();
    const t0 = 1_750_000_000_000;
    const day = 86_400_000;
    const old = [
      { card: 'a', grade: 'good', ts: t0, duration: 4000 },
      { card: 'b', grade: 'again', ts: t0 + 1000 },
      { card: 'a', grade: 'good', ts: t0 + 2 * day },
      { card: 'a', grade: 'easy', ts: t0 + 9 * day, duration: 1500 },
    ];
    writeFileSync(join(home, 'reviews.jsonl'), old.map((o) => JSON.stringify(o)).join('\n') + '\n');
    const store = openStore({ home });
    expect(store.warnings).toHaveLength(1);
    expect(store.warnings[0]).toMatchObject({ level: 'info' });
    expect(store.warnings[0]!.message).toContain('4 entries upgraded from an older format');
    expect(backups(home, /^reviews\.jsonl\.pre-migration-/)).toHaveLength(1);

    // Expected states: the same ratings through FSRS directly.
    const f = fsrs({ enable_fuzz: false, enable_short_term: true });
    let a = cardOf(null, t0);
    for (const o of old.filter((o) => o.card === 'a')) a = f.next(a, new Date(o.ts), { good: 3, easy: 4 }[o.grade as 'good'] as Grade).card;
    const deck = Deck.open(store);
    expect(deck.card('a')).toEqual(snapshotOf(a));
    expect(deck.card('a')!.reps).toBe(3);
    expect(deck.card('b')!.lapses + deck.card('b')!.reps).toBeGreaterThan(0);
    expect(deck.reviews()[0]).toMatchObject({ v: 2, card: 'a', rating: 3, answer_ms: 4000, before: null });

    // The file on disk is now format 2, and re-opening finds nothing to do.
    const rewritten = readFileSync(join(home, 'reviews.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    expect(rewritten.every((e) => e.v === 2 && e.after && e.type === 'review')).toBe(true);
    expect(openStore({ home }).warnings).toEqual([]);
  });
});

describe('settings recovery and migration', () => {
  it('garbage settings.json: restored from the last good copy, bad copy kept', () => {
    const home = tempHome();
    const store = openStore({ home });
    store.settings.setLimits({ newPerDay: 7 });
    store.settings.completeLesson('lora-basics', 1_760_000_000_000);
    openStore({ home }); // refreshes settings.json.bak
    writeFileSync(join(home, 'settings.json'), '{"limits": {"newPer');
    const reopened = openStore({ home });
    expect(reopened.warnings).toHaveLength(1);
    expect(reopened.warnings[0]!.message).toContain('restored the last good copy');
    expect(readFileSync(reopened.warnings[0]!.backup!, 'utf8')).toBe('{"limits": {"newPer');
    const s = reopened.settings.get();
    expect(s.limits.newPerDay).toBe(7);
    expect(s.lessons['lora-basics']!.completedAt).toBe(1_760_000_000_000);
  });

  it('garbage settings.json and no good copy: defaults, and the user is told reviews are safe', () => {
    const home = tempHome();
    writeFileSync(join(home, 'settings.json'), 'not json at all');
    const store = openStore({ home });
    expect(store.warnings[0]!.message).toContain('reset to defaults');
    expect(store.settings.get().limits).toEqual({ newPerDay: 20, reviewsPerDay: 200 });
  });

  it('one invalid field is reset alone; everything else is kept', () => {
    const home = tempHome();
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({
        schemaVersion: 2,
        limits: { newPerDay: -3 },
        lessons: { l1: { position: 40 } },
        desiredRetention: 0.85,
        futureKey: 1,
      }),
    );
    const store = openStore({ home });
    expect(store.warnings[0]!.message).toContain('invalid limits');
    const s = store.settings.get();
    expect(s.limits.newPerDay).toBe(20);
    expect(s.lessons.l1!.position).toBe(40);
    expect(s.desiredRetention).toBe(0.85);
    expect((s as Record<string, unknown>).futureKey).toBe(1);
  });

  it('format-1 settings are migrated', () => {
    const home = tempHome();
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({ dailyNewLimit: 5, dailyReviewLimit: 50, lessonPositions: { a: 12 }, completedLessons: ['b'] }),
    );
    const store = openStore({ home });
    expect(store.warnings[0]).toMatchObject({ level: 'info' });
    const s = store.settings.get();
    expect(s.schemaVersion).toBe(2);
    expect(s.limits).toEqual({ newPerDay: 5, reviewsPerDay: 50 });
    expect(s.lessons.a!.position).toBe(12);
    expect(s.lessons.b!.completedAt).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).dailyNewLimit).toBeUndefined();
  });

  it('updates from two store instances (two windows) do not overwrite each other', () => {
    const home = tempHome();
    const a = openStore({ home });
    const b = openStore({ home });
    a.settings.setLessonPosition('x', 10);
    b.settings.setLessonPosition('y', 20);
    a.settings.recordLabStep('serving', 'health', true);
    const s = openStore({ home }).settings.get();
    expect(s.lessons.x!.position).toBe(10);
    expect(s.lessons.y!.position).toBe(20);
    expect(s.labs.serving!.steps.health!.passed).toBe(true);
  });
});

describe('exam files', () => {
  it('a damaged exam-current.json is kept aside and reported; attempts are unaffected', () => {
    const home = tempHome();
    openStore({ home });
    writeFileSync(join(home, 'exam-current.json'), '{"v":1,"id":"exam-x","dra');
    const store = openStore({ home });
    expect(store.warnings[0]!.message).toContain('cannot be resumed');
    expect(existsSync(join(home, 'exam-current.json'))).toBe(false);
    expect(store.exams.current()).toBeUndefined();
  });

  it('a damaged line in exams.jsonl is dropped, the other attempts kept', () => {
    const home = tempHome();
    const attempt = {
      v: 1,
      id: 'a1',
      mode: 'short',
      startedAt: 1,
      submittedAt: 2,
      durationMs: 3,
      items: [],
      correct: 0,
      total: 0,
      scaled: 100,
      passed: false,
      byDomain: [],
    };
    writeFileSync(
      join(home, 'exams.jsonl'),
      JSON.stringify(attempt) + '\n{"v":1,"id":"a2"\n' + JSON.stringify({ ...attempt, id: 'a3' }) + '\n',
    );
    const store = openStore({ home });
    expect(store.warnings[0]!.file).toContain('exams.jsonl');
    expect(store.exams.attempts().map((a) => a.id)).toEqual(['a1', 'a3']);
  });
});

describe('settings helpers', () => {
  it('lesson, lab and activity records', () => {
    const home = tempHome();
    const store = openStore({ home });
    const noon = new Date(2026, 4, 2, 12).getTime();
    store.settings.setLessonPosition('l1', 33.7, noon);
    store.settings.completeLesson('l1', noon + 1);
    store.settings.recordLabStep('metrics', 'bleu', false, 'score differs', noon);
    store.settings.recordLabStep('metrics', 'bleu', true, undefined, noon + 5);
    store.settings.completeLab('metrics', noon + 6);
    store.settings.markActive(noon + 86_400_000);
    store.settings.markActive(noon + 86_400_000 + 1);
    const s = openStore({ home }).settings.get();
    expect(s.lessons.l1).toEqual({ position: 33, lastOpenedAt: noon, completedAt: noon + 1 });
    expect(s.labs.metrics).toEqual({ steps: { bleu: { passed: true, at: noon + 5 } }, completedAt: noon + 6 });
    expect(s.activityDays).toEqual(['2026-05-02', '2026-05-03']);
    expect(() => store.settings.update((d) => (d.desiredRetention = 2))).toThrow(/invalid settings: desiredRetention/);
    expect(store.settings.get().desiredRetention).toBe(0.9);
  });
});
