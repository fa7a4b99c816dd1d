// Card state for every question, rebuilt from the review log (the log wins; nothing else is trusted).
//
// A Deck reads reviews.jsonl once, then only the tail that other ftlab processes append. Recording a rating
// happens under the log's lock: catch up with the tail first (another window may have just reviewed the same
// card), compute the new state from the up-to-date card, append one line. So two processes reviewing at once
// lose nothing and never fork a card's history. Undo appends an "undo" entry; nothing is rewritten.
import { randomBytes } from 'node:crypto';
import type { FSRS, Grade } from 'ts-fsrs';
import { fsrs } from 'ts-fsrs';
import type { ProgressStore } from '../store/index.js';
import type { Cursor, JsonlFile } from '../store/jsonl.js';
import {
  RATING_NAMES,
  cardOf,
  needsReplay,
  snapshotOf,
  type CardSnapshot,
  type LogEntry,
  type RatingName,
  type RatingValue,
  type ReviewEntry,
  type UndoEntry,
} from '../store/reviews.js';
import { localOffsetMinutes, studyDay, type SettingsStore } from '../store/settings.js';
import { formatInterval } from './interval.js';
import { saveCardCache, type CachedCard, type DayCount, type LastReview } from '../store/card-cache.js';

export interface IntervalPreview {
  rating: RatingValue;
  name: RatingName;
  /** When the card would next be due, epoch ms. */
  due: number;
  intervalMs: number;
  /** "10m", "3d", … for the button. */
  label: string;
}

export interface DailyLimits {
  newPerDay: number;
  reviewsPerDay: number;
}

export interface DueQueue {
  /** Cards due now, earliest first: learning/relearning cards always, review cards up to the daily limit. */
  due: string[];
  /** New cards to introduce today, in the order given, up to the daily limit. */
  fresh: string[];
  counts: {
    /** Review-state cards due now before the daily limit is applied. */
    reviewsDue: number;
    learningDue: number;
    /** Learning/relearning cards that come due later (after an Again, in a few minutes). */
    learningLater: number;
    /** Cards never reviewed, before the limit. */
    newAvailable: number;
    reviewsToday: number;
    newToday: number;
    reviewsLeftToday: number;
    newLeftToday: number;
  };
  /** Earliest moment a learning card comes due later (for "come back in 4 minutes"). */
  nextLearningDue?: number;
}

interface CardRecord {
  snapshot: CardSnapshot;
  /** Effective (not undone) reviews of this card held in memory, oldest first. */
  history: ReviewEntry[];
  /** When the deck started from cards.cache.json: the latest effective review before `history`, if known. */
  base?: LastReview;
}

export interface DeckOptions {
  /** Identifies this process's ratings (undo only undoes our own). Random by default. */
  session?: string;
  /** FSRS target retention; defaults to the settings' desiredRetention. */
  desiredRetention?: number;
  /**
   * Write cards.cache.json at open when at least this many reviews had to be read from the log (default
   * 2,000): smaller logs open fast anyway.
   */
  cacheMinEntries?: number;
}

export class Deck {
  readonly session: string;
  private readonly log: JsonlFile<LogEntry>;
  private readonly settings: SettingsStore;
  private readonly home: string;
  /** Started from cards.cache.json: older reviews are not in memory (reviews() re-reads the log). */
  private fromCache = false;
  /** Effective reviews covered by the cache the deck started from. */
  private cachedEntries = 0;
  private scheduler: FSRS;
  private dayStartsAtHour: number;
  /** How far this deck has read the log. */
  private cursor: Cursor;

  private entries: LogEntry[] = [];
  private reviewsById = new Map<string, ReviewEntry>();
  private undone = new Set<string>();
  private cards = new Map<string, CardRecord>();
  private days = new Map<string, DayCount>();
  /** This session's effective reviews, newest last (the undo stack). */
  private mine: ReviewEntry[] = [];
  /**
   * Bank id lists resolved to card records, so scanning 50,000 ids needs no string hashing. Records are
   * updated in place by reviews; `generation` changes only when a card appears or disappears.
   */
  private generation = 0;
  private resolved = new WeakMap<readonly string[], { generation: number; records: Array<CardRecord | undefined> }>();

