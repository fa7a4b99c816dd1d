// Worked figures of module 5 (training): each is recomputed with ftlab's own formula helpers.
import type { Figure } from '../load.js';
import {
  GB,
  MIXED_PRECISION_ADAM_BYTES_PER_PARAM,
  adamStateBytes,
  cosineDecayLr,
  earlyStopping,
  effectiveBatch,
  fmtFixed,
  fmtInt,
  fullFineTuneBytes,
  linearWarmupLr,
  perplexity,
  recomputeOverhead,
  stepsPerEpoch,
  warmupStepsFromRatio,
  weightBytes,
} from '../formulas.js';

const MB = 1e6;
/** Learning rates as the lessons write them: 5e-5, 1.71e-4. */
const lr = (x: number, digits = 0) => x.toExponential(digits);
const round = (x: number, d: number) => Number(x.toFixed(d));

const lossesLesson = [1.92, 1.61, 1.48, 1.45, 1.47, 1.5];
const lossesQuiz = [2.1, 1.84, 1.7, 1.71, 1.695, 1.72, 1.75, 1.74];

export const figures: Figure[] = [
  // training-hyperparameters
  { lesson: 'training-hyperparameters', expect: '4 x 4 x 1 = 16', compute: () => `4 x 4 x 1 = ${effectiveBatch(4, 4, 1)}` },
  { lesson: 'training-hyperparameters', expect: '8 x 4 x 2 = 64', compute: () => `8 x 4 x 2 = ${effectiveBatch(8, 4, 2)}` },
  { lesson: 'training-hyperparameters', expect: '| 10,000 / 16 | 625 |', compute: () => `| 10,000 / 16 | ${stepsPerEpoch(10_000, 16)} |` },
  { lesson: 'training-hyperparameters', expect: '| 625 x 3 | 1875 |', compute: () => `| 625 x 3 | ${stepsPerEpoch(10_000, 16) * 3} |` },
  { question: 'training-hyperparameters-q02', expect: 128, compute: () => effectiveBatch(8, 8, 2) },
  { question: 'training-hyperparameters-q03', expect: 3, compute: () => 900 / stepsPerEpoch(9_600, effectiveBatch(4, 8, 1)) },
  { question: 'training-hyperparameters-q10a', expect: 2, compute: () => effectiveBatch(8, 4, 1) / effectiveBatch(8, 1, 2) },

  // training-schedules-optimizers
  {
    lesson: 'training-schedules-optimizers',
    expect: 'rounded up to 94 warmup steps',
    compute: () => `rounded up to ${warmupStepsFromRatio(1875, 0.05)} warmup steps`,
  },
  {
    lesson: 'training-schedules-optimizers',
    expect: '2e-4 x 25 / 100 = 5e-5',
    compute: () => `2e-4 x 25 / 100 = ${lr(linearWarmupLr(2e-4, 25, 100))}`,
  },
  {
    lesson: 'training-schedules-optimizers',
    expect: '(1 + cos(pi/4)) = 1.71e-4',
    compute: () => `(1 + cos(pi/4)) = ${lr(cosineDecayLr(2e-4, 325, 100, 1000), 2)}`,
  },
  {
    lesson: 'training-schedules-optimizers',
    expect: 'half the peak, 1e-4',
    compute: () => `half the peak, ${lr(cosineDecayLr(2e-4, 550, 100, 1000))}`,
  },
  {
    lesson: 'training-schedules-optimizers',
    expect: '| 7e9 x 8 bytes | 56 GB |',
    compute: () => `| 7e9 x 8 bytes | ${adamStateBytes(7e9) / GB} GB |`,
  },
  {
    lesson: 'training-schedules-optimizers',
    expect: '| 7e9 x 2 bytes | 14 GB |',
    compute: () => `| 7e9 x 2 bytes | ${adamStateBytes(7e9, 1) / GB} GB |`,
  },
  {
    lesson: 'training-schedules-optimizers',
    expect: '| 4,194,304 x 8 | 33.55 MB |',
    compute: () => `| ${fmtInt(4_194_304)} x 8 | ${fmtFixed(adamStateBytes(4_194_304) / MB, 2)} MB |`,
  },
  { question: 'training-schedules-optimizers-q02', expect: 38, compute: () => warmupStepsFromRatio(1250, 0.03) },
  { question: 'training-schedules-optimizers-q03', expect: 0.000075, compute: () => linearWarmupLr(3e-4, 50, 200) },
  { question: 'training-schedules-optimizers-q04', expect: 0.0001, compute: () => cosineDecayLr(2e-4, 600, 100, 1100) },
  { question: 'training-schedules-optimizers-q07', expect: 24, compute: () => adamStateBytes(3e9) / GB },
  { question: 'training-schedules-optimizers-q10a', expect: 100, compute: () => warmupStepsFromRatio(2000, 0.05) },
  { question: 'training-schedules-optimizers-q10b', expect: 0.00004, compute: () => linearWarmupLr(1e-4, 40, 100) },

  // training-loss-curves
  {
    lesson: 'training-loss-curves',
    expect: 'Training stops after epoch 6 and the epoch 4 checkpoint',
    compute: () => {
      const r = earlyStopping(lossesLesson, 2);
      return `Training stops after epoch ${r.stopAt} and the epoch ${r.best} checkpoint`;
    },
  },
  {
    lesson: 'training-loss-curves',
    expect: 'which is a perplexity of 4.263',
    compute: () => `which is a perplexity of ${fmtFixed(perplexity(1.45), 3)}`,
  },
  { question: 'training-loss-curves-q03a', expect: 6, compute: () => earlyStopping(lossesQuiz, 3, 0.01).stopAt },
  { question: 'training-loss-curves-q03b', expect: 3, compute: () => earlyStopping(lossesQuiz, 3, 0.01).best },
  { question: 'training-loss-curves-q05', expect: 7.39, compute: () => round(perplexity(2.0), 2) },

  // training-memory-precision
  {
    lesson: 'training-memory-precision',
    expect: '| 16-bit weights | 2 | 14 GB |',
    compute: () => `| 16-bit weights | 2 | ${weightBytes(7e9, 16) / GB} GB |`,
  },
  {
    lesson: 'training-memory-precision',
    expect: '| 16-bit gradients | 2 | 14 GB |',
    compute: () => `| 16-bit gradients | 2 | ${weightBytes(7e9, 16) / GB} GB |`,
  },
  {
    lesson: 'training-memory-precision',
    expect: '| fp32 master weights | 4 | 28 GB |',
    compute: () => `| fp32 master weights | 4 | ${weightBytes(7e9, 32) / GB} GB |`,
  },
  {
    lesson: 'training-memory-precision',
    expect: '| Adam first and second moments (fp32) | 8 | 56 GB |',
    compute: () => `| Adam first and second moments (fp32) | 8 | ${adamStateBytes(7e9) / GB} GB |`,
  },
  {
    lesson: 'training-memory-precision',
    expect: '| Total | 16 | 112 GB |',
    compute: () => `| Total | ${MIXED_PRECISION_ADAM_BYTES_PER_PARAM} | ${fullFineTuneBytes(7e9) / GB} GB |`,
  },
  {
    lesson: 'training-memory-precision',
    expect: 'roughly 33% more compute',
    compute: () => `roughly ${fmtFixed(100 * recomputeOverhead(1, 2), 0)}% more compute`,
  },
  { question: 'training-memory-precision-q02', expect: 208, compute: () => fullFineTuneBytes(13e9) / GB },
  { question: 'training-memory-precision-q05', expect: 33, compute: () => round(100 * recomputeOverhead(1, 2), 0) },
  { question: 'training-memory-precision-q10a', expect: 112, compute: () => fullFineTuneBytes(7e9) / GB },
];
