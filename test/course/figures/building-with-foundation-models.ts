// Worked figures of the Building applications with foundation models module, recomputed with
// test/course/formulas.ts.
import { fmtFixed, percentOf, sum } from '../formulas.js';
import type { Figure } from '../load.js';

const L = 'fm-inference-parameters';
// Next-token probabilities of the worked example, most likely first.
const probs = [0.5, 0.2, 0.15, 0.1, 0.05];
const cumulative = (n: number): string => fmtFixed(sum(probs.slice(0, n)), 2);

export const figures: Figure[] = [
  { lesson: L, expect: '| " Tuesday" | 0.20 | 0.70 |', compute: () => `| " Tuesday" | 0.20 | ${cumulative(2)} |` },
  { lesson: L, expect: '| " Friday" | 0.15 | 0.85 |', compute: () => `| " Friday" | 0.15 | ${cumulative(3)} |` },
  { lesson: L, expect: '| " next" | 0.10 | 0.95 |', compute: () => `| " next" | 0.10 | ${cumulative(4)} |` },
  { lesson: L, expect: '| " noon" | 0.05 | 1.00 |', compute: () => `| " noon" | 0.05 | ${cumulative(5)} |` },
  // Top-k = 3 keeps 0.85 of the probability; Monday's rescaled share is 0.50 / 0.85.
  { lesson: L, expect: 'about 58.8 %', compute: () => `about ${fmtFixed(percentOf(0.5, sum(probs.slice(0, 3))), 1)} %` },
  { question: 'fm-inference-parameters-q09', expect: 57.14, compute: () => Number(fmtFixed(percentOf(0.4, sum([0.4, 0.3])), 2)) },
];
