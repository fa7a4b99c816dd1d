// The content contract: modules, lesson front matter, question banks and lab files.
// One source of truth: the loader validates with these schemas, the JSON Schema for editors is
// generated from them (schemas/quiz.schema.json), and the TypeScript types below are inferred from them.
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)*$/, 'ids use lowercase letters, digits, "-" and "." (e.g. "lora-rank-1")');

/** AIF-C01 exam domains 1–5. */
export const domain = z.number().int().min(1).max(5);
export const difficulty = z.enum(['easy', 'medium', 'hard']);

import { EXAM_TASKS, QUESTION_TYPES, type ExamTask } from './vocabulary.js';

export { EXAM_TASKS, QUESTION_TYPES, type ExamTask };
export const examTask = z.enum(Object.keys(EXAM_TASKS) as [ExamTask, ...ExamTask[]]);

export const moduleSchema = z.strictObject({
  id,
  title: z.string().min(1),
  summary: z.string().min(1),
  order: z.number().int().nonnegative(),
});

export const lessonFrontMatterSchema = z.strictObject({
  id,
  title: z.string().min(1),
  module: id,
  order: z.number().int().nonnegative(),
  minutes: z.number().positive(),
  domain,
  objectives: z.array(z.string().min(1)).min(1),
  prerequisites: z.array(id).default([]),
  tags: z.array(z.string().min(1)).default([]),
  /** Lab id this lesson links to (labs/<id>/lab.yaml). */
  lab: id.optional(),
});

// ---- Questions ------------------------------------------------------------------------------

const questionBase = {
  id,
  prompt: z.string().min(1),
  explanation: z.string().min(1),
  difficulty,
  /** Lesson sections or public docs this question is based on. */
  sources: z.array(z.string().min(1)).default([]),
  /** Exam-style scenario ("A company wants … which approach …"). */
  scenario: z.boolean().default(false),
  tags: z.array(z.string().min(1)).default([]),
  /** false keeps a question out of mock exams (quizzes and review still use it). */
  exam: z.boolean().optional(),
};
/**
 * Top-level questions say which lesson, domain and exam task statement ("3.2": its number before the
 * dot is the domain, which `content check` verifies) they belong to; case sub-questions inherit them.
 */
const topLevel = { lesson: id, domain, task: examTask };
const subLevel = { lesson: id.optional(), domain: domain.optional(), task: examTask.optional() };

const choices = z.array(z.string().min(1)).min(2);

function singleShape<L extends object>(level: L) {
  return z.strictObject({
    ...questionBase,
    ...level,
    type: z.literal('single'),
    choices,
    /** 0-based index into choices. */
    answer: z.number().int().nonnegative(),
  });
}
function multiShape<L extends object>(level: L) {
  return z.strictObject({
    ...questionBase,
    ...level,
    type: z.literal('multi'),
    choices,
    /** 0-based indices into choices; the prompt says "choose N" with N = answers.length. */
    answers: z.array(z.number().int().nonnegative()).min(2),
  });
}
function trueFalseShape<L extends object>(level: L) {
  return z.strictObject({ ...questionBase, ...level, type: z.literal('truefalse'), answer: z.boolean() });
}
function orderShape<L extends object>(level: L) {
  return z.strictObject({
    ...questionBase,
    ...level,
    type: z.literal('order'),
    /** Items in the correct order; the app shuffles them. */
    items: z.array(z.string().min(1)).min(3),
  });
}
function matchShape<L extends object>(level: L) {
  return z.strictObject({
    ...questionBase,
    ...level,
    type: z.literal('match'),
    /** Correct pairs; the app shuffles the right-hand side. All pairs must be right for credit. */
    pairs: z.array(z.strictObject({ left: z.string().min(1), right: z.string().min(1) })).min(3),
  });
}
function clozeShape<L extends object>(level: L) {
  return z.strictObject({
    ...questionBase,
    ...level,
    type: z.literal('cloze'),
    /** Accepted answers for the single blank (written as ___ in the prompt). */
    answers: z.array(z.string().min(1)).min(1),
    case_sensitive: z.boolean().default(false),
  });
}
function numericShape<L extends object>(level: L) {
  return z.strictObject({
    ...questionBase,
    ...level,
    type: z.literal('numeric'),
    answer: z.number(),
    /**
     * Absolute tolerance: |given - answer| <= tolerance is correct. Required, with no default: the author
     * decides how exact a learner must be (0 for a count such as 65536, 0.001 for a ratio rounded to
     * three decimals), so that a rounded answer is never marked wrong by an unstated rule.
     */
    tolerance: z.number().nonnegative(),
    unit: z.string().optional(),
  });
}

