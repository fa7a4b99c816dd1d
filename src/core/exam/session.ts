// A mock exam in progress. Every change (answer, flag, move) is saved at once to exam-current.json, so a
// crash or quit resumes the exam where it was; when time is up the exam is submitted automatically, also on
// resume after the deadline. No feedback is given before submission.
import { randomBytes } from 'node:crypto';
import type { CaseQuestion, Question, SubQuestion } from '../content/schema.js';
import { gradeItem } from '../quiz/grade.js';
import { layoutFor, type Layout } from '../quiz/shuffle.js';
import type { Answer } from '../quiz/types.js';
import type { ProgressStore } from '../store/index.js';
import type { ExamAttemptRecord, ExamItemResult, ExamMode, ExamSessionRecord } from '../store/exams.js';
import { planExam, seenInAttempts } from './blueprint.js';
import { byDomain, byTask, PASSING_SCALED, scaledScore } from './score.js';

/** One scored item as the exam screen shows it. */
export interface ExamItem {
  /** Position in the exam (0-based) across all items. */
  index: number;
  key: string;
  /** The question to show: the question itself, or one sub-question of a case. */
  question: Question | SubQuestion;
  /** For case sub-questions: the case (its scenario_text is shown above). */
  parent?: CaseQuestion;
  /** 0-based draw this item belongs to (a case's items share one), and the item's place within it. */
  draw: number;
  part: number;
  parts: number;
  /** The item's domain (a case part may set its own) and AIF-C01 task statement, when known. */
  domain: number;
  task?: string;
}

export type QuestionLookup = ReadonlyMap<string, Question> | ((id: string) => Question | undefined);

function lookup(questions: QuestionLookup, id: string): Question | undefined {
  return typeof questions === 'function' ? questions(id) : questions.get(id);
}

export class ExamSession {
  private record: ExamSessionRecord;
  readonly items: ExamItem[];
  /** Drawn questions that no longer exist in the bank (content changed since the start); not scored. */
  readonly missing: string[];

  constructor(
    private readonly store: ProgressStore,
    record: ExamSessionRecord,
    questions: QuestionLookup,
  ) {
    this.record = record;
    this.items = [];
    this.missing = [];
    record.draws.forEach((draw, drawIndex) => {
      const q = lookup(questions, draw.question);
      if (!q) {
        this.missing.push(draw.question);
        return;
      }
      if (q.type === 'case') {
        q.questions.forEach((sub, part) => {
          const task = sub.task ?? q.task;
          this.items.push({
            index: this.items.length,
            key: `${q.id}/${sub.id}`,
            question: sub,
            parent: q,
            draw: drawIndex,
            part,
            parts: q.questions.length,
            domain: sub.domain ?? q.domain,
            ...(task ? { task } : {}),
          });
        });
      } else
        this.items.push({
          index: this.items.length,
          key: q.id,
          question: q,
          draw: drawIndex,
          part: 0,
          parts: 1,
          domain: q.domain,
          ...(q.task ? { task: q.task } : {}),
        });
    });
  }

  get id(): string {
    return this.record.id;
  }
  get mode(): ExamMode {
    return this.record.mode;
  }
  get deadline(): number {
    return this.record.deadline;
  }
  get startedAt(): number {
    return this.record.startedAt;
  }
  get durationMs(): number {
    return this.record.durationMs;
  }
  get notes(): readonly string[] {
    return this.record.notes;
  }
  /** Number of draws (a case question counts once). */
  get drawCount(): number {
    return this.record.draws.length;
  }
  get current(): number {
    return Math.min(Math.max(0, this.record.current), Math.max(0, this.items.length - 1));
  }

  remainingMs(now = Date.now()): number {
    return Math.max(0, this.record.deadline - now);
  }
  isExpired(now = Date.now()): boolean {
    return now >= this.record.deadline;
  }

  answerOf(key: string): Answer | undefined {
    return this.record.answers[key];
  }
  isFlagged(key: string): boolean {
    return this.record.flags.includes(key);
  }
  isAnswered(key: string): boolean {
    return isGiven(this.record.answers[key]);
  }
  /** Items without an answer, for the confirmation before submitting. */
  blanks(): ExamItem[] {
    return this.items.filter((i) => !this.isAnswered(i.key));
  }
  flagged(): ExamItem[] {
    return this.items.filter((i) => this.isFlagged(i.key));
  }

  /** Display layout (shuffled choices/items/right-hand sides), the same on every resume. */
  layout(item: ExamItem): Layout {
    return layoutFor(item.question, this.record.seed);
  }

  private save(now: number): void {
    this.record.updatedAt = now;
    this.store.exams.saveCurrent(this.record);
  }

  private assertOpen(now: number): void {
    if (this.isExpired(now)) throw new ExamTimeUpError();
  }

  /** Save an answer (undefined clears it). Throws ExamTimeUpError after the deadline: submit instead. */
  answer(key: string, answer: Answer | undefined, now = Date.now()): void {
    this.assertOpen(now);
    if (!this.items.some((i) => i.key === key)) throw new RangeError(`no exam item ${key}`);
    if (answer === undefined) delete this.record.answers[key];
    else this.record.answers[key] = answer;
    this.save(now);
  }

  /** Flag or unflag an item for review; returns the new flag state. */
  toggleFlag(key: string, now = Date.now()): boolean {
    this.assertOpen(now);
    const flags = this.record.flags;
    const i = flags.indexOf(key);
    if (i >= 0) flags.splice(i, 1);
    else flags.push(key);
    this.save(now);
    return i < 0;
  }

