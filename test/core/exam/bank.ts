// Question banks for the mock-exam tests, built through the real schema so they stay valid. Every question
// carries a task statement of its domain ("N.1").
import { questionBankSchema, type Question } from '../../../src/core/content/schema.js';

type Raw = Record<string, unknown>;
const base = (id: string, domain: number): Raw => ({
  id,
  lesson: `lesson-${domain}`,
  domain,
  task: `${domain}.1`,
  difficulty: 'easy',
  explanation: 'Because.',
});

export const single = (id: string, domain: number, extra: Raw = {}): Raw => ({
  ...base(id, domain),
  type: 'single',
  prompt: `Question ${id}`,
  choices: ['right', 'wrong', 'other'],
  answer: 0,
  ...extra,
});

const part = (id: string, type: string, extra: Raw = {}): Raw => {
  const shapes: Record<string, Raw> = {
    single: { choices: ['right', 'wrong'], answer: 0 },
    multi: { choices: ['a', 'b', 'c', 'd'], answers: [0, 1] },
    order: { items: ['first', 'second', 'third'] },
    match: {
      pairs: [
        { left: 'l1', right: 'r1' },
        { left: 'l2', right: 'r2' },
        { left: 'l3', right: 'r3' },
      ],
    },
    truefalse: { answer: true },
    numeric: { answer: 42, tolerance: 0 },
    cloze: { prompt: `Fill ___ (${id})`, answers: ['x'] },
  };
  return { id, type, prompt: `Part ${id}`, difficulty: 'easy', explanation: 'Because.', ...shapes[type], ...extra };
};

/** A question of any type (top level). */
export const ofType = (id: string, domain: number, type: string, extra: Raw = {}): Raw => ({
  ...base(id, domain),
  ...part(id, type),
  ...extra,
});

/** A case whose parts have the given types; `partDomains[i]` moves part i to another domain. */
export const caseOf = (id: string, domain: number, types: string[], partDomains: Array<number | undefined> = []): Raw => ({
  ...base(id, domain),
  type: 'case',
  prompt: `Case ${id}`,
  scenario_text: `Scenario of ${id}.`,
  questions: types.map((t, i) =>
    part(`${id}-p${i}`, t, partDomains[i] !== undefined ? { domain: partDomains[i], task: `${partDomains[i]}.2` } : {}),
  ),
});

export const parse = (raw: Raw[]): Question[] => questionBankSchema.parse(raw);

/** `perDomain[d-1]` single-choice questions in domain d, ids `${prefix}-d<d>-<i>`. */
export function singles(perDomain: readonly number[], prefix = 's'): Raw[] {
  return perDomain.flatMap((n, i) => Array.from({ length: n }, (_, j) => single(`${prefix}-d${i + 1}-${j}`, i + 1)));
}

/** Questions a mock must never draw: other types, `exam: false`, a case with a true/false part. */
export function nonExam(): Raw[] {
  return [
    ofType('x-tf', 3, 'truefalse'),
    ofType('x-numeric', 3, 'numeric'),
    ofType('x-cloze', 2, 'cloze'),
    single('x-off', 1, { exam: false }),
    caseOf('x-mixed-case', 4, ['single', 'truefalse']),
    caseOf('x-off-case', 5, ['single', 'single'], []),
  ].map((q) => (q.id === 'x-off-case' ? { ...q, exam: false } : q));
}

/**
 * Exactly a short mock (15 items: D1 3, D2 4, D3 4, D4 2, D5 2) of exam items, one of each exam type, plus
 * the non-exam questions: every short draw takes all of the exam items.
 */
export function shortExactBank(): Question[] {
  return parse([
    ofType('e-order', 1, 'order'),
    single('e-single', 1),
    single('s-d1-1', 1),
    ofType('e-multi', 2, 'multi'),
    ...singles([0, 3, 0, 0, 0], 's2'),
    caseOf('e-case', 3, ['single', 'match', 'multi']),
    single('s-d3-1', 3),
    ofType('e-match', 4, 'match'),
    single('s-d4-1', 4),
    ...singles([0, 0, 0, 0, 2], 's5'),
    ...nonExam(),
  ]);
}
