import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/store/index.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { expectedAnswerMs, proposeRating } from '../../../src/core/srs/propose.js';
import { formatInterval } from '../../../src/core/srs/interval.js';
import { tempHome } from '../store/helpers.js';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0); // noon UTC, well inside a study day
const MIN = 60_000;
const DAY = 86_400_000;

function fresh(limits?: { newPerDay?: number; reviewsPerDay?: number }) {
  const store = openStore({ home: tempHome('srs') });
  if (limits) store.settings.setLimits(limits);
  return { store, deck: Deck.open(store) };
}

describe('preview and recording', () => {
  it('a new card previews the four intervals FSRS would schedule', () => {
    const { deck } = fresh();
    const p = deck.preview('x', T0);
    expect(Object.keys(p)).toEqual(['again', 'hard', 'good', 'easy']);
    expect(p.again.intervalMs).toBe(1 * MIN);
    expect(p.good.intervalMs).toBe(10 * MIN);
    expect(p.good.label).toBe('10m');
    expect(p.again.intervalMs).toBeLessThan(p.hard.intervalMs);
    expect(p.hard.intervalMs).toBeLessThan(p.good.intervalMs);
    expect(p.good.intervalMs).toBeLessThan(p.easy.intervalMs);
  });

  it('recording applies exactly the previewed schedule, and the log rebuilds the same state', () => {
    const { store, deck } = fresh();
    const p = deck.preview('x', T0);
    const e = deck.record('x', 4, { now: T0, answerMs: 2500, proposed: 3 });
    expect(e.after.due).toBe(p.easy.due);
    expect(e).toMatchObject({ card: 'x', rating: 4, answer_ms: 2500, proposed: 3, before: null, type: 'review', v: 2 });
    expect(e.tz).toBe(-new Date(T0).getTimezoneOffset() || 0);
    const second = deck.record('x', 3, { now: e.after.due + DAY });
    expect(second.before).toEqual(e.after);
    expect(second.elapsed_days).toBeGreaterThan(0);
    const rebuilt = Deck.open(openStore({ home: store.home }));
    expect(rebuilt.card('x')).toEqual(deck.card('x'));
    expect(() => deck.record('x', 5 as 1)).toThrow(RangeError);
  });
});

describe('undo', () => {
  it('appends an undo entry and restores the previous state', () => {
    const { store, deck } = fresh();
    deck.record('a', 3, { now: T0 });
    const before = deck.card('a');
    const second = deck.record('a', 1, { now: T0 + 20 * MIN });
    expect(deck.lastUndoable()?.id).toBe(second.id);
    expect(deck.undoLast(T0 + 21 * MIN)?.id).toBe(second.id);
    expect(deck.card('a')).toEqual(before);
    const undoneFirst = deck.undoLast(T0 + 22 * MIN);
    expect(undoneFirst?.card).toBe('a');
    expect(deck.card('a')).toBeNull();
    expect(deck.undoLast()).toBeUndefined();
    const lines = store.reviews.readAll().entries;
    expect(lines.map((l) => l.type)).toEqual(['review', 'review', 'undo', 'undo']);
    // Rebuilt from the log in another process: same result.
    const again = Deck.open(openStore({ home: store.home }));
    expect(again.card('a')).toBeNull();
    expect(again.reviews()).toEqual([]);
    expect(again.today(T0).newCards).toBe(0);
  });

  it("only undoes this window's own ratings, and never forks a card another window reviewed since", () => {
    const { store, deck } = fresh();
    const other = Deck.open(openStore({ home: store.home }));
    deck.record('shared', 3, { now: T0 });
    other.record('shared', 3, { now: T0 + 15 * MIN });
    expect(other.card('shared')!.reps).toBe(2); // it caught up before recording
    expect(deck.undoLast(T0 + 16 * MIN)).toBeUndefined();
    expect(other.undoLast(T0 + 16 * MIN)?.card).toBe('shared');
    deck.refresh();
    expect(deck.card('shared')!.reps).toBe(1);
  });
});

