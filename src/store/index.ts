// The progress store: everything ftlab remembers about a learner, in one folder ("home").
//
//   settings.json      conf: settings and small state (limits, lesson positions, lab results, activity days)
//   reviews.jsonl      append-only review log, the source of truth for card state (src/srs rebuilds from it)
//   exams.jsonl        finished mock-exam attempts, append-only
//   exam-current.json  the exam in progress (rewritten atomically after each answer)
//   cards.cache.json   card states covering a verified prefix of reviews.jsonl (a cache: the log wins)
//   *.lock             short-lived cross-process locks; *.corrupt-<time> / *.pre-migration-<time> kept copies
//
// Home = FTLAB_HOME when set, else conf's OS config dir (e.g. ~/.config/ftlab-nodejs on Linux).
// See docs/store.md.
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Cursor, JsonlFile, ReadResult } from './jsonl.js';
import { loadCardCache, type CardCache } from './card-cache.js';
import { ExamStore } from './exams.js';
import { createReviewLogFile, type LogEntry } from './reviews.js';
import { SettingsStore } from './settings.js';
import type { StoreWarning } from './warnings.js';

export interface OpenStoreOptions {
  /** Folder for progress files; default FTLAB_HOME, else conf's OS config dir. */
  home?: string;
  /** Use cards.cache.json when it is valid (default true; the log is always the source of truth). */
  useCache?: boolean;
}

export class ProgressStore {
  /** Problems found and recovered from while opening (show them once; the damaged copies are kept). */
  readonly warnings: StoreWarning[];
  readonly home: string;
  readonly settings: SettingsStore;
  readonly reviews: JsonlFile<LogEntry>;
  readonly exams: ExamStore;
  /** Review entries read (and repaired/migrated) at open; src/srs builds card state from these. */
  readonly initialReviews: LogEntry[];
  /** Where the log stood after `initialReviews` (readers continue from a copy of it). */
  readonly initialCursor: Readonly<Cursor>;
  /**
   * Card states covering the log up to the cursor where `initialReviews` start, when cards.cache.json was
   * valid; then `initialReviews` holds only the entries appended after it. Undefined: `initialReviews` is
   * the whole log.
   */
  readonly cache: CardCache | undefined;

  private constructor(home: string | undefined, options: OpenStoreOptions) {
    this.warnings = [];
    if (home) mkdirSync(home, { recursive: true });
    this.settings = SettingsStore.open(home, this.warnings);
    this.home = this.settings.dir;
    this.reviews = createReviewLogFile(resolve(this.home, 'reviews.jsonl'));
    this.cache = options.useCache === false ? undefined : loadCardCache(this.home, this.reviews.path, this.settings.get().dayStartsAtHour);
    let tail: ReadResult<LogEntry> | null = null;
    const tailCursor = this.cache ? { offset: this.cache.offset, inode: this.cache.inode } : undefined;
    if (this.cache && tailCursor) {
      // Only the entries appended after the cached prefix are read; anything odd there → full check.
      tail = this.reviews.readNew(tailCursor);
      if (!tail || tail.problems.length || tail.tornTail || tail.migrated) tail = null;
    }
    if (tail && tailCursor) {
      this.initialReviews = tail.entries;
      this.initialCursor = tailCursor;
    } else {
      this.cache = undefined;
      const { warning, result, cursor } = this.reviews.repair();
      if (warning) this.warnings.push(warning);
      this.initialReviews = result.entries;
      this.initialCursor = cursor;
    }
    this.exams = new ExamStore(this.home, this.warnings);
  }

  static open(options: OpenStoreOptions = {}): ProgressStore {
    const home = options.home ?? (process.env.FTLAB_HOME ? resolve(process.env.FTLAB_HOME) : undefined);
    return new ProgressStore(home, options);
  }
}

export function openStore(options?: OpenStoreOptions): ProgressStore {
  return ProgressStore.open(options);
}

export { StoreBusyError, withLock } from './lock.js';
export { studyDay, localOffsetMinutes, defaultSettings, type SettingsData, type LessonProgress, type LabProgress, SettingsStore } from './settings.js';
export type { StoreWarning } from './warnings.js';
export type { ExamAttemptRecord, ExamSessionRecord, ExamDraw, ExamItemResult, ExamMode, DomainScore } from './exams.js';
export { ExamStore } from './exams.js';
export {
  LOG_VERSION,
  RATING_NAMES,
  STATE_NAMES,
  type LogEntry,
  type ReviewEntry,
  type UndoEntry,
  type CardSnapshot,
  type RatingValue,
  type RatingName,
  type CardStateValue,
} from './reviews.js';
