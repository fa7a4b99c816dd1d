// `ftlab progress export | import | reset`: move a learner's progress between machines, or start over.
//
// Export: one JSON document with settings, the whole review log, exam attempts and the exam in progress.
// Import: validates everything first (nothing changes if anything is invalid), then merges without
// duplicating — reviews and attempts are keyed by their ids — and rewrites the log in time order, replaying
// FSRS for cards whose history gained reviews so their state reflects both machines' reviews.
// Reset: moves every progress file into backups/reset-<time>/ (nothing is deleted outright).
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Grade } from 'ts-fsrs';
import { fsrs } from 'ts-fsrs';
import { keepBadCopy, stamp } from './atomic.js';
import { validSession, type ExamAttemptRecord, type ExamSessionRecord } from './exams.js';
import type { ProgressStore } from './index.js';
import { withLock } from './lock.js';
import { mkdirUnder } from './home.js';
import { cardOf, decodeLogEntry, replayMissingStates, snapshotOf, type CardSnapshot, type LogEntry, type ReviewEntry } from './reviews.js';
import { salvageSettings, type SettingsData } from './settings.js';

export const EXPORT_FORMAT = 'ftlab-progress';
export const EXPORT_VERSION = 1;

export interface ProgressExport {
  format: typeof EXPORT_FORMAT;
  version: number;
  exportedAt: string;
  ftlabVersion?: string;
  settings: SettingsData;
  reviews: LogEntry[];
  exams: ExamAttemptRecord[];
  examInProgress: ExamSessionRecord | null;
}

export function exportProgress(store: ProgressStore, ftlabVersion?: string, now = Date.now()): ProgressExport {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    ...(ftlabVersion ? { ftlabVersion } : {}),
    settings: store.settings.get(),
    reviews: store.reviews.readAll().entries,
    exams: store.exams.attempts(),
    examInProgress: store.exams.current() ?? null,
  };
}

export class ImportError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `the file is not a valid ftlab progress export:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`,
    );
    this.name = 'ImportError';
  }
}

export interface ImportSummary {
  reviewsAdded: number;
  reviewsAlreadyPresent: number;
  /** Cards whose state was recomputed from the merged history. */
  cardsReplayed: number;
  examsAdded: number;
  examsAlreadyPresent: number;
  lessonsMerged: number;
  labsMerged: number;
  examInProgress: 'imported' | 'kept-local' | 'none';
}

/** Validate an export document (parsed JSON). Throws ImportError listing every problem. */
export function validateExport(doc: unknown): {
  settings: SettingsData;
  reviews: LogEntry[];
  exams: ExamAttemptRecord[];
  examInProgress: ExamSessionRecord | null;
} {
  const problems: string[] = [];
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new ImportError(['the top level is not a JSON object']);
  const d = doc as Record<string, unknown>;
  if (d.format !== EXPORT_FORMAT) problems.push(`"format" must be "${EXPORT_FORMAT}" (is ${JSON.stringify(d.format)})`);
  if (typeof d.version !== 'number' || d.version > EXPORT_VERSION)
    problems.push(`unsupported "version" ${JSON.stringify(d.version)} (this ftlab reads version ${EXPORT_VERSION})`);
  const { data: settings, reset } = salvageSettings(d.settings ?? {});
  for (const field of reset) problems.push(`settings.${field} is invalid`);
  const reviews: LogEntry[] = [];
  if (!Array.isArray(d.reviews)) problems.push('"reviews" must be a list');
  else
    d.reviews.forEach((raw, i) => {
      const decoded = decodeLogEntry(raw);
      if (decoded.ok) reviews.push(decoded.value);
      else problems.push(`reviews[${i}]: ${decoded.reason}`);
    });
  replayMissingStates(reviews);
  const exams: ExamAttemptRecord[] = [];
  if (d.exams !== undefined && !Array.isArray(d.exams)) problems.push('"exams" must be a list');
  else
    ((d.exams as unknown[]) ?? []).forEach((raw, i) => {
      const a = raw as Record<string, unknown>;
      if (
        typeof a !== 'object' ||
        a === null ||
        a.v !== 1 ||
        typeof a.id !== 'string' ||
        typeof a.submittedAt !== 'number' ||
        !Array.isArray(a.items)
      ) {
        problems.push(`exams[${i}]: not a valid exam attempt`);
      } else exams.push(a as unknown as ExamAttemptRecord);
    });
  const current = d.examInProgress ?? null;
  if (current !== null && !validSession(current)) problems.push('"examInProgress" is not a valid saved exam');
  const examInProgress = current !== null && validSession(current) ? current : null;
  if (problems.length) throw new ImportError(problems);
  return { settings, reviews, exams, examInProgress };
}

