// The rating the app proposes after an answer; the learner may always override it.
//
// Wrong (a case question with any part wrong included) → Again: the answer was graded, so proposing
// more than Again would tell FSRS the learner knew a card they did not. Right → judged by answer time against what the question type normally takes: more than twice the
// expected time → Hard (recalled with effort), under 40 % of it → Easy, otherwise Good.
import type { QuestionType } from '../content/schema.js';
import type { RatingValue } from '../store/reviews.js';

const EXPECTED_MS: Record<QuestionType, number> = {
  truefalse: 10_000,
  single: 18_000,
  multi: 28_000,
  cloze: 22_000,
  numeric: 35_000,
  order: 40_000,
  match: 45_000,
  case: 25_000, // per sub-question
};

/** Typical time a prepared learner needs for a question (case: per sub-question). */
export function expectedAnswerMs(question: { type: QuestionType; questions?: readonly unknown[] }): number {
  const base = EXPECTED_MS[question.type];
  return question.type === 'case' ? base * Math.max(1, question.questions?.length ?? 1) : base;
}

export interface ProposalInput {
  correct: boolean;
  /** Share of items right (case questions). A partly right answer is still proposed Again. */
  score?: number;
  answerMs: number;
  expectedMs: number;
}

export function proposeRating({ correct, answerMs, expectedMs }: ProposalInput): RatingValue {
  if (!correct) return 1;
  if (answerMs > 2 * expectedMs) return 2;
  if (answerMs < 0.4 * expectedMs) return 4;
  return 3;
}