  private constructor(store: ProgressStore, options: DeckOptions) {
    this.log = store.reviews;
    this.settings = store.settings;
    const settings = store.settings.get();
    this.dayStartsAtHour = settings.dayStartsAtHour;
    this.scheduler = fsrs({
      request_retention: options.desiredRetention ?? settings.desiredRetention,
      enable_fuzz: false,
      enable_short_term: true,
    });
    this.session = options.session ?? randomBytes(6).toString('hex');
    this.cursor = { ...store.initialCursor };
    this.home = store.home;
    if (store.cache) {
      this.fromCache = true;
      this.cachedEntries = store.cache.entries;
      for (const [id, c] of store.cache.cards)
        this.cards.set(id, { snapshot: c.snapshot, history: [], ...(c.last ? { base: c.last } : {}) });
      for (const [day, c] of store.cache.days) this.days.set(day, { ...c });
    }
    for (const e of store.initialReviews) this.apply(e);
    const read = this.entries.length;
    if (read >= (options.cacheMinEntries ?? 2_000)) this.saveCache();
  }

  /** Best effort: a cache that cannot be written only costs the next start-up time. */
  private saveCache(): void {
    const cards = this.cards;
    // Undo is for a rating just given, so only recent reviews keep what an undo needs (it keeps the cache
    // small); an undo reaching an older review still works, by rebuilding from the log.
    const undoHorizon = Date.now() - 2 * 86_400_000;
    try {
      saveCardCache(this.home, this.log.path, {
        offset: this.cursor.offset,
        inode: this.cursor.inode,
        dayStartsAtHour: this.dayStartsAtHour,
        entries: this.cachedEntries + this.reviewCountInMemory(),
        cards: (function* (): Generator<[string, CachedCard]> {
          for (const [id, rec] of cards) {
            const latest = rec.history[rec.history.length - 1];
            const last = latest ? { id: latest.id, at: latest.at, tz: latest.tz, before: latest.before } : rec.base;
            yield [id, { snapshot: rec.snapshot, last: last && last.at >= undoHorizon ? last : undefined }];
          }
        })(),
        days: this.days,
      });
    } catch {
      /* ignore */
    }
  }

  private reviewCountInMemory(): number {
    let n = 0;
    for (const e of this.entries) if (e.type === 'review' && !this.undone.has(e.id)) n++;
    return n;
  }

  /** Forget the cache and rebuild every card from the whole log (when an undo reaches past the cache). */
  private rebuildFromLog(): void {
    this.reset();
    this.fromCache = false;
    this.cachedEntries = 0;
    for (const e of this.log.readAll(this.cursor).entries) this.apply(e);
  }

  /** Build the deck from the store's review log (as read and repaired when the store was opened). */
  static open(store: ProgressStore, options: DeckOptions = {}): Deck {
    return new Deck(store, options);
  }

  // ---- reading -------------------------------------------------------------------------------

  /** Catch up with entries other processes appended (re-reads everything if the log was replaced). */
  refresh(): void {
    const fresh = this.log.readNew(this.cursor);
    if (fresh === null) {
      this.rebuildFromLog();
      return;
    }
    for (const e of fresh.entries) this.apply(e);
  }

  private reset(): void {
    this.entries = [];
    this.reviewsById.clear();
    this.undone.clear();
    this.cards.clear();
    this.days.clear();
    this.mine = [];
    this.generation++;
  }