/** Merge an export into the store. Validates first; throws ImportError (nothing changed) if invalid. */
export function importProgress(store: ProgressStore, doc: unknown, now = Date.now()): ImportSummary {
  const incoming = validateExport(doc);
  const summary: ImportSummary = {
    reviewsAdded: 0,
    reviewsAlreadyPresent: 0,
    cardsReplayed: 0,
    examsAdded: 0,
    examsAlreadyPresent: 0,
    lessonsMerged: 0,
    labsMerged: 0,
    examInProgress: 'none',
  };

  // ---- review log ----------------------------------------------------------------------------
  store.reviews.locked(() => {
    const local = store.reviews.readAll().entries;
    const known = new Set(local.map((e) => e.id));
    const added: LogEntry[] = [];
    for (const e of incoming.reviews) {
      if (known.has(e.id)) summary.reviewsAlreadyPresent++;
      else {
        known.add(e.id);
        added.push(e);
      }
    }
    summary.reviewsAdded = added.length;
    if (added.length === 0) return;
    const merged = mergeInTimeOrder(local, added);
    const affected = new Set(added.map((e) => e.card));
    summary.cardsReplayed = replayCards(merged, affected, store.settings.get().desiredRetention);
    if (existsSync(store.reviews.path)) keepBadCopy(store.reviews.path, 'pre-import');
    store.reviews.rewrite(merged);
  });

  // ---- exams ---------------------------------------------------------------------------------
  const localExamIds = new Set(store.exams.attempts().map((a) => a.id));
  const newExams = incoming.exams.filter((a) => {
    if (localExamIds.has(a.id)) {
      summary.examsAlreadyPresent++;
      return false;
    }
    localExamIds.add(a.id);
    return true;
  });
  if (newExams.length) {
    store.exams.attemptsFile.locked(() => {
      const all = [...store.exams.attempts(), ...newExams].sort((a, b) => a.submittedAt - b.submittedAt);
      if (existsSync(store.exams.attemptsFile.path)) keepBadCopy(store.exams.attemptsFile.path, 'pre-import');
      store.exams.attemptsFile.rewrite(all);
    });
    summary.examsAdded = newExams.length;
  }
  if (incoming.examInProgress) {
    if (store.exams.current()) summary.examInProgress = 'kept-local';
    else {
      store.exams.saveCurrent(incoming.examInProgress);
      summary.examInProgress = 'imported';
    }
  }

  // ---- settings (progress merged; preferences stay local) -----------------------------------
  store.settings.update((s) => {
    for (const [id, theirs] of Object.entries(incoming.settings.lessons)) {
      const mine = s.lessons[id];
      if (!mine) s.lessons[id] = theirs;
      else {
        const newer = (theirs.lastOpenedAt ?? 0) > (mine.lastOpenedAt ?? 0) ? theirs : mine;
        const completed = [mine.completedAt, theirs.completedAt].filter((x): x is number => x !== undefined);
        s.lessons[id] = {
          ...(newer.position !== undefined ? { position: newer.position } : mine.position !== undefined ? { position: mine.position } : {}),
          ...(newer.lastOpenedAt !== undefined ? { lastOpenedAt: newer.lastOpenedAt } : {}),
          ...(completed.length ? { completedAt: Math.min(...completed) } : {}),
        };
      }
      summary.lessonsMerged++;
    }
    for (const [id, theirs] of Object.entries(incoming.settings.labs)) {
      const mine = s.labs[id] ?? { steps: {} };
      for (const [step, result] of Object.entries(theirs.steps)) {
        const have = mine.steps[step];
        if (!have || result.at > have.at) mine.steps[step] = result;
      }
      const completed = [mine.completedAt, theirs.completedAt].filter((x): x is number => x !== undefined);
      s.labs[id] = { ...mine, ...(completed.length ? { completedAt: Math.min(...completed) } : {}) };
      summary.labsMerged++;
    }
    s.activityDays = [...new Set([...s.activityDays, ...incoming.settings.activityDays])].sort();
  });
  void now;
  return summary;
}

