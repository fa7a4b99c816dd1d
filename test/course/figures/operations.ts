// Worked figures of module 8 (operations), recomputed with the course formula helpers.
import type { Figure } from '../load.js';
import {
  GB,
  baseWithAdaptersBytes,
  blendedPrice,
  breakEvenMonths,
  costAfterCache,
  fmtFixed,
  fmtInt,
  fmtMoney,
  fullCopiesBytes,
  loraModelParams,
  mean,
  meanTokenConfidence,
  meanTokenProbability,
  monthlyInferenceCost,
  percentOf,
  reductionPercent,
  sequenceProbability,
  sum,
  tokenCost,
  weightBytes,
} from '../formulas.js';

const MB = 1e6;
const round = (x: number, d: number) => Number(x.toFixed(d));
const QV = [
  { in: 4096, out: 4096 },
  { in: 4096, out: 4096 },
];
const before = monthlyInferenceCost(50_000, 10_050, 400, 3, 15);
const after = monthlyInferenceCost(50_000, 1_550, 400, 3, 15);
const adapterParams = loraModelParams(32, QV, 16);
const adapterBytes = weightBytes(adapterParams, 16);
const base7b = weightBytes(7e9, 16);
/** Token log-probabilities of the answer in the loan-support case (operations-governance-explainability-q10). */
const CASE_LP = [-0.1, -0.2, -0.9, -0.4];

