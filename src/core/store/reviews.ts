// The review log: one JSON object per line in reviews.jsonl, the source of truth for every card's state.
//
// Format 2 (current), one of:
//   {"v":2,"type":"review","id":"…","card":"lora-rank-1","rating":3,"at":1763790000000,"tz":60,
//    "elapsed_days":2,"answer_ms":8400,"proposed":3,"session":"…","before":{…}|null,"after":{…}}
//   {"v":2,"type":"undo","id":"…","target":"<id of the review undone>","card":"lora-rank-1","at":…,"tz":60,"session":"…"}
// `before`/`after` are FSRS card snapshots (dates as epoch milliseconds); `before` is null for a new card.
// Format 1 (pre-release builds) had no version field and no state: {"card","grade":"good","ts","duration"}.
// It is migrated by replaying FSRS over each card's history (see replayMissingStates).
import { createEmptyCard, fsrs, type Card, type FSRS, type Grade } from 'ts-fsrs';
import { JsonlFile, type Decoded } from './jsonl.js';

export const LOG_VERSION = 2;

export type RatingValue = 1 | 2 | 3 | 4;
/** FSRS card state: 0 New, 1 Learning, 2 Review, 3 Relearning. */
export type CardStateValue = 0 | 1 | 2 | 3;

export const RATING_NAMES = ['again', 'hard', 'good', 'easy'] as const;
export type RatingName = (typeof RATING_NAMES)[number];
export const STATE_NAMES = ['new', 'learning', 'review', 'relearning'] as const;

/** An FSRS card as stored in the log (dates in epoch ms). */
export interface CardSnapshot {
  due: number;
  stability: number;
  difficulty: number;
  scheduled_days: number;
  learning_steps: number;
  reps: number;
  lapses: number;
  state: CardStateValue;
  last_review: number | null;
}

export interface ReviewEntry {
  v: 2;
  type: 'review';
  /** Unique id of this log entry (undo entries point at it). */
  id: string;
  /** Card id = the question id (a case question is one card, keyed by the case id). */
  card: string;
  rating: RatingValue;
  /** When the rating was given, epoch ms (UTC). */
  at: number;
  /** The learner's UTC offset in minutes at that moment (e.g. 60 for UTC+1), for "which day" questions. */
  tz: number;
  /** Whole days since the card's previous review (0 for a new card), as FSRS counts them. */
  elapsed_days: number;
  /** How long the learner took to answer, in ms. */
  answer_ms: number;
  /** The rating the app proposed, when it proposed one (the learner may have overridden it). */
  proposed?: RatingValue;
  /** Which ftlab process wrote it (undo only undoes the session's own ratings). */
  session?: string;
  before: CardSnapshot | null;
  after: CardSnapshot;
}

export interface UndoEntry {
  v: 2;
  type: 'undo';
  id: string;
  /** Id of the review entry being undone. */
  target: string;
  card: string;
  at: number;
  tz: number;
  session?: string;
}

export type LogEntry = ReviewEntry | UndoEntry;

/** Marks entries migrated from format 1 whose states still have to be computed. */
const NEEDS_REPLAY = Symbol('needsReplay');
type Pending = ReviewEntry & { [NEEDS_REPLAY]?: true };

// ---- decoding -------------------------------------------------------------------------------

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string' && x.length > 0;

function decodeSnapshot(x: unknown): CardSnapshot | string {
  if (!isObj(x)) return 'card state is not an object';
  for (const k of ['due', 'stability', 'difficulty', 'scheduled_days', 'learning_steps', 'reps', 'lapses'] as const) {
    if (!isNum(x[k])) return `card state field "${k}" is not a number`;
  }
  if (![0, 1, 2, 3].includes(x.state as number)) return 'card state "state" must be 0-3';
  if (x.last_review !== null && !isNum(x.last_review)) return 'card state "last_review" must be a number or null';
  return {
    due: x.due as number,
    stability: x.stability as number,
    difficulty: x.difficulty as number,
    scheduled_days: x.scheduled_days as number,
    learning_steps: x.learning_steps as number,
    reps: x.reps as number,
    lapses: x.lapses as number,
    state: x.state as CardStateValue,
    last_review: (x.last_review as number | null) ?? null,
  };
}