  private apply(e: LogEntry): void {
    if (e.type === 'review') {
      if (this.reviewsById.has(e.id)) return;
      const rec = this.cards.get(e.card);
      if (needsReplay(e)) {
        // A format-1 entry appended by an old ftlab after we opened: compute its states now.
        const before = rec?.snapshot ?? null;
        const out = this.scheduler.next(cardOf(before, e.at), new Date(e.at), e.rating as Grade);
        e.before = before;
        e.after = snapshotOf(out.card);
      }
      this.entries.push(e);
      this.reviewsById.set(e.id, e);
      if (rec) {
        rec.snapshot = e.after;
        rec.history.push(e);
      } else {
        this.cards.set(e.card, { snapshot: e.after, history: [e] });
        this.generation++;
      }
      this.count(e, +1);
      if (e.session === this.session) this.mine.push(e);
      return;
    }
    // undo: only the card's latest effective review can be undone; the card returns to that review's `before`
    if (this.undone.has(e.target)) return;
    const target = this.reviewsById.get(e.target);
    if (!target) {
      this.undoBeyondMemory(e);
      return;
    }
    const rec = this.cards.get(target.card);
    if (!rec || rec.history[rec.history.length - 1] !== target) return;
    this.entries.push(e);
    this.undone.add(e.target);
    rec.history.pop();
    this.restore(target.card, rec, target.before);
    this.count(target, -1);
    const i = this.mine.lastIndexOf(target);
    if (i >= 0) this.mine.splice(i, 1);
  }

  /** An undo whose review is older than what is in memory (the deck started from the cache). */
  private undoBeyondMemory(e: UndoEntry): void {
    if (!this.fromCache) return; // a dangling undo: nothing to undo
    const rec = this.cards.get(e.card);
    if (!rec || rec.history.length > 0) return;
    if (rec.base?.id === e.target) {
      const base = rec.base;
      this.entries.push(e);
      this.undone.add(e.target);
      delete rec.base; // the review before it is not in memory; a further undo rebuilds from the log
      this.restore(e.card, rec, base.before);
      this.count({ at: base.at, tz: base.tz, before: base.before }, -1);
    } else if (!rec.base) this.rebuildFromLog();
  }

  private restore(cardId: string, rec: CardRecord, state: CardSnapshot | null): void {
    if (state) rec.snapshot = state;
    else {
      this.cards.delete(cardId);
      this.generation++;
    }
  }

  private dayOf(at: number, tz: number): string {
    return studyDay(at, this.dayStartsAtHour, tz);
  }

  private count(e: Pick<ReviewEntry, 'at' | 'tz' | 'before'>, delta: 1 | -1): void {
    const key = this.dayOf(e.at, e.tz);
    const day = this.days.get(key) ?? { reviews: 0, newCards: 0, all: 0 };
    day.all += delta;
    if (e.before === null || e.before.state === 0) day.newCards += delta;
    else if (e.before.state === 2) day.reviews += delta;
    this.days.set(key, day);
  }

  /** The card's FSRS state, or null for a card never reviewed (a new card). */
  card(cardId: string): CardSnapshot | null {
    return this.cards.get(cardId)?.snapshot ?? null;
  }

  /** Ids of every card with at least one effective review. */
  knownCards(): IterableIterator<string> {
    return this.cards.keys();
  }

  /**
   * Effective reviews (undone ones left out), in log order. When the deck started from the card cache, older
   * reviews are not in memory and the log is read again (stats screens; about 1 s per 100,000 entries).
   */
  reviews(): ReviewEntry[] {
    if (this.fromCache) return effectiveReviews(this.log.readAll().entries);
    return this.entries.filter((e): e is ReviewEntry => e.type === 'review' && !this.undone.has(e.id));
  }

  /** Every log entry, undo entries included, in log order. */
  logEntries(): readonly LogEntry[] {
    return this.fromCache ? this.log.readAll().entries : this.entries;
  }

  /** Probability of recalling the card now (FSRS retrievability), 0..1; undefined for a new card. */
  retrievability(cardId: string, now = Date.now()): number | undefined {
    const snap = this.card(cardId);
    if (!snap) return undefined;
    return this.scheduler.get_retrievability(cardOf(snap, now), new Date(now), false);
  }

  // ---- scheduling ----------------------------------------------------------------------------

