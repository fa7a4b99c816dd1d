// A small bank with every question type, parsed through the real schema (so fixtures stay valid).
import { questionBankSchema, type Question } from '../../../src/core/content/schema.js';

const raw = [
  {
    id: 'q-single',
    lesson: 'l1',
    domain: 1,
    task: '1.1',
    difficulty: 'easy',
    type: 'single',
    prompt: 'Pick B',
    choices: ['A', 'B', 'C', 'D'],
    answer: 1,
    explanation: 'B.',
  },
  {
    id: 'q-multi',
    lesson: 'l1',
    domain: 2,
    task: '2.1',
    difficulty: 'medium',
    type: 'multi',
    prompt: 'Choose two',
    choices: ['w', 'x', 'y', 'z'],
    answers: [0, 3],
    explanation: 'w and z.',
  },
  {
    id: 'q-tf',
    lesson: 'l2',
    domain: 3,
    task: '3.1',
    difficulty: 'easy',
    type: 'truefalse',
    prompt: 'LoRA freezes the base weights.',
    answer: true,
    explanation: 'True.',
  },
  {
    id: 'q-order',
    lesson: 'l2',
    domain: 3,
    task: '3.1',
    difficulty: 'medium',
    type: 'order',
    prompt: 'Order the steps',
    items: ['collect', 'clean', 'train', 'evaluate'],
    explanation: 'In that order.',
  },
  {
    id: 'q-match',
    lesson: 'l3',
    domain: 4,
    task: '4.1',
    difficulty: 'hard',
    type: 'match',
    prompt: 'Match',
    pairs: [
      { left: 'BLEU', right: 'precision' },
      { left: 'ROUGE', right: 'recall' },
      { left: 'perplexity', right: 'likelihood' },
    ],
    explanation: 'As listed.',
  },
  {
    id: 'q-cloze',
    lesson: 'l3',
    domain: 5,
    task: '5.1',
    difficulty: 'medium',
    type: 'cloze',
    prompt: 'The rank is written ___',
    answers: ['r', 'rank r'],
    explanation: 'r.',
  },
  {
    id: 'q-numeric',
    lesson: 'l3',
    domain: 3,
    task: '3.1',
    difficulty: 'hard',
    type: 'numeric',
    prompt: 'Params?',
    answer: 65536,
    tolerance: 0,
    explanation: '2*8*4096.',
  },
  {
    id: 'q-numeric-tol',
    lesson: 'l3',
    domain: 2,
    task: '2.1',
    difficulty: 'hard',
    type: 'numeric',
    prompt: 'BLEU?',
    answer: 0.5,
    tolerance: 0.01,
    unit: 'score',
    explanation: '0.5.',
  },
  {
    id: 'q-case',
    lesson: 'l4',
    domain: 3,
    task: '3.1',
    difficulty: 'hard',
    type: 'case',
    prompt: 'A chatbot project',
    scenario_text: 'A company fine-tunes a model.',
    explanation: 'See each part.',
    questions: [
      { id: 'c1', type: 'single', prompt: 'Which method?', choices: ['LoRA', 'full'], answer: 0, difficulty: 'easy', explanation: 'LoRA.' },
      { id: 'c2', type: 'truefalse', prompt: 'Needs GPUs?', answer: false, difficulty: 'easy', explanation: 'No.' },
      {
        id: 'c3',
        type: 'match',
        prompt: 'Match',
        pairs: [
          { left: 'a', right: '1' },
          { left: 'b', right: '2' },
          { left: 'c', right: '3' },
        ],
        difficulty: 'easy',
        explanation: '.',
      },
    ],
  },
];

export const bank: Question[] = questionBankSchema.parse(raw);
export const byId = new Map(bank.map((q) => [q.id, q]));
export function q<T extends Question['type']>(id: string): Extract<Question, { type: T }> {
  return byId.get(id) as Extract<Question, { type: T }>;
}

/** n generated single-choice questions spread over the given domains. */
export function generatedBank(n: number, domains: number[] = [1, 2, 3, 4, 5], prefix = 'g'): Question[] {
  return questionBankSchema.parse(
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}-${i}`,
      lesson: `lesson-${i % 7}`,
      domain: domains[i % domains.length],
      task: `${domains[i % domains.length]}.1`,
      difficulty: 'easy',
      type: 'single',
      prompt: `Question ${i}`,
      choices: ['right', 'wrong'],
      answer: 0,
      explanation: 'Because.',
    })),
  );
}
