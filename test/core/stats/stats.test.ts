import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/store/index.js';
import { studyDay } from '../../../src/core/store/settings.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { startExam } from '../../../src/core/exam/session.js';
import { addDays, computeStats, streakOf } from '../../../src/core/stats/index.js';
import { parse, singles } from '../exam/bank.js';
import { tempHome } from '../store/helpers.js';

const DAY = 86_400_000;
// Noon local time on 2026-03-20, so every "day" below is unambiguous whatever the machine's time zone.
const NOW = new Date(2026, 2, 20, 12, 0, 0).getTime();

describe('computeStats', () => {
  // 15 single-choice questions g-0…g-14 (D1 3, D2 4, D3 4, D4 2, D5 2, task "N.1"): exactly a short mock.
  const questions = parse(singles([3, 4, 4, 2, 2])).map((q, i) => ({ ...q, id: `g-${i}`, module: i < 6 ? 'mod-a' : 'mod-b' }));
  const modules = [
    { id: 'mod-a', title: 'Module A' },
    { id: 'mod-b', title: 'Module B' },
  ];

  function scenario() {
    const store = openStore({ home: tempHome('stats') });
    const deck = Deck.open(store);
    // Three days ago: two new cards. Two days ago: one of them again (passed). Today: a lapse and a new card.
    deck.record('g-0', 3, { now: NOW - 3 * DAY, answerMs: 1000 });
    deck.record('g-1', 1, { now: NOW - 3 * DAY + 1000, answerMs: 2000 });
    deck.record('g-0', 3, { now: NOW - 2 * DAY, answerMs: 3000 });
    deck.record('g-1', 1, { now: NOW - 1000, answerMs: 500 });
    deck.record('g-2', 4, { now: NOW - 500, answerMs: 500 });
    // A card that is mastered: many easy reviews far apart.
    let t = NOW - 400 * DAY;
    for (let i = 0; i < 6; i++) {
      const e = deck.record('g-7', 4, { now: t });
      t = Math.max(e.after.due, t + DAY);
      if (t > NOW - 5 * DAY) break;
    }
    return { store, deck };
  }

  it('counts reviews per day, with today last', () => {
    const { store, deck } = scenario();
    const s = computeStats({ store, deck, questions, modules, now: NOW, days: 7 });
    expect(s.today).toBe(studyDay(NOW));
    expect(s.reviewsPerDay).toHaveLength(7);
    expect(s.reviewsPerDay[6]!.day).toBe(s.today);
    const byDay = Object.fromEntries(s.reviewsPerDay.map((d) => [d.day, d]));
    expect(byDay[addDays(s.today, -3)]).toMatchObject({ total: 2, good: 1, again: 1, answerMs: 3000 });
    expect(byDay[addDays(s.today, -2)]).toMatchObject({ total: 1, good: 1 });
    expect(byDay[s.today]).toMatchObject({ total: 2, again: 1, easy: 1 });
  });

  it('retention counts only reviews of already-seen cards', () => {
    const { store, deck } = scenario();
    const s = computeStats({ store, deck, questions, modules, now: NOW, days: 7 });
    const seen = deck.reviews().filter((e) => e.before !== null && e.before.state !== 0);
    const passed = seen.filter((e) => e.rating > 1).length;
    expect(s.retention.total).toBe(seen.length);
    expect(s.retention.passed).toBe(passed);
    expect(s.retention.overall).toBeCloseTo(passed / seen.length);
    const today = s.retention.byDay.find((d) => d.day === s.today)!;
    expect(today).toMatchObject({ total: 1, passed: 0, rate: 0 });
    expect(s.retention.byDay.find((d) => d.day === addDays(s.today, -1))!.rate).toBeNull();
  });

  it('cards, forecast and mastery per module', () => {
    const { store, deck } = scenario();
    const s = computeStats({ store, deck, questions, modules, now: NOW });
    expect(s.cards.total).toBe(15);
    expect(s.cards.new).toBe(11);
    expect(s.cards.mastered).toBe(1);
    expect(s.forecast).toHaveLength(30);
    expect(s.forecast[0]!.day).toBe(s.today);
    const forecastTotal = s.forecast.reduce((n, f) => n + f.due, 0);
    const seenDueWithin30 = ['g-0', 'g-1', 'g-2', 'g-7'].filter((id) => deck.card(id)!.due < NOW + 29 * DAY).length;
    expect(forecastTotal).toBe(seenDueWithin30);
    expect(s.mastery).toEqual([
      { module: 'mod-a', title: 'Module A', cards: 6, started: 3, mastered: 0, share: 0 },
      { module: 'mod-b', title: 'Module B', cards: 9, started: 1, mastered: 1, share: 1 / 9 },
    ]);
  });

  it('streak and exam history', () => {
    const { store, deck } = scenario();
    const exam = startExam(store, questions, { mode: 'short', now: NOW - 100, seed: 1 });
    const attempt = exam.submit(NOW - 50);
    const s = computeStats({ store, deck, questions, modules, now: NOW });
    expect(s.exams).toHaveLength(1);
    expect(s.exams[0]).toMatchObject({ id: attempt.id, total: 15, correct: 0, scaled: 100, passed: false });
    expect(s.streak.activeToday).toBe(true);
    expect(s.streak.current).toBe(1); // yesterday had nothing
    expect(s.streak.longest).toBeGreaterThanOrEqual(2); // three and two days ago
    expect(JSON.parse(JSON.stringify(s))).toEqual(s); // plain data, ready for --json
  });

  it('per task statement: exam items and reviews together, weakest first, never practised last', () => {
    const { store, deck } = scenario();
    const exam = startExam(store, questions, { mode: 'short', now: NOW - 100, seed: 1 });
    exam.answer('g-3', { type: 'single', choice: 0 }, NOW - 90); // one 2.1 item right
    exam.submit(NOW - 50);
    const s = computeStats({ store, deck, questions, modules, now: NOW });
    expect(s.byTask).toHaveLength(14);
    expect(s.byTask.map((t) => t.task).slice(0, 5)).toEqual(['4.1', '5.1', '2.1', '1.1', '3.1']);
    // g-0 good twice, g-1 again twice, g-2 easy once: 3 of 5 reviews recalled; the 3 exam items all blank.
    expect(s.byTask.find((t) => t.task === '1.1')).toEqual({
      task: '1.1',
      title: 'Explain basic AI concepts and terminologies',
      domain: 1,
      questions: 3,
      exam: { correct: 0, total: 3 },
      reviews: { recalled: 3, total: 5 },
      score: 3 / 8,
    });
    expect(s.byTask.find((t) => t.task === '2.1')).toMatchObject({ exam: { correct: 1, total: 4 }, reviews: { total: 0 }, score: 0.25 });
    expect(s.byTask.slice(5).every((t) => t.score === null && t.questions === 0)).toBe(true);
    expect(s.byTask.slice(5).map((t) => t.task)).toEqual(['1.2', '1.3', '2.2', '2.3', '3.2', '3.3', '3.4', '4.2', '5.2']);
  });
});