  /** The interval each rating would schedule, for the rating buttons. */
  preview(cardId: string, now = Date.now()): Record<RatingName, IntervalPreview> {
    const card = cardOf(this.card(cardId), now);
    const preview = this.scheduler.repeat(card, new Date(now));
    const out = {} as Record<RatingName, IntervalPreview>;
    for (const rating of [1, 2, 3, 4] as const) {
      const due = preview[rating as Grade].card.due.getTime();
      const name = RATING_NAMES[rating - 1]!;
      out[name] = { rating, name, due, intervalMs: due - now, label: formatInterval(due - now) };
    }
    return out;
  }

  /**
   * Record a rating. Catches up with other processes first (under the log lock), so the new state is computed
   * from the card's latest state. Returns the entry written.
   */
  record(cardId: string, rating: RatingValue, options: { answerMs?: number; proposed?: RatingValue; now?: number } = {}): ReviewEntry {
    if (![1, 2, 3, 4].includes(rating)) throw new RangeError(`rating must be 1-4, got ${rating}`);
    return this.log.locked(() => {
      this.refresh();
      const now = options.now ?? Date.now();
      const before = this.card(cardId);
      const out = this.scheduler.next(cardOf(before, now), new Date(now), rating as Grade);
      const entry: ReviewEntry = {
        v: 2,
        type: 'review',
        id: newEntryId(now),
        card: cardId,
        rating,
        at: now,
        tz: localOffsetMinutes(now),
        elapsed_days: out.log.elapsed_days,
        answer_ms: Math.max(0, Math.round(options.answerMs ?? 0)),
        ...(options.proposed ? { proposed: options.proposed } : {}),
        session: this.session,
        before,
        after: snapshotOf(out.card),
      };
      this.log.append([entry], this.cursor);
      this.apply(entry);
      return entry;
    });
  }

  /** The review `undoLast()` would undo, if any. */
  lastUndoable(): ReviewEntry | undefined {
    return this.mine[this.mine.length - 1];
  }

  /**
   * Undo this session's most recent rating by appending an undo entry; the card returns to its state before
   * that rating. Returns the review undone, or undefined when there is nothing to undo (or another process
   * has reviewed that card since, in which case undoing would fork its history).
   */
  undoLast(now = Date.now()): ReviewEntry | undefined {
    return this.log.locked(() => {
      this.refresh();
      const target = this.mine[this.mine.length - 1];
      if (!target) return undefined;
      const rec = this.cards.get(target.card);
      if (!rec || rec.history[rec.history.length - 1] !== target) return undefined;
      const entry: UndoEntry = {
        v: 2,
        type: 'undo',
        id: newEntryId(now),
        target: target.id,
        card: target.card,
        at: now,
        tz: localOffsetMinutes(now),
        session: this.session,
      };
      this.log.append([entry], this.cursor);
      this.apply(entry);
      return target;
    });
  }

  // ---- queue ---------------------------------------------------------------------------------

  /** Reviews and new cards done on the study day containing `now`. */
  today(now = Date.now()): DayCount {
    return { ...(this.days.get(this.dayOf(now, localOffsetMinutes(now))) ?? { reviews: 0, newCards: 0, all: 0 }) };
  }

  /** Reviews per study day (YYYY-MM-DD → counts). */
  dayCounts(): ReadonlyMap<string, DayCount> {
    return this.days;
  }

  limits(): DailyLimits {
    return this.settings.get().limits;
  }