describe('queue, next card and daily limits', () => {
  it('picks the most overdue due card, then new cards; learning cards are not held back by the review limit', () => {
    const { deck } = fresh();
    deck.record('late', 3, { now: T0 - 3 * DAY });
    deck.record('later', 3, { now: T0 - 2 * DAY });
    deck.record('learning', 1, { now: T0 - 30 * MIN });
    const ids = ['n1', 'later', 'late', 'n2', 'learning'];
    expect(deck.nextCard(ids, T0 + 5 * DAY)).toBe('late');
    const q = deck.queue(ids, T0);
    expect(q.due).toEqual(['late', 'later', 'learning']);
    expect(q.fresh).toEqual(['n1', 'n2']);
    expect(q.counts.newAvailable).toBe(2);
    expect(deck.nextCard(['n1', 'n2'], T0)).toBe('n1');
    expect(deck.nextCard(['unknown-but-new'], T0)).toBe('unknown-but-new');
  });

  it('stops introducing new cards at the daily new-card limit, and resumes the next study day', () => {
    const { deck } = fresh({ newPerDay: 2 });
    const ids = ['a', 'b', 'c', 'd'];
    deck.record('a', 4, { now: T0 });
    deck.record('b', 4, { now: T0 + MIN });
    const q = deck.queue(ids, T0 + 2 * MIN);
    expect(q.fresh).toEqual([]);
    expect(q.counts).toMatchObject({ newToday: 2, newLeftToday: 0, newAvailable: 2 });
    expect(deck.nextCard(ids, T0 + 2 * MIN)).toBeUndefined();
    expect(deck.queue(ids, T0 + DAY).fresh).toEqual(['c', 'd']);
    // Undo gives the slot back.
    deck.undoLast(T0 + 3 * MIN);
    expect(deck.queue(ids, T0 + 4 * MIN).fresh).toEqual(['b']);
  });

  it('caps review-state cards at the daily review limit', () => {
    const { deck } = fresh({ reviewsPerDay: 1 });
    const ids = ['r1', 'r2', 'r3'];
    for (const id of ids) deck.record(id, 4, { now: T0 - 40 * DAY });
    const when = T0;
    expect(deck.queue(ids, when).due).toHaveLength(1);
    const first = deck.nextCard(ids, when)!;
    deck.record(first, 3, { now: when });
    expect(deck.nextCard(ids, when + MIN)).toBeUndefined();
    expect(deck.queue(ids, when + MIN).counts).toMatchObject({ reviewsToday: 1, reviewsLeftToday: 0, reviewsDue: 2 });
  });
});

describe('proposed rating', () => {
  const expected = 20_000;
  it('wrong → Again, even a mostly-right case; right by answer time → Hard/Good/Easy', () => {
    expect(proposeRating({ correct: false, answerMs: 1000, expectedMs: expected })).toBe(1);
    expect(proposeRating({ correct: false, score: 2 / 3, answerMs: 1000, expectedMs: expected })).toBe(1); // partly right is still wrong
    expect(proposeRating({ correct: false, score: 1 / 3, answerMs: 1000, expectedMs: expected })).toBe(1);
    expect(proposeRating({ correct: true, answerMs: 50_000, expectedMs: expected })).toBe(2);
    expect(proposeRating({ correct: true, answerMs: 15_000, expectedMs: expected })).toBe(3);
    expect(proposeRating({ correct: true, answerMs: 5_000, expectedMs: expected })).toBe(4);
  });
  it("expected time grows with a case question's parts", () => {
    expect(expectedAnswerMs({ type: 'case', questions: [1, 2, 3] })).toBe(3 * expectedAnswerMs({ type: 'case', questions: [1] }));
    expect(expectedAnswerMs({ type: 'truefalse' })).toBeLessThan(expectedAnswerMs({ type: 'match' }));
  });
});

describe('interval labels', () => {
  it('formats minutes, hours, days, months and years', () => {
    expect(formatInterval(30_000)).toBe('<1m');
    expect(formatInterval(10 * MIN)).toBe('10m');
    expect(formatInterval(5 * 3_600_000)).toBe('5h');
    expect(formatInterval(3 * DAY)).toBe('3d');
    expect(formatInterval(75 * DAY)).toBe('2.5mo');
    expect(formatInterval(400 * DAY)).toBe('1.1y');
  });
});
