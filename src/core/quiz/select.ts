// Choosing questions for a quiz: by lesson, module or AIF-C01 domain and/or question type, optionally a
// seeded sample of n.
import type { Question, QuestionType } from '../content/schema.js';
import { rng, shuffled } from './random.js';

export interface QuestionFilter {
  lesson?: string;
  module?: string;
  domain?: number;
  /** Only questions of this type (a case question is one type: "case"). */
  type?: QuestionType;
  /** At most this many (a case question counts once). */
  n?: number;
  /** Sample order seed; without one the bank order is kept. */
  seed?: number | string;
}

/**
 * Questions matching every given filter. A question's module is its `module` field (the content loader sets
 * it) or else `moduleOf(lesson)`.
 */
export function selectQuestions<Q extends Question & { module?: string }>(
  questions: readonly Q[],
  filter: QuestionFilter,
  moduleOf: (lessonId: string) => string | undefined = () => undefined,
): Q[] {
  let out = questions.filter(
    (q) =>
      (filter.lesson === undefined || q.lesson === filter.lesson) &&
      (filter.domain === undefined || q.domain === filter.domain) &&
      (filter.type === undefined || q.type === filter.type) &&
      (filter.module === undefined || (q.module ?? moduleOf(q.lesson)) === filter.module),
  );
  if (filter.seed !== undefined) out = shuffled(out, rng(filter.seed));
  if (filter.n !== undefined) out = out.slice(0, Math.max(0, filter.n));
  return out;
}

/** Every scored item of a question: its own id, or "<case id>/<sub id>" per case sub-question. */
export function itemKeys(q: Question): string[] {
  return q.type === 'case' ? q.questions.map((s) => `${q.id}/${s.id}`) : [q.id];
}
