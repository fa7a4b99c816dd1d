// The progress store: everything ftlab remembers about a learner, in one folder ("home").
//
//   settings.json      conf: settings and small state (limits, lesson positions, lab results, activity days)
//   reviews.jsonl      append-only review log, the source of truth for card state (src/core/srs rebuilds from it)
//   exams.jsonl        finished mock-exam attempts, append-only
//   exam-current.json  the exam in progress (rewritten atomically after each answer)
//   cards.cache.json   card states covering a verified prefix of reviews.jsonl (a cache: the log wins)
//   *.lock             short-lived cross-process locks; *.corrupt-<time> / *.pre-migration-<time> kept copies
//
// Home = FTLAB_HOME when set, else conf's OS config dir (e.g. ~/.config/ftlab-nodejs on Linux).
// Opening is the store's boundary: an unusable home or file ends in one StoreError (never a raw fs error or
// a hang), and every repair is reported in `notices` until the user dismisses it. See docs/store.md.
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import type { Cursor, JsonlFile, ReadResult } from './jsonl.js';
import { loadCardCache, type CardCache } from './card-cache.js';
import { ExamStore } from './exams.js';
import { createReviewLogFile, type LogEntry } from './reviews.js';
import { SettingsStore } from './settings.js';
import type { StoreWarning } from './warnings.js';
import { guard, StoreError } from './errors.js';
import { clearHint, pendingRepairs, repairLine, type PendingRepair } from './repairs.js';

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
  /** Review entries read (and repaired/migrated) at open; src/core/srs builds card state from these. */
  readonly initialReviews: LogEntry[];
  /** Where the log stood after `initialReviews` (readers continue from a copy of it). */
  readonly initialCursor: Readonly<Cursor>;
  /**
   * Card states covering the log up to the cursor where `initialReviews` start, when cards.cache.json was
   * valid; then `initialReviews` holds only the entries appended after it. Undefined: `initialReviews` is
   * the whole log.
   */
  readonly cache: CardCache | undefined;
  /** Damaged copies kept aside (now or by an earlier run) that the user has not dismissed yet. */
  readonly pendingRepairs: PendingRepair[];

  private constructor(home: string | undefined, options: OpenStoreOptions) {
    this.warnings = [];
    // SettingsStore.open checks (and creates) the folder itself, without recursive mkdir.
    this.settings = SettingsStore.open(home, this.warnings);
    this.home = this.settings.dir;
    this.reviews = createReviewLogFile(resolve(this.home, 'reviews.jsonl'));
    // The logs are appended in place: a read-only one would fail at the first answer, after the learner did
    // the work. Say so now. (settings.json and exam-current.json are replaced by rename, which only needs
    // the folder to be writable, and that was checked.)
    for (const name of ['reviews.jsonl', 'exams.jsonl']) {
      try {
        accessSync(resolve(this.home, name), constants.W_OK);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') continue;
        const path = resolve(this.home, name);
        throw new StoreError(
          `cannot write ${path} (${code}): new answers could not be saved; make it writable (chmod u+w '${path}') or set FTLAB_HOME to another folder`,
          path,
          code,
        );
      }
    }
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
    this.pendingRepairs = pendingRepairs(this.home);
  }

  /**
   * What to tell the user at every open, one line each: what was repaired or upgraded just now (with where
   * the old copy is), older repairs not dismissed yet, and what to do about them. Empty when all is well.
   */
  get notices(): string[] {
    const lines = this.warnings.map(
      (w) => `${w.message}${w.backup ? ` (the ${w.level === 'warning' ? 'damaged' : 'previous'} copy is kept as ${w.backup})` : ''}`,
    );
    const told = new Set(this.warnings.map((w) => w.backup));
    for (const r of this.pendingRepairs) if (!told.has(r.copy)) lines.push(repairLine(r));
    if (this.pendingRepairs.length) lines.push(clearHint(this.pendingRepairs.length));
    return lines;
  }

  /** Open the store in `options.home`, else FTLAB_HOME, else the OS config folder. Throws StoreError only. */
  static open(options: OpenStoreOptions = {}): ProgressStore {
    const home = options.home ?? (process.env.FTLAB_HOME ? resolve(process.env.FTLAB_HOME) : undefined);
    return guard(() => new ProgressStore(home, options));
  }
}

export function openStore(options?: OpenStoreOptions): ProgressStore {
  return ProgressStore.open(options);
}

export { StoreBusyError, withLock } from './lock.js';
export {
  studyDay,
  localOffsetMinutes,
  defaultSettings,
  type SettingsData,
  type LessonProgress,
  type LabProgress,
  SettingsStore,
} from './settings.js';
export type { StoreWarning } from './warnings.js';
export { StoreError } from './errors.js';
export { clearRepairs, pendingRepairs, type PendingRepair } from './repairs.js';
export { ensureHome, resolveHome } from './home.js';
export type { ExamAttemptRecord, ExamSessionRecord, ExamDraw, ExamItemResult, ExamMode, DomainScore, TaskScore } from './exams.js';
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
