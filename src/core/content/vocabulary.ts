// The content's fixed vocabularies, without zod: the home screen's path (stats, the store) needs them,
// and importing schema.ts there would load all of zod before the first frame.

/** The task statements of the AIF-C01 exam guide, by number ("N.M" where N is the domain). */
export const EXAM_TASKS = {
  '1.1': 'Explain basic AI concepts and terminologies',
  '1.2': 'Identify practical use cases for AI',
  '1.3': 'Describe the ML development lifecycle',
  '2.1': 'Explain the basic concepts of generative AI',
  '2.2': 'Understand the capabilities and limitations of generative AI for solving business problems',
  '2.3': 'Describe AWS infrastructure and technologies for building generative AI applications',
  '3.1': 'Describe design considerations for applications that use foundation models',
  '3.2': 'Choose effective prompt engineering techniques',
  '3.3': 'Describe the training and fine-tuning process for foundation models',
  '3.4': 'Describe methods to evaluate foundation model performance',
  '4.1': 'Explain the development of AI systems that are responsible',
  '4.2': 'Recognize the importance of transparent and explainable models',
  '5.1': 'Explain methods to secure AI systems',
  '5.2': 'Recognize governance and compliance regulations for AI systems',
} as const;
export type ExamTask = keyof typeof EXAM_TASKS;

export const QUESTION_TYPES = ['single', 'multi', 'truefalse', 'order', 'match', 'cloze', 'numeric', 'case'] as const;

/**
 * The item types AIF-C01 uses: multiple choice, multiple response, ordering, matching and case study.
 * Numeric, cloze and true/false questions stay in quizzes and review. (Here rather than in core/exam so
 * that `content check` can warn about a case the mock would never draw without importing the exam layer.)
 */
export const EXAM_ITEM_TYPES = ['single', 'multi', 'order', 'match', 'case'] as const;
/** The types a case part may have for the mock to draw its case. */
export const EXAM_PART_TYPES = ['single', 'multi', 'order', 'match'] as const;
