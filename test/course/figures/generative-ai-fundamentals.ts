// Worked figures of the Fundamentals of generative AI module, recomputed with test/course/formulas.ts.
import { fmtInt, sum } from '../formulas.js';
import type { Figure } from '../load.js';

const L = 'genai-core-concepts';

export const figures: Figure[] = [
  // Context window budget: 8,000 tokens minus system prompt, history and the reserved answer.
  {
    lesson: L,
    expect: '| left for the new message | 1,500 |',
    compute: () => `| left for the new message | ${fmtInt(8_000 - sum([600, 4_900, 1_000]))} |`,
  },
  { lesson: L, expect: 'at most 1,500 tokens', compute: () => `at most ${fmtInt(8_000 - sum([600, 4_900, 1_000]))} tokens` },
  { question: 'genai-core-concepts-q08', expect: 2000, compute: () => 32_000 - sum([24_500, 1_500, 4_000]) },
];