describe('streakOf', () => {
  it('is alive when today is not done yet but yesterday was', () => {
    const days = new Set(['2026-03-17', '2026-03-18', '2026-03-19']);
    expect(streakOf(days, '2026-03-20')).toEqual({ current: 3, longest: 3, activeToday: false, lastActiveDay: '2026-03-19' });
    expect(streakOf(days, '2026-03-21').current).toBe(0);
    expect(streakOf(new Set(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-05']), '2026-03-05')).toMatchObject({
      current: 1,
      longest: 3,
    });
    expect(streakOf(new Set(), '2026-03-05')).toEqual({ current: 0, longest: 0, activeToday: false, lastActiveDay: null });
  });
});

describe('studyDay', () => {
  it('starts the day at the configured hour, in the recorded UTC offset', () => {
    const utc = Date.UTC(2026, 2, 20, 2, 30); // 02:30 UTC
    expect(studyDay(utc, 4, 0)).toBe('2026-03-19');
    expect(studyDay(utc, 0, 0)).toBe('2026-03-20');
    expect(studyDay(utc, 4, 120)).toBe('2026-03-20'); // 04:30 at UTC+2
    expect(studyDay(utc, 4, -300)).toBe('2026-03-19'); // 21:30 the day before at UTC-5
  });
});
