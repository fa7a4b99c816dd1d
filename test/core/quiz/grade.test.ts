import { describe, expect, it } from 'vitest';
import { gradeItem, gradeQuestion, normaliseCloze, parseNumber } from '../../../src/core/quiz/grade.js';
import { bank, q } from './fixtures.js';

describe('grading', () => {
  it('single: the chosen original index must equal the answer', () => {
    expect(gradeQuestion(q('q-single'), { type: 'single', choice: 1 }).correct).toBe(true);
    const wrong = gradeQuestion(q('q-single'), { type: 'single', choice: 2 });
    expect(wrong.correct).toBe(false);
    expect(wrong.items[0]!.feedback).toContain('B');
  });

  it('multi: exactly the answer set, in any order', () => {
    const m = q('q-multi');
    expect(gradeQuestion(m, { type: 'multi', choices: [3, 0] }).correct).toBe(true);
    expect(gradeQuestion(m, { type: 'multi', choices: [0] }).correct).toBe(false);
    expect(gradeQuestion(m, { type: 'multi', choices: [0, 3, 1] }).correct).toBe(false);
    expect(gradeQuestion(m, { type: 'multi', choices: [0, 0] }).correct).toBe(false);
  });

  it('truefalse', () => {
    expect(gradeQuestion(q('q-tf'), { type: 'truefalse', value: true }).correct).toBe(true);
    expect(gradeQuestion(q('q-tf'), { type: 'truefalse', value: false }).correct).toBe(false);
  });

  it('order: the full order must be right', () => {
    expect(gradeQuestion(q('q-order'), { type: 'order', order: [0, 1, 2, 3] }).correct).toBe(true);
    const swapped = gradeQuestion(q('q-order'), { type: 'order', order: [0, 2, 1, 3] });
    expect(swapped.correct).toBe(false);
    expect(swapped.items[0]!.feedback).toBe('2 of 4 items out of place');
    expect(gradeQuestion(q('q-order'), { type: 'order', order: [0, 1, 2] }).correct).toBe(false);
    expect(gradeQuestion(q('q-order'), { type: 'order', order: [0, 1, 1, 3] }).correct).toBe(false);
  });

  it('match: all-or-nothing', () => {
    expect(gradeQuestion(q('q-match'), { type: 'match', rights: [0, 1, 2] }).correct).toBe(true);
    const oneWrong = gradeQuestion(q('q-match'), { type: 'match', rights: [0, 2, 1] });
    expect(oneWrong.correct).toBe(false);
    expect(oneWrong.score).toBe(0);
    expect(gradeQuestion(q('q-match'), { type: 'match', rights: [0, 1, -1] }).correct).toBe(false);
  });

  it('cloze: normalised, accepted variants', () => {
    const c = q('q-cloze');
    for (const text of ['r', ' R ', 'rank   r', 'Rank R.', 'ｒ'])
      expect(gradeQuestion(c, { type: 'cloze', text }).correct, text).toBe(true);
    expect(gradeQuestion(c, { type: 'cloze', text: 'alpha' }).correct).toBe(false);
    const blank = gradeItem(c, { type: 'cloze', text: '   ' });
    expect(blank).toMatchObject({ correct: false, answered: false });
    expect(normaliseCloze('“Low-Rank”  Adaptation.', false)).toBe('"low-rank" adaptation');
    expect(normaliseCloze('LoRA', true)).toBe('LoRA');
  });

  it('numeric: parsing and tolerance', () => {
    const n = q('q-numeric');
    for (const text of ['65536', '65,536', '65 536', '6.5536e4', '+65536'])
      expect(gradeQuestion(n, { type: 'numeric', text }).correct, text).toBe(true);
    expect(gradeQuestion(n, { type: 'numeric', text: '65535' }).correct).toBe(false);
    const t = q('q-numeric-tol');
    expect(gradeQuestion(t, { type: 'numeric', text: '0.51' }).correct).toBe(true);
    expect(gradeQuestion(t, { type: 'numeric', text: '0,49' }).correct).toBe(true);
    expect(gradeQuestion(t, { type: 'numeric', text: '0.52' }).correct).toBe(false);
    const junk = gradeItem(t, { type: 'numeric', text: 'half' });
    expect(junk).toMatchObject({ correct: false, answered: true });
    expect(parseNumber('12.5%')).toBe(12.5);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('1,5')).toBe(1.5);
    expect(parseNumber('1e400')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber('12,34,5')).toBeUndefined();
  });

  it('case: each sub-question graded on its own, score is the share right', () => {
    const c = q('q-case');
    const g = gradeQuestion(c, {
      type: 'case',
      answers: { c1: { type: 'single', choice: 0 }, c2: { type: 'truefalse', value: true }, c3: { type: 'match', rights: [0, 1, 2] } },
    });
    expect(g.items.map((i) => [i.key, i.correct])).toEqual([
      ['q-case/c1', true],
      ['q-case/c2', false],
      ['q-case/c3', true],
    ]);
    expect(g.correct).toBe(false);
    expect(g.score).toBeCloseTo(2 / 3);
    const none = gradeQuestion(c, undefined);
    expect(none.items.every((i) => !i.answered && !i.correct)).toBe(true);
  });

  it('an answer of the wrong type or a missing answer is wrong, never a crash', () => {
    for (const question of bank) {
      expect(gradeQuestion(question, undefined).correct).toBe(false);
      expect(gradeQuestion(question, { type: 'truefalse', value: true }).correct).toBe(question.type === 'truefalse');
    }
  });
});
