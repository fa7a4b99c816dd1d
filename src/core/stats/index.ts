// Study statistics as plain data: what the stats screen charts and `ftlab stats --json` prints.
//
// Definitions (also in docs/store.md):
// - a study day starts at settings.dayStartsAtHour local time (default 04:00); reviews use the UTC offset
//   recorded with them, so travelling does not move past reviews to other days;
// - retention = share of reviews of already-seen cards (not first reviews of new cards) rated Hard, Good or
//   Easy, i.e. recalled; first reviews measure nothing about memory;
// - a card is mastered when it is in Review state with FSRS stability ≥ 21 days (Anki calls such cards
//   "mature"); mastery of a module = mastered cards / the module's cards in the bank;
// - the due forecast counts cards already seen, by the study day they come due; overdue cards count today;
// - the streak counts consecutive study days with any activity (a review, a finished lesson, exam or lab
//   step); it is still alive when today has no activity yet but yesterday had;
// - per AIF-C01 task statement: mock-exam items right / scored (every finished attempt) and reviews recalled
//   (rated Hard/Good/Easy, quizzes included) / all reviews of the task's cards; the task's score is both
//   together, and tasks are listed weakest first (never practised last), so the top is what to study next.
import type { Question } from '../content/schema.js';
import { EXAM_TASKS, type ExamTask } from '../content/vocabulary.js';
import { compareTasks } from '../exam/score.js';
import type { ExamAttemptRecord } from '../store/exams.js';
import type { ProgressStore } from '../store/index.js';
import type { CardSnapshot, ReviewEntry } from '../store/reviews.js';
import { localOffsetMinutes, studyDay } from '../store/settings.js';
import type { Deck } from '../srs/deck.js';

export const MASTERED_STABILITY_DAYS = 21;

export interface DayReviews {
  day: string;
  total: number;
  again: number;
  hard: number;
  good: number;
  easy: number;
  /** Time spent answering, ms. */
  answerMs: number;
}

export interface DayRetention {
  day: string;
  /** Reviews of already-seen cards. */
  total: number;
  passed: number;
  /** passed / total, or null when there were none. */
  rate: number | null;
}

export interface ModuleMastery {
  module: string;
  title: string;
  cards: number;
  /** Cards reviewed at least once. */
  started: number;
  mastered: number;
  /** mastered / cards (0 when the module has no cards). */
  share: number;
}

export interface ExamSummary {
  id: string;
  mode: 'full' | 'short';
  submittedAt: number;
  correct: number;
  total: number;
  /** Estimated scaled score (100–1000). */
  scaled: number;
  passed: boolean;
  autoSubmitted: boolean;
  byDomain: ExamAttemptRecord['byDomain'];
}

export interface TaskStats {
  /** Task statement number, "3.2". */
  task: string;
  title: string;
  domain: number;
  /** Questions in the bank for this task (a case counts once, under its own task). */
  questions: number;
  /** Mock-exam items of this task over all finished attempts. */
  exam: { correct: number; total: number };
  /** Reviews and quiz answers of this task's cards; recalled = rated Hard, Good or Easy. */
  reviews: { recalled: number; total: number };
  /** (exam right + reviews recalled) / (exam items + reviews), or null when never practised. */
  score: number | null;
}

export interface Stats {
  generatedAt: string;
  /** The current study day (YYYY-MM-DD). */
  today: string;
  cards: { total: number; new: number; learning: number; review: number; relearning: number; dueNow: number; mastered: number };
  /** One entry per day for the last `days` days, oldest first, today last. */
  reviewsPerDay: DayReviews[];
  retention: { overall: number | null; total: number; passed: number; byDay: DayRetention[] };
  /** Cards coming due per day for the next 30 days, today first (today includes overdue cards). */
  forecast: Array<{ day: string; due: number }>;
  mastery: ModuleMastery[];
  streak: { current: number; longest: number; activeToday: boolean; lastActiveDay: string | null };
  /** Finished mock exams, oldest first. */
  exams: ExamSummary[];
  /** Every AIF-C01 task statement, weakest first (lowest score; never practised last). */
  byTask: TaskStats[];
  totals: { reviews: number; studyDays: number; answerMs: number };
}