export const subQuestionSchema = z.discriminatedUnion('type', [
  singleShape(subLevel),
  multiShape(subLevel),
  trueFalseShape(subLevel),
  orderShape(subLevel),
  matchShape(subLevel),
  clozeShape(subLevel),
  numericShape(subLevel),
]);

export const caseQuestionSchema = z.strictObject({
  ...questionBase,
  ...topLevel,
  type: z.literal('case'),
  /** The scenario (Markdown) shared by the sub-questions; `prompt` is its short title. */
  scenario_text: z.string().min(1),
  questions: z.array(subQuestionSchema).min(2),
});

export const questionSchema = z.discriminatedUnion('type', [
  singleShape(topLevel),
  multiShape(topLevel),
  trueFalseShape(topLevel),
  orderShape(topLevel),
  matchShape(topLevel),
  clozeShape(topLevel),
  numericShape(topLevel),
  caseQuestionSchema,
]);

/** quizzes/<module>.yaml is a YAML list of questions. */
export const questionBankSchema = z.array(questionSchema);


// ---- Labs -----------------------------------------------------------------------------------

export const labCheckSchema = z.strictObject({
  /** A built-in check kind registered in src/engines/labs/checks (content check rejects unknown kinds). */
  kind: z.string().min(1),
  args: z.record(z.string(), z.unknown()).default({}),
  /** Shown when the check fails: what is wrong, specifically. */
  message: z.string().min(1),
  /** Shown on demand: how to fix it. */
  hint: z.string().min(1),
});

export const labStepSchema = z.strictObject({
  id,
  title: z.string().min(1),
  /** Markdown instructions. */
  instructions: z.string().min(1),
  /** Optional built-in action the runner offers for this step (e.g. "start-backend"). */
  action: z.strictObject({ kind: z.string().min(1), args: z.record(z.string(), z.unknown()).default({}) }).optional(),
  checks: z.array(labCheckSchema).default([]),
});

/** How `ftlab lab dev-check` runs the lab's checks against its reference solution or its starter. */
export const labTargetSchema = z.strictObject({
  /** Verify options that name files, resolved against the lab folder (e.g. `adapter: solution/adapter`). */
  paths: z.record(z.string(), z.string().min(1)).default({}),
  /** Verify options passed as written. */
  options: z.record(z.string(), z.string()).default({}),
  /**
   * A server to start first, as argv run in the lab folder: `{node}` is this Node binary, `{ftlab}`
   * this CLI, `{port}` a free port. Once the port accepts connections, `url` is http://127.0.0.1:{port}.
   */
  start: z.array(z.string().min(1)).min(1).optional(),
});

export const labSchema = z.strictObject({
  id,
  title: z.string().min(1),
  summary: z.string().min(1),
  minutes: z.number().positive(),
  requires: z.array(z.string().min(1)).default([]),
  /** Lessons this lab belongs with. */
  lessons: z.array(id).default([]),
  steps: z.array(labStepSchema).min(1),
  /** A reference solution that every check must pass and a starter that must fail at least one. */
  reference: z.strictObject({ solution: labTargetSchema, starter: labTargetSchema }).optional(),
});

export type ModuleMeta = z.infer<typeof moduleSchema>;
export type LessonFrontMatter = z.infer<typeof lessonFrontMatterSchema>;
export type Question = z.infer<typeof questionSchema>;
export type SubQuestion = z.infer<typeof subQuestionSchema>;
export type CaseQuestion = z.infer<typeof caseQuestionSchema>;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export type LabDef = z.infer<typeof labSchema>;
export type LabStep = z.infer<typeof labStepSchema>;
export type LabCheck = z.infer<typeof labCheckSchema>;
export type LabTarget = z.infer<typeof labTargetSchema>;