  /**
   * What to study now among `cardIds` (the question ids of the loaded banks, in bank order). Cards in the log
   * but not in `cardIds` (deleted questions) are ignored.
   */
  queue(cardIds: Iterable<string>, now = Date.now(), limits: DailyLimits = this.limits()): DueQueue {
    const today = this.today(now);
    const reviewsLeft = Math.max(0, limits.reviewsPerDay - today.reviews);
    const newLeft = Math.max(0, limits.newPerDay - today.newCards);
    const learning: Array<[string, number]> = [];
    const review: Array<[string, number]> = [];
    const fresh: string[] = [];
    let newAvailable = 0;
    let nextLearningDue: number | undefined;
    let learningLater = 0;
    const ids = Array.isArray(cardIds) ? (cardIds as readonly string[]) : [...cardIds];
    const records = this.recordsOf(ids);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const snap = records[i]?.snapshot;
      if (!snap) {
        newAvailable++;
        if (fresh.length < newLeft) fresh.push(id);
      } else if (snap.state === 2) {
        if (snap.due <= now) review.push([id, snap.due]);
      } else if (snap.due <= now) learning.push([id, snap.due]);
      else {
        learningLater++;
        if (nextLearningDue === undefined || snap.due < nextLearningDue) nextLearningDue = snap.due;
      }
    }
    const byDue = (a: [string, number], b: [string, number]) => a[1] - b[1];
    review.sort(byDue);
    const due = [...learning, ...review.slice(0, reviewsLeft)].sort(byDue).map(([id]) => id);
    return {
      due,
      fresh,
      counts: {
        reviewsDue: review.length,
        learningDue: learning.length,
        learningLater,
        newAvailable,
        reviewsToday: today.reviews,
        newToday: today.newCards,
        reviewsLeftToday: reviewsLeft,
        newLeftToday: newLeft,
      },
      nextLearningDue,
    };
  }

  /**
   * The next card to show: the most overdue due card (review cards only while under the daily limit), else
   * the first new card while under the new-card limit. One pass, no sorting (fast on 50,000 cards).
   */
  nextCard(cardIds: Iterable<string>, now = Date.now(), limits: DailyLimits = this.limits()): string | undefined {
    const today = this.today(now);
    const reviewsOpen = today.reviews < limits.reviewsPerDay;
    const newOpen = today.newCards < limits.newPerDay;
    let best: string | undefined;
    let bestDue = Number.POSITIVE_INFINITY;
    let firstNew: string | undefined;
    const ids = Array.isArray(cardIds) ? (cardIds as readonly string[]) : [...cardIds];
    const records = this.recordsOf(ids);
    for (let i = 0; i < ids.length; i++) {
      const snap = records[i]?.snapshot;
      if (!snap) {
        if (firstNew === undefined && newOpen) firstNew = ids[i];
        continue;
      }
      if (snap.due > now || snap.due >= bestDue) continue;
      if (snap.state === 2 && !reviewsOpen) continue;
      best = ids[i];
      bestDue = snap.due;
    }
    return best ?? firstNew;
  }

  /** Card records for a bank id list, cached while no card has appeared or disappeared. */
  private recordsOf(ids: readonly string[]): Array<CardRecord | undefined> {
    const cached = this.resolved.get(ids);
    if (cached && cached.generation === this.generation && cached.records.length === ids.length) return cached.records;
    const records = ids.map((id) => this.cards.get(id));
    this.resolved.set(ids, { generation: this.generation, records });
    return records;
  }
}

let counter = 0;
function newEntryId(now: number): string {
  counter = (counter + 1) % 1_679_616;
  return `${now.toString(36)}-${counter.toString(36)}-${randomBytes(5).toString('hex')}`;
}

/** The reviews that count: duplicates dropped, undone ones (undo of a card's latest review) left out. */
export function effectiveReviews(entries: readonly LogEntry[]): ReviewEntry[] {
  const seen = new Set<string>();
  const latest = new Map<string, ReviewEntry[]>();
  const undone = new Set<string>();
  const byId = new Map<string, ReviewEntry>();
  for (const e of entries) {
    if (e.type === 'review') {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      byId.set(e.id, e);
      const stack = latest.get(e.card);
      if (stack) stack.push(e);
      else latest.set(e.card, [e]);
    } else {
      const target = byId.get(e.target);
      if (!target || undone.has(e.target)) continue;
      const stack = latest.get(target.card)!;
      if (stack[stack.length - 1] !== target) continue;
      stack.pop();
      undone.add(e.target);
    }
  }
  const out: ReviewEntry[] = [];
  for (const e of byId.values()) if (!undone.has(e.id)) out.push(e);
  return out;
}
