// Small questions of every type, shaped as the content schema parses them.
import { questionSchema, type Question } from '../../../src/core/content/schema.js';

const raw = [
  {
    id: 'fx-single',
    lesson: 'fx-lesson',
    domain: 3,
    task: '3.1',
    difficulty: 'easy',
    type: 'single',
    prompt: 'Which matrix starts at zero in LoRA?',
    choices: ['A', 'B', 'Both', 'Neither'],
    answer: 1,
    explanation: 'B starts at zero so the adapter is a no-op at first.',
  },
  {
    id: 'fx-multi',
    lesson: 'fx-lesson',
    domain: 3,
    task: '3.1',
    difficulty: 'medium',
    type: 'multi',
    prompt: 'Which two are PEFT methods? (choose 2)',
    choices: ['LoRA', 'Full fine-tuning', 'Prefix tuning', 'Pretraining'],
    answers: [0, 2],
    explanation: 'LoRA and prefix tuning train few parameters.',
  },
  {
    id: 'fx-tf',
    lesson: 'fx-lesson',
    domain: 2,
    task: '2.1',
    difficulty: 'easy',
    type: 'truefalse',
    prompt: 'QLoRA keeps the base model in 4-bit NF4.',
    answer: true,
    explanation: 'The frozen base is quantised; adapters stay in higher precision.',
  },
  {
    id: 'fx-order',
    lesson: 'fx-lesson',
    domain: 1,
    task: '1.1',
    difficulty: 'medium',
    type: 'order',
    prompt: 'Order the fine-tuning workflow.',
    items: ['Collect data', 'Train', 'Evaluate'],
    explanation: 'Data first, then training, then evaluation.',
  },
  {
    id: 'fx-match',
    lesson: 'fx-lesson',
    domain: 4,
    task: '4.1',
    difficulty: 'medium',
    type: 'match',
    prompt: 'Match metric to task.',
    pairs: [
      { left: 'BLEU', right: 'Translation' },
      { left: 'ROUGE', right: 'Summarisation' },
      { left: 'Perplexity', right: 'Language modelling' },
    ],
    explanation: 'Each metric was designed for its task.',
  },
  {
    id: 'fx-cloze',
    lesson: 'fx-lesson',
    domain: 3,
    task: '3.1',
    difficulty: 'easy',
    type: 'cloze',
    prompt: 'LoRA scales the update by alpha divided by ___.',
    answers: ['r', 'rank'],
    explanation: 'The scaling is alpha / r.',
  },
  {
    id: 'fx-numeric',
    lesson: 'fx-lesson',
    domain: 3,
    task: '3.1',
    difficulty: 'hard',
    type: 'numeric',
    prompt: 'Rank-8 LoRA on a 4096x4096 matrix adds how many parameters?',
    answer: 65536,
    tolerance: 0,
    unit: 'parameters',
    explanation: '8*4096 + 4096*8 = 65536.',
  },
  {
    id: 'fx-case',
    lesson: 'fx-lesson',
    domain: 5,
    task: '5.1',
    difficulty: 'hard',
    type: 'case',
    prompt: 'Support bot',
    scenario_text: 'A company fine-tunes a model for support tickets.',
    explanation: 'Case explanation.',
    questions: [
      {
        id: 'fx-case-a',
        difficulty: 'easy',
        type: 'truefalse',
        prompt: 'A held-out set is needed.',
        answer: true,
        explanation: 'To measure generalisation.',
      },
      {
        id: 'fx-case-b',
        difficulty: 'easy',
        type: 'single',
        prompt: 'Best metric for short answers?',
        choices: ['Exact match', 'BLEU-4'],
        answer: 0,
        explanation: 'Short answers suit exact match.',
      },
    ],
  },
];

export const questions: Question[] = raw.map((q) => questionSchema.parse(q));
export function q<T extends Question['type']>(type: T): Extract<Question, { type: T }> {
  return questions.find((x) => x.type === type) as Extract<Question, { type: T }>;
}

/** Lets Ink process a keypress and re-render. */
export const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  backspace: '\u007F',
};