export const figures: Figure[] = [
  // operations-cost-control
  {
    lesson: 'operations-cost-control',
    expect: '| input | 50,000 x 10,050 = 502.5M tokens x $3 | $1,507.50 |',
    compute: () => `| input | 50,000 x 10,050 = ${(50_000 * 10_050) / 1e6}M tokens x $3 | $${fmtMoney(tokenCost(50_000 * 10_050, 3))} |`,
  },
  {
    lesson: 'operations-cost-control',
    expect: '| output | 50,000 x 400 = 20M tokens x $15 | $300.00 |',
    compute: () => `| output | 50,000 x 400 = ${(50_000 * 400) / 1e6}M tokens x $15 | $${fmtMoney(tokenCost(50_000 * 400, 15))} |`,
  },
  { lesson: 'operations-cost-control', expect: '| total | | $1,807.50 |', compute: () => `| total | | $${fmtMoney(before)} |` },
  {
    lesson: 'operations-cost-control',
    expect: 'Input is 83% of the bill',
    compute: () => `Input is ${fmtFixed(percentOf(tokenCost(50_000 * 10_050, 3), before), 0)}% of the bill`,
  },
  {
    lesson: 'operations-cost-control',
    expect: '| re-ranked, 1,550 input tokens | $532.50 (70.5% less) |',
    compute: () => `| re-ranked, 1,550 input tokens | $${fmtMoney(after)} (${fmtFixed(reductionPercent(before, after), 1)}% less) |`,
  },
  {
    lesson: 'operations-cost-control',
    expect: '| plus a 30% cache hit rate | $372.75 |',
    compute: () => `| plus a 30% cache hit rate | $${fmtMoney(costAfterCache(after, 0.3))} |`,
  },
  {
    lesson: 'operations-cost-control',
    expect: '3.00 = $0.76 per million',
    compute: () =>
      `3.00 = $${fmtMoney(
        blendedPrice([
          { share: 0.8, price: 0.2 },
          { share: 0.2, price: 3 },
        ]),
      )} per million`,
  },
  { question: 'operations-cost-control-q01', expect: 210, compute: () => round(monthlyInferenceCost(200_000, 1_200, 300, 0.5, 1.5), 6) },
  { question: 'operations-cost-control-q02', expect: 3000, compute: () => costAfterCache(4_000, 0.25) },
  {
    question: 'operations-cost-control-q10c',
    expect: '240,000 / 20,000 = 12 months',
    compute: () => `240,000 / 20,000 = ${breakEvenMonths(240_000, 20_000)} months`,
  },
  {
    question: 'operations-cost-control-q10c',
    expect: '240,000 / 15,000 = 16 months',
    compute: () => `240,000 / 15,000 = ${breakEvenMonths(240_000, 15_000)} months`,
  },
  // The saving below which break-even passes the 36-month life: one-off cost / 36 months.
  {
    question: 'operations-cost-control-q10c',
    expect: 'about $6,667 a month',
    compute: () => `about $${fmtInt(Math.round(breakEvenMonths(240_000, 36)))} a month`,
  },
  {
    question: 'operations-cost-control-q05',
    expect: 1.48,
    compute: () =>
      round(
        blendedPrice([
          { share: 0.7, price: 0.4 },
          { share: 0.3, price: 4 },
        ]),
        6,
      ),
  },

  // operations-multi-tenant-adapters
  {
    lesson: 'operations-multi-tenant-adapters',
    expect: '| 32 x 2 x 16 x (4096 + 4096) | 8,388,608 |',
    compute: () => `| 32 x 2 x 16 x (4096 + 4096) | ${fmtInt(adapterParams)} |`,
  },
  {
    lesson: 'operations-multi-tenant-adapters',
    expect: '| 8,388,608 x 2 bytes | 16.78 MB |',
    compute: () => `| ${fmtInt(adapterParams)} x 2 bytes | ${fmtFixed(adapterBytes / MB, 2)} MB |`,
  },
  {
    lesson: 'operations-multi-tenant-adapters',
    expect: '| 8,388,608 / 7e9 | 0.1198% |',
    compute: () => `| ${fmtInt(adapterParams)} / 7e9 | ${fmtFixed(percentOf(adapterParams, 7e9), 4)}% |`,
  },
  {
    lesson: 'operations-multi-tenant-adapters',
    expect: '| 1,000 full fine-tuned copies | 14,000 GB |',
    compute: () => `| 1,000 full fine-tuned copies | ${fmtInt(fullCopiesBytes(1000, base7b) / GB)} GB |`,
  },
  {
    lesson: 'operations-multi-tenant-adapters',
    expect: '| one base + 1,000 adapters | 30.78 GB |',
    compute: () => `| one base + 1,000 adapters | ${fmtFixed(baseWithAdaptersBytes(base7b, 1000, adapterBytes) / GB, 2)} GB |`,
  },
  { question: 'operations-multi-tenant-adapters-q01', expect: 4194304, compute: () => loraModelParams(32, QV, 8) },
  {
    question: 'operations-multi-tenant-adapters-q02',
    expect: 22.39,
    compute: () => round(baseWithAdaptersBytes(14e9, 500, 16_777_216) / GB, 2),
  },
  { question: 'operations-multi-tenant-adapters-q10a', expect: 14000, compute: () => fullCopiesBytes(1000, base7b) / GB },
  {
    question: 'operations-multi-tenant-adapters-q10b',
    expect: 30.78,
    compute: () => round(baseWithAdaptersBytes(base7b, 1000, adapterBytes) / GB, 2),
  },

  // operations-governance-explainability
  {
    lesson: 'operations-governance-explainability',
    expect: 'the mean is -0.4125',
    compute: () => `the mean is ${mean([-0.1, -0.3, -0.05, -1.2])}`,
  },
  {
    lesson: 'operations-governance-explainability',
    expect: '0.662. With a review threshold',
    compute: () => `${fmtFixed(meanTokenConfidence([-0.1, -0.3, -0.05, -1.2]), 3)}. With a review threshold`,
  },
  {
    question: 'operations-governance-explainability-q03',
    expect: 0.7408,
    compute: () => round(meanTokenConfidence([-0.2, -0.4, -0.1, -0.5]), 4),
  },
  {
    question: 'operations-governance-explainability-q10a',
    expect: '-1.6 / 4 = -0.4, and exp(-0.4) = 0.670,',
    compute: () => `${sum(CASE_LP)} / 4 = ${mean(CASE_LP)}, and exp(${mean(CASE_LP)}) = ${fmtFixed(meanTokenConfidence(CASE_LP), 3)},`,
  },
  {
    question: 'operations-governance-explainability-q10a',
    expect: 'probabilities is 0.700',
    compute: () => `probabilities is ${fmtFixed(meanTokenProbability(CASE_LP), 3)}`,
  },
  {
    question: 'operations-governance-explainability-q10a',
    expect: 'exp(-1.6) = 0.202',
    compute: () => `exp(${sum(CASE_LP)}) = ${fmtFixed(sequenceProbability(CASE_LP), 3)}`,
  },
];
