// Worked figures of the Data preparation module, recomputed with test/course/formulas.ts.
import {
  fmtFixed,
  fmtInt,
  fmtMoney,
  keptPercent,
  percentOf,
  splitSizes,
  stepsPerEpoch,
  tokenCost,
  tokensFromChars,
  trainingTokens,
} from '../formulas.js';
import type { Figure } from '../load.js';

const SPLIT = 'data-clean-balance-split';
const SIZE = 'data-templates-tokens-size';
const deduped = 5_000 - 400;
const split = splitSizes(deduped, 0.1, 0.1);
const classes: [string, number][] = [
  ['refund', 3_220],
  ['damage', 920],
  ['other', 460],
];
const classTotal = classes.reduce((a, [, n]) => a + n, 0);

export const figures: Figure[] = [
  {
    lesson: SPLIT,
    expect: 'tickets split by category',
    compute: () => (classTotal === deduped ? 'tickets split by category' : `total ${classTotal}`),
  },
  ...classes.map(([name, n]) => ({
    lesson: SPLIT,
    expect: `| ${name} | ${fmtInt(n)} | ${fmtFixed((100 * n) / deduped, 1)} % |`,
    compute: () => `| ${name} | ${fmtInt(n)} | ${fmtFixed(percentOf(n, classTotal), 1)} % |`,
  })),
  {
    lesson: SPLIT,
    expect: 'After deduplication 4,600 remain, 92.0 % of the original',
    compute: () => `After deduplication ${fmtInt(deduped)} remain, ${fmtFixed(keptPercent(5_000, deduped), 1)} % of the original`,
  },
  {
    lesson: SPLIT,
    expect: '3,680 training, 460 validation and 460 test examples',
    compute: () => `${fmtInt(split.train)} training, ${fmtInt(split.validation)} validation and ${fmtInt(split.test)} test examples`,
  },
  { lesson: SPLIT, expect: 'one epoch is 115 steps', compute: () => `one epoch is ${stepsPerEpoch(split.train, 8, 4)} steps` },
  { lesson: SIZE, expect: 'roughly 350 tokens', compute: () => `roughly ${tokensFromChars(1_400)} tokens` },
  { lesson: SIZE, expect: '2,100,000 tokens', compute: () => `${fmtInt(trainingTokens(2_000, 350, 3))} tokens` },
  { lesson: SIZE, expect: '$16.80', compute: () => `$${fmtMoney(tokenCost(trainingTokens(2_000, 350, 3), 8.0))}` },
  { question: 'data-clean-balance-split-q01', expect: 9600, compute: () => splitSizes(12_000, 0.1, 0.1).train },
  { question: 'data-clean-balance-split-q02', expect: 300, compute: () => stepsPerEpoch(9_600, 16, 2) },
  { question: 'data-clean-balance-split-q03', expect: 90, compute: () => keptPercent(8_000, 7_200) },
  { question: 'data-templates-tokens-size-q03', expect: 500, compute: () => tokensFromChars(2_000) },
];