export function decodeLogEntry(raw: unknown): Decoded<LogEntry> {
  if (!isObj(raw)) return { ok: false, reason: 'not a JSON object' };
  if (raw.v === undefined && 'grade' in raw) return decodeV1(raw);
  if (raw.v !== LOG_VERSION) {
    return {
      ok: false,
      reason: typeof raw.v === 'number' && raw.v > LOG_VERSION ? `written by a newer ftlab (format ${raw.v})` : 'unknown format version',
    };
  }
  if (!isStr(raw.id)) return { ok: false, reason: 'missing "id"' };
  if (!isStr(raw.card)) return { ok: false, reason: 'missing "card"' };
  if (!isNum(raw.at)) return { ok: false, reason: 'missing "at"' };
  const tz = isNum(raw.tz) ? raw.tz : 0;
  const session = typeof raw.session === 'string' ? raw.session : undefined;
  if (raw.type === 'undo') {
    if (!isStr(raw.target)) return { ok: false, reason: 'undo without "target"' };
    return {
      ok: true,
      migrated: false,
      value: { v: 2, type: 'undo', id: raw.id, target: raw.target, card: raw.card, at: raw.at, tz, session },
    };
  }
  if (raw.type !== 'review') return { ok: false, reason: `unknown entry type ${JSON.stringify(raw.type)}` };
  if (![1, 2, 3, 4].includes(raw.rating as number)) return { ok: false, reason: 'rating must be 1-4' };
  const after = decodeSnapshot(raw.after);
  if (typeof after === 'string') return { ok: false, reason: after };
  let before: CardSnapshot | null = null;
  if (raw.before !== null && raw.before !== undefined) {
    const b = decodeSnapshot(raw.before);
    if (typeof b === 'string') return { ok: false, reason: b };
    before = b;
  }
  const entry: ReviewEntry = {
    v: 2,
    type: 'review',
    id: raw.id,
    card: raw.card,
    rating: raw.rating as RatingValue,
    at: raw.at,
    tz,
    elapsed_days: isNum(raw.elapsed_days) ? raw.elapsed_days : 0,
    answer_ms: isNum(raw.answer_ms) ? raw.answer_ms : 0,
    session,
    before,
    after,
  };
  if ([1, 2, 3, 4].includes(raw.proposed as number)) entry.proposed = raw.proposed as RatingValue;
  return { ok: true, migrated: false, value: entry };
}

const V1_GRADES: Record<string, RatingValue> = { again: 1, hard: 2, good: 3, easy: 4 };

function decodeV1(raw: Record<string, unknown>): Decoded<LogEntry> {
  const rating = typeof raw.grade === 'string' ? V1_GRADES[raw.grade.toLowerCase()] : undefined;
  if (!isStr(raw.card) || !rating || !isNum(raw.ts)) return { ok: false, reason: 'format-1 entry without card, grade or ts' };
  const entry: Pending = {
    v: 2,
    type: 'review',
    id: `v1-${raw.ts.toString(36)}-${raw.card}`,
    card: raw.card,
    rating,
    at: raw.ts,
    tz: 0,
    elapsed_days: 0,
    answer_ms: isNum(raw.duration) ? raw.duration : 0,
    before: null,
    after: snapshotOf(createEmptyCard(new Date(raw.ts))),
    [NEEDS_REPLAY]: true,
  };
  return { ok: true, migrated: true, value: entry };
}

/** True for a format-1 entry read outside a full read (its states are still placeholders). */
export function needsReplay(e: LogEntry): boolean {
  return e.type === 'review' && (e as Pending)[NEEDS_REPLAY] === true;
}

export function encodeLogEntry(e: LogEntry): LogEntry {
  // Drop the in-memory replay marker and undefined fields; keep key order stable for readable files.
  return JSON.parse(JSON.stringify(e)) as LogEntry;
}

// ---- FSRS conversion ------------------------------------------------------------------------

export function snapshotOf(card: Card): CardSnapshot {
  return {
    due: card.due.getTime(),
    stability: card.stability,
    difficulty: card.difficulty,
    scheduled_days: card.scheduled_days,
    learning_steps: card.learning_steps,
    reps: card.reps,
    lapses: card.lapses,
    state: card.state as CardStateValue,
    last_review: card.last_review ? card.last_review.getTime() : null,
  };
}

export function cardOf(s: CardSnapshot | null, now: number): Card {
  if (!s) return createEmptyCard(new Date(now));
  return {
    due: new Date(s.due),
    stability: s.stability,
    difficulty: s.difficulty,
    elapsed_days: 0,
    scheduled_days: s.scheduled_days,
    learning_steps: s.learning_steps,
    reps: s.reps,
    lapses: s.lapses,
    state: s.state,
    last_review: s.last_review === null ? undefined : new Date(s.last_review),
  };
}

export function defaultScheduler(): FSRS {
  return fsrs({ enable_fuzz: false, enable_short_term: true });
}

/**
 * Fill in before/after for entries migrated from format 1 by replaying FSRS over each card's history in log
 * order (format-2 entries already carry their states and are taken as they are).
 */
export function replayMissingStates(entries: LogEntry[], scheduler: FSRS = defaultScheduler()): void {
  if (!entries.some(needsReplay)) return;
  const current = new Map<string, CardSnapshot>();
  for (const e of entries) {
    if (e.type !== 'review') continue;
    const pending = e as Pending;
    if (pending[NEEDS_REPLAY]) {
      const before = current.get(e.card) ?? null;
      const result = scheduler.next(cardOf(before, e.at), new Date(e.at), e.rating as Grade);
      e.before = before;
      e.after = snapshotOf(result.card);
      e.elapsed_days = result.log.elapsed_days;
      delete pending[NEEDS_REPLAY];
    }
    current.set(e.card, e.after);
  }
}

export function createReviewLogFile(path: string): JsonlFile<LogEntry> {
  return new JsonlFile<LogEntry>(path, decodeLogEntry, encodeLogEntry, replayMissingStates);
}
