// The flow of a quiz or review session, kept outside React so that it survives a trip to the lesson
// reader (the screen unmounts and remounts) and can be tested without rendering. It only sequences
// calls: grading is src/core/quiz, the proposed rating and scheduling are src/core/srs.
import type { LoadedQuestion } from '../core/content/loader.js';
import { gradeQuestion, layoutFor, type Answer, type Grade, type Layout } from '../core/quiz/index.js';
import {
  expectedAnswerMs,
  proposeRating,
  type DueQueue,
  type IntervalPreview,
  type RatingName,
  type RatingValue,
} from '../core/srs/index.js';
import { studyOrder, type AppData } from './app-data.js';

export type PracticeKind = 'quiz' | 'review';
export type Phase = 'answer' | 'feedback' | 'done';

export interface Attempt {
  question: LoadedQuestion;
  layout: Layout;
  answer: Answer;
  grade: Grade;
  answerMs: number;
  proposed: RatingValue;
  /** Set once rated; the log entry lets undo find it again. */
  rating?: RatingValue;
  entryId?: string;
  /** Quiz: index of the question in the quiz list. */
  position: number;
  /** The grade of the first answer when the learner took its grading back (u) and answered again. */
  firstGrade?: Grade;
}

/** Did the attempt count as right? Only if every answer given to the card was (undo keeps a wrong one). */
export function attemptCorrect(a: Attempt): boolean {
  return a.grade.correct && (a.firstGrade?.correct ?? true);
}

export interface SessionSummary {
  answered: number;
  correct: number;
  byRating: Record<RatingName, number>;
  totalMs: number;
}

export interface SessionOptions {
  kind: PracticeKind;
  data: AppData;
  /** Quiz: the questions in the order asked. Review: ignored (the deck decides). */
  questions?: LoadedQuestion[];
  /** Seed of the on-screen shuffles. */
  seed?: string;
  clock?: () => number;
}

export class PracticeSession {
  readonly kind: PracticeKind;
  phase: Phase = 'answer';
  /** The card on screen. */
  question?: LoadedQuestion;
  layout: Layout = {};
  draft: Answer | null = null;
  /** The graded answer waiting for a rating (phase "feedback"). */
  pending?: Attempt;
  /** Rated attempts, oldest first. */
  readonly history: Attempt[] = [];
  /** A one-line message for the learner (e.g. "Nothing to undo"). */
  notice?: string;
  /** Good or Easy pressed once after a wrong answer: pressed again, it is recorded. */
  confirming?: RatingValue;

  private readonly data: AppData;
  private readonly list: LoadedQuestion[];
  private readonly ids: string[];
  private readonly seed: string;
  private readonly clock: () => number;
  private position = 0;
  private shownAt = 0;
  /** The graded attempt whose grading was taken back (u before rating), until it is answered again. */
  private retry?: Attempt;

  constructor(opts: SessionOptions) {
    this.kind = opts.kind;
    this.data = opts.data;
    this.list = opts.questions ?? [];
    this.ids = studyOrder(opts.data);
    this.seed = opts.seed ?? String(Date.now());
    this.clock = opts.clock ?? Date.now;
    this.advance();
  }

  /** Number of questions in a quiz (review: undefined, the queue changes as you go). */
  get total(): number | undefined {
    return this.kind === 'quiz' ? this.list.length : undefined;
  }

  /** 1-based number of the card on screen within the quiz. */
  get number(): number {
    return this.kind === 'quiz' ? Math.min(this.position + 1, this.list.length) : this.history.length + 1;
  }

  /** Review queue counts as they stand now (daily limits applied). */
  queue(): DueQueue {
    return this.data.deck.queue(this.ids, this.clock());
  }

  setDraft(answer: Answer): void {
    if (this.phase === 'answer') this.draft = answer;
  }

  submit(answer: Answer): void {
    if (this.phase !== 'answer' || !this.question) return;
    const answerMs = Math.max(0, this.clock() - this.shownAt);
    const grade = gradeQuestion(this.question, answer);
    // A grading taken back with u still counts: the card was answered wrong once.
    const firstGrade = this.retry?.question === this.question ? (this.retry.firstGrade ?? this.retry.grade) : undefined;
    this.retry = undefined;
    const attempt: Attempt = {
      question: this.question,
      layout: this.layout,
      answer,
      grade,
      answerMs,
      proposed: 1,
      position: this.position,
      firstGrade,
    };
    attempt.proposed = proposeRating({
      correct: attemptCorrect(attempt),
      score: grade.score,
      answerMs,
      expectedMs: expectedAnswerMs(this.question),
    });
    this.pending = attempt;
    this.draft = answer;
    this.phase = 'feedback';
    this.notice = firstGrade && !firstGrade.correct ? 'Your first answer to this card was wrong, so it counts as wrong.' : undefined;
    this.confirming = undefined;
  }

