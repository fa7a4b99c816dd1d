// Quiz logic: grading of every question type, seeded layouts (shuffles) and question selection.
export type { Answer, Grade, ItemGrade } from './types.js';
export { gradeQuestion, gradeItem, normaliseCloze, numberProblem, parseNumber } from './grade.js';
export { layoutFor, type Layout } from './shuffle.js';
export { selectQuestions, itemKeys, type QuestionFilter } from './select.js';
export { rng, hashSeed, shuffled, permutation } from './random.js';