export interface StatsInput {
  store: ProgressStore;
  deck: Deck;
  /** The loaded bank; a question's module is its `module` field or its lesson's module via `moduleOf`. */
  questions: ReadonlyArray<Question & { module?: string }>;
  modules?: ReadonlyArray<{ id: string; title: string }>;
  moduleOf?: (lessonId: string) => string | undefined;
  now?: number;
  /** History window for per-day series (default 30). */
  days?: number;
  /** Forecast horizon in days (default 30). */
  forecastDays?: number;
}

const DAY_MS = 86_400_000;

/** YYYY-MM-DD shifted by n days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export function computeStats(input: StatsInput): Stats {
  const now = input.now ?? Date.now();
  const days = input.days ?? 30;
  const horizon = input.forecastDays ?? 30;
  const settings = input.store.settings.get();
  const dayStart = settings.dayStartsAtHour;
  const today = studyDay(now, dayStart, localOffsetMinutes(now));
  const dayOfEntry = (e: ReviewEntry) => studyDay(e.at, dayStart, e.tz);

  // ---- reviews and retention per day ---------------------------------------------------------
  const reviews = input.deck.reviews();
  const window = Array.from({ length: days }, (_, i) => addDays(today, i - days + 1));
  const perDay = new Map<string, DayReviews>(
    window.map((day) => [day, { day, total: 0, again: 0, hard: 0, good: 0, easy: 0, answerMs: 0 }]),
  );
  const retentionDay = new Map<string, DayRetention>(window.map((day) => [day, { day, total: 0, passed: 0, rate: null }]));
  const activeDays = new Set<string>(settings.activityDays);
  let seenTotal = 0;
  let seenPassed = 0;
  let answerMs = 0;
  for (const e of reviews) {
    const day = dayOfEntry(e);
    activeDays.add(day);
    answerMs += e.answer_ms;
    const bucket = perDay.get(day);
    if (bucket) {
      bucket.total++;
      bucket[(['again', 'hard', 'good', 'easy'] as const)[e.rating - 1]]++;
      bucket.answerMs += e.answer_ms;
    }
    if (e.before !== null && e.before.state !== 0) {
      seenTotal++;
      if (e.rating > 1) seenPassed++;
      const r = retentionDay.get(day);
      if (r) {
        r.total++;
        if (e.rating > 1) r.passed++;
      }
    }
  }
  for (const r of retentionDay.values()) r.rate = r.total ? r.passed / r.total : null;

  // ---- cards, forecast, mastery --------------------------------------------------------------
  const bankIds = input.questions.map((q) => q.id);
  const cards = { total: bankIds.length, new: 0, learning: 0, review: 0, relearning: 0, dueNow: 0, mastered: 0 };
  const forecast = Array.from({ length: horizon }, (_, i) => ({ day: addDays(today, i), due: 0 }));
  const forecastIndex = new Map(forecast.map((f, i) => [f.day, i]));
  const isMastered = (s: CardSnapshot | null) => s !== null && s.state === 2 && s.stability >= MASTERED_STABILITY_DAYS;
  const moduleStats = new Map<string, ModuleMastery>();
  for (const m of input.modules ?? []) moduleStats.set(m.id, { module: m.id, title: m.title, cards: 0, started: 0, mastered: 0, share: 0 });
  for (const q of input.questions) {
    const snap = input.deck.card(q.id);
    if (!snap) cards.new++;
    else {
      cards[(['new', 'learning', 'review', 'relearning'] as const)[snap.state]]++;
      if (snap.due <= now) cards.dueNow++;
      const dueDay = snap.due <= now ? today : studyDay(snap.due, dayStart, localOffsetMinutes(snap.due));
      const i = forecastIndex.get(dueDay);
      if (i !== undefined) forecast[i]!.due++;
    }
    const mastered = isMastered(snap);
    if (mastered) cards.mastered++;
    const moduleId = q.module ?? input.moduleOf?.(q.lesson) ?? 'unassigned';
    const m = moduleStats.get(moduleId) ?? { module: moduleId, title: moduleId, cards: 0, started: 0, mastered: 0, share: 0 };
    m.cards++;
    if (snap) m.started++;
    if (mastered) m.mastered++;
    moduleStats.set(moduleId, m);
  }
  for (const m of moduleStats.values()) m.share = m.cards ? m.mastered / m.cards : 0;

  // ---- exams and streak ----------------------------------------------------------------------
  const attempts = input.store.exams.attempts();
  for (const a of attempts) activeDays.add(studyDay(a.submittedAt, dayStart, localOffsetMinutes(a.submittedAt)));
  const exams: ExamSummary[] = attempts.map((a) => ({
    id: a.id,
    mode: a.mode,
    submittedAt: a.submittedAt,
    correct: a.correct,
    total: a.total,
    scaled: a.scaled,
    passed: a.passed,
    autoSubmitted: a.autoSubmitted,
    byDomain: a.byDomain,
  }));

  return {
    byTask: taskStats(input.questions, reviews, attempts),
    generatedAt: new Date(now).toISOString(),
    today,
    cards,
    reviewsPerDay: [...perDay.values()],
    retention: {
      overall: seenTotal ? seenPassed / seenTotal : null,
      total: seenTotal,
      passed: seenPassed,
      byDay: [...retentionDay.values()],
    },
    forecast,
    mastery: [...moduleStats.values()],
    streak: streakOf(activeDays, today),
    exams,
    totals: { reviews: reviews.length, studyDays: activeDays.size, answerMs },
  };
}

/** Per-task scores from exam items (their recorded task, else the bank's) and reviews (the card's task). */
export function taskStats(
  questions: ReadonlyArray<Question>,
  reviews: readonly ReviewEntry[],
  attempts: readonly ExamAttemptRecord[],
): TaskStats[] {
  const rows = new Map<string, TaskStats>(
    (Object.keys(EXAM_TASKS) as ExamTask[]).map((task) => [
      task,
      {
        task,
        title: EXAM_TASKS[task],
        domain: Number(task.split('.')[0]),
        questions: 0,
        exam: { correct: 0, total: 0 },
        reviews: { recalled: 0, total: 0 },
        score: null,
      },
    ]),
  );
  const cardTask = new Map<string, string>();
  const itemTask = new Map<string, string>();
  for (const q of questions) {
    if (q.task) {
      cardTask.set(q.id, q.task);
      const row = rows.get(q.task);
      if (row) row.questions++;
    }
    if (q.type === 'case') {
      for (const p of q.questions) {
        const t = p.task ?? q.task;
        if (t) itemTask.set(`${q.id}/${p.id}`, t);
      }
    } else if (q.task) itemTask.set(q.id, q.task);
  }
  for (const e of reviews) {
    const row = rows.get(cardTask.get(e.card) ?? '');
    if (!row) continue;
    row.reviews.total++;
    if (e.rating > 1) row.reviews.recalled++;
  }
  for (const a of attempts) {
    for (const item of a.items) {
      const row = rows.get((typeof item.task === 'string' ? item.task : undefined) ?? itemTask.get(item.key) ?? '');
      if (!row) continue;
      row.exam.total++;
      if (item.correct) row.exam.correct++;
    }
  }
  for (const row of rows.values()) {
    const total = row.exam.total + row.reviews.total;
    row.score = total ? (row.exam.correct + row.reviews.recalled) / total : null;
  }
  return [...rows.values()].sort(
    (a, b) =>
      (a.score === null ? 1 : 0) - (b.score === null ? 1 : 0) ||
      (a.score ?? 0) - (b.score ?? 0) ||
      b.exam.total + b.reviews.total - (a.exam.total + a.reviews.total) ||
      compareTasks(a.task, b.task),
  );
}

/** Current and longest run of consecutive active days. */
export function streakOf(active: ReadonlySet<string>, today: string): Stats['streak'] {
  const sorted = [...active].filter((d) => d <= today).sort();
  let longest = 0;
  let run = 0;
  let prev: string | undefined;
  for (const day of sorted) {
    run = prev !== undefined && addDays(prev, 1) === day ? run + 1 : 1;
    longest = Math.max(longest, run);
    prev = day;
  }
  const activeToday = active.has(today);
  let current = 0;
  let cursor = activeToday ? today : addDays(today, -1);
  while (active.has(cursor)) {
    current++;
    cursor = addDays(cursor, -1);
  }
  return { current, longest, activeToday, lastActiveDay: sorted.length ? sorted[sorted.length - 1]! : null };
}
