// What a question widget edits (a draft answer) and the props every widget shares.
// Widgets only collect input and render; grading lives in src/core/quiz/, never here.
import type { Question, SubQuestion } from '../../core/content/schema.js';
import type { Answer } from '../../core/quiz/types.js';
import type { Layout } from '../../core/quiz/shuffle.js';

/** A learner's answer, in the question's own index space (src/core/quiz grades it). */
export type { Answer };

export type AnswerOf<T extends Answer['type']> = Extract<Answer, { type: T }>;

/** Any question a widget can show: a top-level one or a case sub-question. */
export type AnyQuestion = Question | SubQuestion;

/** Display order of a question's options (a seeded shuffle from src/core/quiz/shuffle.ts). */
export type { Layout };

/** How much of the answer to disclose after grading. */
export type Reveal = 'none' | 'answer';

export interface WidgetProps<T extends Answer['type'] = Answer['type']> {
  question: Extract<AnyQuestion, { type: T }>;
  /** The current draft (controlled). Null means nothing answered yet. */
  value: AnswerOf<T> | null;
  onChange(value: AnswerOf<T>): void;
  /** The learner confirmed the answer (enter); called only with a complete draft. */
  onSubmit?(value: AnswerOf<T>): void;
  layout?: Layout;
  /** Keys are captured only while active (e.g. not while a dialog is open or after grading). */
  active?: boolean;
  /** After grading: show the right answer beside the learner's. */
  reveal?: Reveal;
  /** Plain lists, no glyph-only cues. */
  screenReader?: boolean;
  /** Shorter rendering (exam navigator open, small terminal). */
  compact?: boolean;
}

/**
 * Whether a draft is complete enough to submit (a "choose 2" needs two picks, every left side of a
 * match needs a right side). This is input validation for the enter key, not grading.
 */
export function isComplete(q: AnyQuestion, a: Answer | null | undefined): boolean {
  if (!a || a.type !== q.type) return false;
  switch (a.type) {
    case 'single':
      return a.choice >= 0;
    case 'multi':
      return q.type === 'multi' && a.choices.length === q.answers.length;
    case 'truefalse':
      return true;
    case 'order':
      return q.type === 'order' && a.order.length === q.items.length;
    case 'match':
      return q.type === 'match' && a.rights.length === q.pairs.length && a.rights.every((p) => p >= 0);
    case 'cloze':
      return a.text.trim().length > 0;
    case 'numeric':
      return a.text.trim().length > 0;
    case 'case':
      return q.type === 'case' && q.questions.every((sub) => isComplete(sub, a.answers[sub.id]));
  }
}

/** Identity permutation of length n, or the given layout permutation when it fits. */
export function displayOrder(n: number, perm?: number[]): number[] {
  if (perm && perm.length === n) return perm;
  return Array.from({ length: n }, (_, i) => i);
}

/** How each question type is named on screen. */
export const TYPE_LABEL: Record<AnyQuestion['type'], string> = {
  single: 'Multiple choice',
  multi: 'Multiple response',
  truefalse: 'True or false',
  order: 'Ordering',
  match: 'Matching',
  cloze: 'Fill in the blank',
  numeric: 'Numeric answer',
  case: 'Case study',
};
