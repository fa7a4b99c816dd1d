// Worked figures of the Foundations module, recomputed with test/course/formulas.ts.
import {
  deviceYears,
  fmtFixed,
  fmtInt,
  fmtMoney,
  monthlyInferenceCost,
  sum,
  tokenCost,
  trainingFlops,
  trainingTokens,
} from '../formulas.js';
import type { Figure } from '../load.js';

const usd = (n: number): string => `$${fmtMoney(n)}`;
const L = 'foundations-choosing-an-approach';

// Design A (RAG): 200,000 requests, 1,260 input and 250 output tokens, $0.50 / $1.50 per million.
const ragModel = monthlyInferenceCost(200_000, 1_260, 250, 0.5, 1.5);
// Design B (fine-tuned): 100 input tokens, prices doubled; 8,000 × 600 tokens × 3 epochs at $8.00/M.
const ftModel = monthlyInferenceCost(200_000, 100, 250, 1.0, 3.0);
const ftRun = tokenCost(trainingTokens(8_000, 600, 3), 8.0);

// GPT-3-sized pre-training: 175B parameters, 300B tokens, devices sustaining 150 TFLOP/s.
const gpt3Flops = trainingFlops(175e9, 300e9);
const M = 'foundations-model-types';

export const figures: Figure[] = [
  { lesson: M, expect: '3.15 × 10^23 FLOPs', compute: () => `${fmtFixed(gpt3Flops / 1e23, 2)} × 10^23 FLOPs` },
  { lesson: M, expect: 'about 66.5 years', compute: () => `about ${fmtFixed(deviceYears(gpt3Flops, 150e12), 1)} years` },
  { lesson: M, expect: 'about 24.3 days', compute: () => `about ${fmtFixed((deviceYears(gpt3Flops, 150e12) * 365.25) / 1000, 1)} days` },
  { lesson: L, expect: '$126.00', compute: () => usd(tokenCost(200_000 * 1_260, 0.5)) },
  { lesson: L, expect: '$75.00', compute: () => usd(tokenCost(200_000 * 250, 1.5)) },
  { lesson: L, expect: '$201.00', compute: () => usd(ragModel) },
  { lesson: L, expect: '$261.00', compute: () => usd(ragModel + 60) },
  { lesson: L, expect: '14,400,000', compute: () => fmtInt(trainingTokens(8_000, 600, 3)) },
  { lesson: L, expect: '$115.20', compute: () => usd(ftRun) },
  { lesson: L, expect: '$20.00', compute: () => usd(tokenCost(200_000 * 100, 1.0)) },
  { lesson: L, expect: '$150.00', compute: () => usd(tokenCost(200_000 * 250, 3.0)) },
  { lesson: L, expect: '$170.00', compute: () => usd(ftModel) },
  { lesson: L, expect: '$38.40', compute: () => usd(ftRun / 3) },
  { lesson: L, expect: '$208.40', compute: () => usd(ftModel + ftRun / 3) },
  { lesson: L, expect: '$52.60', compute: () => usd(ragModel + 60 - (ftModel + ftRun / 3)) },
  { lesson: L, expect: '| 810 |', compute: () => `| ${sum([40, 90, 30, 650])} |` },
  { question: 'foundations-model-types-q11', expect: 8.4, compute: () => trainingFlops(7e9, 2e12) / 1e22 },
  { question: 'foundations-customisation-spectrum-q09', expect: 135, compute: () => tokenCost(5 * 180 * 300_000, 0.5) },
  { question: 'foundations-choosing-an-approach-q04', expect: 120, compute: () => tokenCost(150_000 * 2_000, 0.4) },
  { question: 'foundations-choosing-an-approach-q05', expect: 740, compute: () => sum([35, 80, 25, 600]) },
  { question: 'foundations-choosing-an-approach-q10a', expect: 80, compute: () => tokenCost(trainingTokens(10_000, 500, 2), 8.0) },
  {
    question: 'foundations-choosing-an-approach-q10b',
    expect: 26.67,
    compute: () => Math.round((tokenCost(trainingTokens(10_000, 500, 2), 8.0) / 3) * 100) / 100,
  },
];