/** Local and imported entries in time order; an undo always directly follows the review it undoes. */
function mergeInTimeOrder(local: LogEntry[], added: LogEntry[]): LogEntry[] {
  const all = [...local, ...added];
  const undoOf = new Map<string, LogEntry[]>();
  const reviews: LogEntry[] = [];
  for (const e of all) {
    if (e.type === 'undo') undoOf.set(e.target, [...(undoOf.get(e.target) ?? []), e]);
    else reviews.push(e);
  }
  // Stable sort: equal times keep local-before-imported order.
  reviews.sort((a, b) => a.at - b.at);
  const out: LogEntry[] = [];
  for (const r of reviews) {
    out.push(r);
    const undos = undoOf.get(r.id);
    if (undos) out.push(undos[0]!);
  }
  return out;
}

/** Recompute before/after of the affected cards' effective reviews in order; returns how many cards. */
function replayCards(entries: LogEntry[], cards: ReadonlySet<string>, retention: number): number {
  const scheduler = fsrs({ request_retention: retention, enable_fuzz: false, enable_short_term: true });
  const undone = new Set(entries.filter((e) => e.type === 'undo').map((e) => (e as { target: string }).target));
  const state = new Map<string, CardSnapshot | null>();
  for (const e of entries) {
    if (e.type !== 'review' || !cards.has(e.card)) continue;
    const before = state.get(e.card) ?? null;
    const out = scheduler.next(cardOf(before, e.at), new Date(e.at), e.rating as Grade);
    (e as ReviewEntry).before = before;
    (e as ReviewEntry).after = snapshotOf(out.card);
    (e as ReviewEntry).elapsed_days = out.log.elapsed_days;
    if (!undone.has(e.id)) state.set(e.card, e.after);
  }
  return cards.size;
}

/** Move every progress file into <home>/backups/reset-<time>/; returns that folder. */
export function resetProgress(store: ProgressStore): { backupDir: string; moved: string[] } {
  const backupDir = join(store.home, 'backups', `reset-${stamp()}`);
  const moved: string[] = [];
  const files = ['settings.json', 'settings.json.bak', 'reviews.jsonl', 'exams.jsonl', 'exam-current.json', 'cards.cache.json'];
  // Lock order matches the rest of the store (the exam in progress before the attempts log), so a reset
  // racing an exam submission in another window cannot deadlock.
  withLock(`${store.settings.path}.lock`, () =>
    store.reviews.locked(() =>
      withLock(`${store.exams.currentPath}.lock`, () =>
        store.exams.attemptsFile.locked(() => {
          mkdirUnder(store.home, 'backups', basename(backupDir));
          for (const name of readdirSync(store.home)) {
            if (files.includes(name)) {
              renameSync(join(store.home, name), join(backupDir, name));
              moved.push(name);
            }
          }
        }),
      ),
    ),
  );
  return { backupDir, moved };
}