  /** Remember which item is on screen. */
  goTo(index: number, now = Date.now()): void {
    this.record.current = Math.min(Math.max(0, index), Math.max(0, this.items.length - 1));
    if (!this.isExpired(now)) this.save(now);
  }

  /**
   * Grade, record the attempt in exams.jsonl and forget the session. `auto` marks a submission by the clock.
   * Answers saved after the deadline are impossible (answer() refuses), so everything saved counts.
   */
  submit(now = Date.now(), auto = false): ExamAttemptRecord {
    const items: ExamItemResult[] = this.items.map((item) => {
      const answer = this.record.answers[item.key];
      const grade = gradeItem(item.question, answer, item.key);
      return {
        key: item.key,
        question: item.parent?.id ?? item.question.id,
        ...(item.parent ? { sub: item.question.id } : {}),
        domain: item.domain,
        ...(item.task ? { task: item.task } : {}),
        answered: isGiven(answer),
        correct: grade.correct,
        flagged: this.isFlagged(item.key),
        ...(answer ? { answer } : {}),
      };
    });
    const correct = items.filter((i) => i.correct).length;
    const scaled = scaledScore(correct, items.length);
    const notes = [...this.record.notes];
    if (this.missing.length)
      notes.push(
        `${this.missing.length} drawn question(s) were removed from the bank during the exam and are not scored: ${this.missing.join(', ')}.`,
      );
    const attempt: ExamAttemptRecord = {
      v: 1,
      id: this.record.id,
      mode: this.record.mode,
      startedAt: this.record.startedAt,
      submittedAt: auto ? Math.min(now, this.record.deadline) : now,
      autoSubmitted: auto,
      durationMs: this.record.durationMs,
      seed: this.record.seed,
      items,
      correct,
      total: items.length,
      scaled,
      passed: scaled >= PASSING_SCALED,
      byDomain: byDomain(items),
      byTask: byTask(items),
      notes,
    };
    this.store.exams.finish(attempt);
    this.store.settings.markActive(now);
    return attempt;
  }

  /** Give up without a result (the attempt is not recorded). */
  discard(): void {
    this.store.exams.discardCurrent();
  }
}

export class ExamTimeUpError extends Error {
  constructor() {
    super('time is up: the exam must be submitted');
    this.name = 'ExamTimeUpError';
  }
}

export class ExamInProgressError extends Error {
  constructor(readonly sessionId: string) {
    super('an exam is already in progress: resume it or discard it first');
    this.name = 'ExamInProgressError';
  }
}

function isGiven(answer: Answer | undefined): boolean {
  if (!answer) return false;
  switch (answer.type) {
    case 'cloze':
    case 'numeric':
      return answer.text.trim() !== '';
    case 'multi':
      return answer.choices.length > 0;
    case 'match':
      return answer.rights.some((r) => r >= 0);
    default:
      return true;
  }
}

export interface StartOptions {
  mode?: ExamMode;
  seed?: number;
  now?: number;
  /** Prefer questions not seen in earlier mocks (read from the attempt history); default true. */
  avoidSeen?: boolean;
}

/**
 * Draw and start a new exam (saved at once). Questions the learner saw in earlier mocks come last (unseen
 * first, then least recently seen). Throws ExamInProgressError if one is already in progress and
 * ExamDrawError when the bank cannot supply the mode's exact number of items.
 */
export function startExam(store: ProgressStore, questions: readonly Question[], options: StartOptions = {}): ExamSession {
  const existing = store.exams.current();
  if (existing) throw new ExamInProgressError(existing.id);
  const mode = options.mode ?? 'full';
  const now = options.now ?? Date.now();
  const seed = options.seed ?? randomBytes(4).readUInt32LE(0);
  const seen = options.avoidSeen === false ? undefined : seenInAttempts(store.exams.attempts());
  const plan = planExam(questions, mode, seed, { seen });
  const record: ExamSessionRecord = {
    v: 1,
    id: `exam-${now.toString(36)}-${randomBytes(3).toString('hex')}`,
    mode,
    seed,
    startedAt: now,
    deadline: now + plan.durationMs,
    durationMs: plan.durationMs,
    // Only what a resume needs: the bank supplies types and tasks again.
    draws: plan.draws.map((d) => ({ question: d.question, domain: d.domain, items: d.items })),
    answers: {},
    flags: [],
    current: 0,
    updatedAt: now,
    notes: plan.notes,
  };
  store.exams.saveCurrent(record);
  const byId = new Map(questions.map((q) => [q.id, q]));
  return new ExamSession(store, record, byId);
}

export type ResumeResult =
  | { status: 'none' }
  | { status: 'in-progress'; session: ExamSession }
  /** The deadline passed while ftlab was closed: submitted now with the answers saved before it. */
  | { status: 'auto-submitted'; attempt: ExamAttemptRecord };

/** Resume the exam in progress, if any; submits it automatically when its time ran out meanwhile. */
export function resumeExam(store: ProgressStore, questions: QuestionLookup, now = Date.now()): ResumeResult {
  const record = store.exams.current();
  if (!record) return { status: 'none' };
  const session = new ExamSession(store, record, questions);
  if (session.isExpired(now)) return { status: 'auto-submitted', attempt: session.submit(now, true) };
  return { status: 'in-progress', session };
}

/** Finished attempts, newest first. */
export function examHistory(store: ProgressStore): ExamAttemptRecord[] {
  return store.exams.attempts().slice().reverse();
}
