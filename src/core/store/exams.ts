// Exam persistence: the exam in progress (exam-current.json, rewritten atomically after every answer or flag,
// so a crash or quit resumes it) and finished attempts (exams.jsonl, append-only, one attempt per line).
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Answer } from '../quiz/types.js';
import { keepBadCopy, writeFileAtomic } from './atomic.js';
import { JsonlFile, type Decoded } from './jsonl.js';
import { withLock } from './lock.js';
import { guard, toStoreError } from './errors.js';
import type { StoreWarning } from './warnings.js';

export const EXAM_FORMAT = 1;
export type ExamMode = 'full' | 'short';

/** One draw from the bank: a question (a case question is one draw with several scored items). */
export interface ExamDraw {
  question: string;
  domain: number;
  /** Scored item keys: the question id, or "<case id>/<sub id>" for each case sub-question. */
  items: string[];
}

export interface ExamSessionRecord {
  v: 1;
  id: string;
  mode: ExamMode;
  /** Seed of the draw and of the shuffles shown on screen. */
  seed: number;
  startedAt: number;
  /** Epoch ms when time is up; the exam is submitted automatically at (or after) this moment. */
  deadline: number;
  durationMs: number;
  draws: ExamDraw[];
  /** Answers by item key, saved as the learner goes. */
  answers: Record<string, Answer>;
  /** Flagged item keys ("mark for review"). */
  flags: string[];
  /** Index (into the flat item list) of the item on screen, to resume where the learner was. */
  current: number;
  updatedAt: number;
  /** E.g. which domains the bank did not cover. */
  notes: string[];
}

export interface ExamItemResult {
  key: string;
  question: string;
  /** Sub-question id for case items. */
  sub?: string;
  domain: number;
  /** AIF-C01 task statement ("3.2") of the item (absent in attempts saved before tasks were kept). */
  task?: string;
  answered: boolean;
  correct: boolean;
  flagged: boolean;
  answer?: Answer;
}

export interface DomainScore {
  domain: number;
  correct: number;
  total: number;
}

export interface TaskScore {
  task: string;
  correct: number;
  total: number;
}

export interface ExamAttemptRecord {
  v: 1;
  id: string;
  mode: ExamMode;
  startedAt: number;
  submittedAt: number;
  /** Submitted by the clock (time ran out), not by the learner. */
  autoSubmitted: boolean;
  durationMs: number;
  /** The attempt's shuffle seed, so the review shows choices in the order they were answered (absent in attempts saved before it was kept). */
  seed?: number;
  items: ExamItemResult[];
  correct: number;
  total: number;
  /** Estimated scaled score 100–1000 (see src/core/exam/score.ts; not AWS's official equating). */
  scaled: number;
  passed: boolean;
  byDomain: DomainScore[];
  /** Score per task statement, weakest first (absent in attempts saved before tasks were kept). */
  byTask?: TaskScore[];
  notes: string[];
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function decodeAttempt(raw: unknown): Decoded<ExamAttemptRecord> {
  if (!isObj(raw)) return { ok: false, reason: 'not a JSON object' };
  if (raw.v !== EXAM_FORMAT) return { ok: false, reason: 'unknown format version' };
  if (typeof raw.id !== 'string' || !raw.id) return { ok: false, reason: 'missing "id"' };
  for (const k of ['startedAt', 'submittedAt', 'correct', 'total', 'scaled', 'durationMs'] as const) {
    if (typeof raw[k] !== 'number') return { ok: false, reason: `"${k}" is not a number` };
  }
  if (raw.mode !== 'full' && raw.mode !== 'short') return { ok: false, reason: 'bad "mode"' };
  if (!Array.isArray(raw.items) || !Array.isArray(raw.byDomain)) return { ok: false, reason: 'missing items or byDomain' };
  return {
    ok: true,
    migrated: false,
    value: {
      autoSubmitted: false,
      notes: [],
      ...raw,
      seed: typeof raw.seed === 'number' ? raw.seed : undefined,
      passed: Boolean(raw.passed),
    } as unknown as ExamAttemptRecord,
  };
}

/** Structural check of a saved exam in progress. */
export function validSession(raw: unknown): raw is ExamSessionRecord {
  if (!isObj(raw) || raw.v !== EXAM_FORMAT) return false;
  return (
    typeof raw.id === 'string' &&
    (raw.mode === 'full' || raw.mode === 'short') &&
    typeof raw.seed === 'number' &&
    typeof raw.startedAt === 'number' &&
    typeof raw.deadline === 'number' &&
    Array.isArray(raw.draws) &&
    raw.draws.every((d) => isObj(d) && typeof d.question === 'string' && Array.isArray(d.items)) &&
    isObj(raw.answers) &&
    Array.isArray(raw.flags)
  );
}

export class ExamStore {
  readonly attemptsFile: JsonlFile<ExamAttemptRecord>;
  readonly currentPath: string;
  private readonly lockPath: string;

  constructor(home: string, warnings: StoreWarning[]) {
    this.attemptsFile = new JsonlFile<ExamAttemptRecord>(join(home, 'exams.jsonl'), decodeAttempt);
    this.currentPath = join(home, 'exam-current.json');
    this.lockPath = `${this.currentPath}.lock`;
    const { warning } = this.attemptsFile.repair();
    if (warning) warnings.push(warning);
    this.checkCurrent(warnings);
  }

  private checkCurrent(warnings: StoreWarning[]): void {
    withLock(this.lockPath, () => {
      if (!existsSync(this.currentPath)) return;
      let ok = false;
      try {
        ok = validSession(JSON.parse(readFileSync(this.currentPath, 'utf8')));
      } catch {
        ok = false;
      }
      if (ok) return;
      const backup = keepBadCopy(this.currentPath);
      unlinkSync(this.currentPath);
      warnings.push({
        file: this.currentPath,
        level: 'warning',
        backup,
        message: 'the saved exam in progress was damaged and cannot be resumed; start a new exam (finished attempts are unaffected)',
      });
    });
  }

  /** Finished attempts, oldest first (re-read: another process may have added one). */
  attempts(): ExamAttemptRecord[] {
    return this.attemptsFile.readAll().entries;
  }

  private addAttempt(attempt: ExamAttemptRecord): void {
    this.attemptsFile.append([attempt]);
  }

  /** The exam in progress, if any. */
  current(): ExamSessionRecord | undefined {
    if (!existsSync(this.currentPath)) return undefined;
    let text: string;
    try {
      text = readFileSync(this.currentPath, 'utf8');
    } catch (err) {
      throw toStoreError(err, this.currentPath); // e.g. a folder in its place: say so, do not pretend there is no exam
    }
    try {
      const raw = JSON.parse(text) as unknown;
      return validSession(raw) ? raw : undefined;
    } catch {
      return undefined;
    }
  }

  saveCurrent(session: ExamSessionRecord): void {
    guard(() => withLock(this.lockPath, () => writeFileAtomic(this.currentPath, JSON.stringify(session) + '\n')), this.currentPath);
  }

  /** Record the finished attempt and forget the session, as one step under the lock. */
  finish(attempt: ExamAttemptRecord): void {
    guard(
      () =>
        withLock(this.lockPath, () => {
          const already = this.attempts().some((a) => a.id === attempt.id);
          if (!already) this.addAttempt(attempt);
          if (existsSync(this.currentPath)) unlinkSync(this.currentPath);
        }),
      this.currentPath,
    );
  }

  discardCurrent(): void {
    guard(
      () =>
        withLock(this.lockPath, () => {
          if (existsSync(this.currentPath)) unlinkSync(this.currentPath);
        }),
      this.currentPath,
    );
  }
}
