// What a quiz or review would contain, in words: shared by the screens and the plain-text summaries
// printed without a TTY. Selection itself is src/core/quiz (selectQuestions) and src/core/srs (the due queue).
import type { ContentIndex, LoadedQuestion } from '../core/content/loader.js';
import type { QuestionType } from '../core/content/schema.js';
import { selectQuestions, type QuestionFilter } from '../core/quiz/index.js';
import type { DailyLimits, DueQueue } from '../core/srs/index.js';
import { formatInterval } from '../core/srs/index.js';
import { plural } from '../shared/plural.js';

export const DEFAULT_QUIZ_SIZE = 10;

export interface QuizFilter {
  lesson?: string;
  module?: string;
  domain?: number;
  type?: QuestionType;
  n?: number;
}

/** Question types in words (the quiz picker, titles, --type's help). */
export const QUESTION_TYPE_NAMES: Record<QuestionType, string> = {
  single: 'single choice',
  multi: 'multiple response',
  truefalse: 'true/false',
  order: 'ordering',
  match: 'matching',
  cloze: 'fill in the blank',
  numeric: 'numeric answer',
  case: 'case study',
};

/** The quiz's questions: matching the filter, a seeded random sample of n (default 10). */
export function pickQuizQuestions(content: ContentIndex, filter: QuizFilter, seed: number | string = Date.now()): LoadedQuestion[] {
  const f: QuestionFilter = {
    lesson: filter.lesson,
    module: filter.module,
    domain: filter.domain,
    type: filter.type,
    n: filter.n ?? DEFAULT_QUIZ_SIZE,
    seed,
  };
  return selectQuestions(content.questions, f, (lessonId) => content.lessonById.get(lessonId)?.module) as LoadedQuestion[];
}

/** Every question matching the filter (no sampling), for the summary printed without a TTY. */
export function matchingQuestions(content: ContentIndex, filter: QuizFilter): LoadedQuestion[] {
  return selectQuestions(
    content.questions,
    { lesson: filter.lesson, module: filter.module, domain: filter.domain, type: filter.type },
    (l) => content.lessonById.get(l)?.module,
  ) as LoadedQuestion[];
}

export function describeQuizFilter(content: ContentIndex, filter: QuizFilter): string {
  const parts: string[] = [];
  if (filter.lesson) parts.push(`lesson "${content.lessonById.get(filter.lesson)?.title ?? filter.lesson}"`);
  if (filter.module) parts.push(`module "${content.moduleById.get(filter.module)?.title ?? filter.module}"`);
  if (filter.domain !== undefined) parts.push(`domain ${filter.domain}`);
  if (filter.type) parts.push(QUESTION_TYPE_NAMES[filter.type]);
  return parts.length ? parts.join(', ') : 'all questions';
}

/**
 * Title-line status of the review screen, as parts (most important first): reviews due now, cards in
 * learning (due now or in a few minutes, as Anki counts them), new cards, what the daily limits leave:
 * ["12 due", "1 learning", "5 new", "left today 88/200 reviews, 15/20 new"].
 */
export function dueStatus(q: DueQueue, limits: DailyLimits): string[] {
  return [
    `${q.due.length - q.counts.learningDue} due`,
    `${q.counts.learningDue + q.counts.learningLater} learning`,
    `${q.fresh.length} new`,
    `left today ${q.counts.reviewsLeftToday}/${limits.reviewsPerDay} reviews, ${q.counts.newLeftToday}/${limits.newPerDay} new`,
  ];
}

/** What is left in the review queue, in sentences (summary screen and non-TTY output). */
export function dueLines(q: DueQueue, limits: DailyLimits, now: number): string[] {
  const lines: string[] = [];
  const left = q.due.length + q.fresh.length;
  lines.push(left ? `Still to review now: ${q.due.length} due, ${q.fresh.length} new.` : 'Nothing left to review right now.');
  if (q.counts.reviewsDue > q.counts.reviewsLeftToday && q.counts.reviewsLeftToday === 0) {
    lines.push(`Daily review limit reached (${limits.reviewsPerDay}); ${q.counts.reviewsDue} more reviews wait for tomorrow.`);
  }
  if (q.counts.newAvailable > q.fresh.length && q.counts.newLeftToday === 0) {
    lines.push(
      `Daily new-card limit reached (${limits.newPerDay}); ${plural(q.counts.newAvailable, 'new card')} ${q.counts.newAvailable === 1 ? 'waits' : 'wait'}.`,
    );
  }
  if (q.nextLearningDue !== undefined) lines.push(`Next learning card due in ${formatInterval(Math.max(0, q.nextLearningDue - now))}.`);
  lines.push(`Today: ${plural(q.counts.reviewsToday, 'review')}, ${plural(q.counts.newToday, 'new card')}.`);
  return lines;
}
