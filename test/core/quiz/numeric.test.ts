// Numeric answers as people type them (issue 12, F-11): a malformed number is refused with a hint
// (never graded), "1,024" is read both ways and right if either reading matches, a decimal comma works.
import { describe, expect, it } from 'vitest';
import { gradeQuestion, numberProblem } from '../../../src/core/quiz/grade.js';
import type { LoadedQuestion } from '../../../src/core/content/loader.js';

const numeric = (answer: number, tolerance = 0) =>
  ({
    id: 'n',
    type: 'numeric',
    prompt: 'How many?',
    answer,
    tolerance,
    explanation: '',
    lesson: 'l',
    domain: 1,
  }) as unknown as LoadedQuestion;

describe('numeric answers', () => {
  it('refuses a malformed number with a hint', () => {
    for (const bad of ['2,', '1,0.5', '1e', '.', '1..2', '--3']) expect(numberProblem(bad), bad).toMatch(/is not a number \(try/);
    for (const ok of ['', '  ', '2,5', '1,024', '65 536', '1.5e3', '-0,25', '12.5%']) expect(numberProblem(ok), ok).toBeUndefined();
  });
  it('reads 1,024 as 1024 or 1.024, whichever the key is; a lone decimal comma has one reading', () => {
    expect(gradeQuestion(numeric(1024), { type: 'numeric', text: '1,024' }).correct).toBe(true);
    expect(gradeQuestion(numeric(1.024), { type: 'numeric', text: '1,024' }).correct).toBe(true);
    expect(gradeQuestion(numeric(1.024), { type: 'numeric', text: '1,025' }).correct).toBe(false);
    expect(gradeQuestion(numeric(2.5), { type: 'numeric', text: '2,5' }).correct).toBe(true);
    expect(gradeQuestion(numeric(25), { type: 'numeric', text: '2,5' }).correct).toBe(false);
    expect(gradeQuestion(numeric(65536), { type: 'numeric', text: '65,536' }).correct).toBe(true);
  });
});