  /** Interval each rating would schedule for the card being rated. */
  previews(): Record<RatingName, IntervalPreview> | undefined {
    return this.pending ? this.data.deck.preview(this.pending.question.id, this.clock()) : undefined;
  }

  /**
   * Rate the graded card. After a wrong answer, Good and Easy are not one key away: the first press
   * only asks (returns 'confirm'), the same rating again records it.
   */
  rate(rating: RatingValue): 'rated' | 'confirm' | 'ignored' {
    const a = this.pending;
    if (this.phase !== 'feedback' || !a) return 'ignored';
    if (rating >= 3 && !attemptCorrect(a) && this.confirming !== rating) {
      this.confirming = rating;
      this.notice = `The answer was wrong: press ${rating} again to rate it ${ratingLabel(rating)} anyway (1 Again, 2 Hard).`;
      return 'confirm';
    }
    this.confirming = undefined;
    const entry = this.data.deck.record(a.question.id, rating, { answerMs: a.answerMs, proposed: a.proposed, now: this.clock() });
    a.rating = rating;
    a.entryId = entry.id;
    this.history.push(a);
    this.pending = undefined;
    this.notice = undefined;
    this.position = a.position + 1;
    this.advance();
    return 'rated';
  }

  /**
   * Undo. Before the card on screen is rated: take back its grading only (the answer comes back to be
   * changed; a wrong first answer still counts). Otherwise undo the last rating of this session: that
   * card comes back, graded, waiting for a new rating.
   */
  undo(): boolean {
    this.confirming = undefined;
    if (this.phase === 'feedback' && this.pending && this.pending.rating === undefined) {
      const a = this.pending;
      this.retry = a;
      this.pending = undefined;
      this.question = a.question;
      this.layout = a.layout;
      this.draft = a.answer;
      this.position = a.position;
      this.phase = 'answer';
      this.shownAt = this.clock() - a.answerMs;
      this.notice = attemptCorrect(a)
        ? 'Grading taken back: change the answer and submit it again.'
        : 'Grading taken back: change the answer and submit it again (the wrong answer still counts).';
      return true;
    }
    const undone = this.data.deck.undoLast(this.clock());
    if (!undone) {
      this.notice = 'Nothing to undo.';
      return false;
    }
    const i = this.history.findIndex((a) => a.entryId === undone.id);
    if (i < 0) {
      this.notice = 'Undid a rating from earlier in this session.';
      return true;
    }
    const [a] = this.history.splice(i, 1);
    a!.rating = undefined;
    a!.entryId = undefined;
    this.pending = a;
    this.question = a!.question;
    this.layout = a!.layout;
    this.draft = a!.answer;
    this.position = a!.position;
    this.phase = 'feedback';
    this.notice = `Undid ${ratingLabel(undone.rating)} for this card; rate it again.`;
    return true;
  }

  summary(): SessionSummary {
    const byRating: Record<RatingName, number> = { again: 0, hard: 0, good: 0, easy: 0 };
    for (const a of this.history) if (a.rating) byRating[(['again', 'hard', 'good', 'easy'] as const)[a.rating - 1]!]++;
    return {
      answered: this.history.length,
      correct: this.history.filter(attemptCorrect).length,
      byRating,
      totalMs: this.history.reduce((s, a) => s + a.answerMs, 0),
    };
  }

  private advance(): void {
    let next: LoadedQuestion | undefined;
    if (this.kind === 'quiz') next = this.list[this.position];
    else {
      const id = this.data.deck.nextCard(this.ids, this.clock());
      next = id ? this.data.content.questionById.get(id) : undefined;
    }
    if (!next) {
      this.question = undefined;
      this.phase = 'done';
      return;
    }
    this.question = next;
    this.layout = layoutFor(next, `${this.seed}:${this.history.length}`);
    this.draft = null;
    this.phase = 'answer';
    this.shownAt = this.clock();
  }
}

export const RATING_LABELS = ['Again', 'Hard', 'Good', 'Easy'] as const;
export function ratingLabel(r: RatingValue): string {
  return RATING_LABELS[r - 1]!;
}
