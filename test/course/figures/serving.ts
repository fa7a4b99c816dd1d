// Worked figures of module 7 (serving), recomputed with the course formula helpers.
import type { Figure } from '../load.js';
import {
  GB,
  averageRps,
  breakEvenVolume,
  decodeSeconds,
  fmtFixed,
  fmtInt,
  hpaDesiredReplicas,
  kvCacheBytesPerToken,
  mean,
  monthlyFromHourly,
  percentileNearestRank,
  reductionPercent,
  sum,
  throughputFromConcurrency,
  weightBytes,
} from '../formulas.js';

const GiB = 2 ** 30;
const LLAMA3_8B_KV = kvCacheBytesPerToken(32, 8, 128, 2);
const latencies = [120, 135, 140, 150, 155, 160, 170, 180, 190, 200, 210, 220, 240, 260, 300, 350, 420, 600, 900, 2400];
const weightsRow = (label: string, params: number) =>
  `| ${label} | ${weightBytes(params, 16) / GB} GB | ${weightBytes(params, 8) / GB} GB | ${weightBytes(params, 4) / GB} GB |`;

export const figures: Figure[] = [
  // serving-deployment-options
  {
    lesson: 'serving-deployment-options',
    expect: 'ceil(4 x 75 / 50) = 6 pods',
    compute: () => `ceil(4 x 75 / 50) = ${hpaDesiredReplicas(4, 75, 50)} pods`,
  },
  { lesson: 'serving-deployment-options', expect: '1.20 x 730 = $876', compute: () => `1.20 x 730 = $${fmtInt(monthlyFromHourly(1.2))}` },
  {
    lesson: 'serving-deployment-options',
    expect: '876 / 0.60 = 1,460 million',
    compute: () => `876 / 0.60 = ${fmtInt(breakEvenVolume(monthlyFromHourly(1.2), 0.6))} million`,
  },
  {
    lesson: 'serving-deployment-options',
    expect: '3,000,000 / 86,400 = 34.72 requests',
    compute: () => `3,000,000 / 86,400 = ${fmtFixed(averageRps(3_000_000), 2)} requests`,
  },
  { question: 'serving-deployment-options-q05', expect: 5, compute: () => hpaDesiredReplicas(3, 90, 60) },
  { question: 'serving-deployment-options-q06', expect: 3650, compute: () => Math.round(breakEvenVolume(monthlyFromHourly(2.5), 0.5)) },
  { question: 'serving-deployment-options-q10b', expect: 6, compute: () => hpaDesiredReplicas(1, 3 * averageRps(4_320_000), 25) },

  // serving-apis
  { lesson: 'serving-apis', expect: '300 / 40 = 7.5 seconds', compute: () => `300 / 40 = ${decodeSeconds(300, 40)} seconds` },
  {
    lesson: 'serving-apis',
    expect: 'spinner for 7.75 seconds',
    compute: () => `spinner for ${sum([0.25, decodeSeconds(300, 40)])} seconds`,
  },
  { question: 'serving-apis-q02', expect: 20.5, compute: () => sum([0.5, decodeSeconds(500, 25)]) },

  // serving-inference-performance
  {
    lesson: 'serving-inference-performance',
    expect: '| 8B parameters | 16 GB | 8 GB | 4 GB |',
    compute: () => weightsRow('8B parameters', 8e9),
  },
  {
    lesson: 'serving-inference-performance',
    expect: '| 70B parameters | 140 GB | 70 GB | 35 GB |',
    compute: () => weightsRow('70B parameters', 70e9),
  },
  {
    lesson: 'serving-inference-performance',
    expect: '| 2 x 32 x 8 x 128 x 2 | 131,072 (128 KiB) |',
    compute: () => `| 2 x 32 x 8 x 128 x 2 | ${fmtInt(LLAMA3_8B_KV)} (${LLAMA3_8B_KV / 1024} KiB) |`,
  },
  {
    lesson: 'serving-inference-performance',
    expect: '| 131,072 x 8,192 | 1,073,741,824 (1 GiB) |',
    compute: () => `| 131,072 x 8,192 | ${fmtInt(LLAMA3_8B_KV * 8192)} (${(LLAMA3_8B_KV * 8192) / GiB} GiB) |`,
  },
  {
    lesson: 'serving-inference-performance',
    expect: '| x 16 | 17,179,869,184 (16 GiB) |',
    compute: () => `| x 16 | ${fmtInt(LLAMA3_8B_KV * 8192 * 16)} (${(LLAMA3_8B_KV * 8192 * 16) / GiB} GiB) |`,
  },
  {
    lesson: 'serving-inference-performance',
    expect: '524,288 bytes per token',
    compute: () => `${fmtInt(kvCacheBytesPerToken(32, 32, 128, 2))} bytes per token`,
  },
  {
    lesson: 'serving-inference-performance',
    expect: 'completes 32 / 2 = 16 requests',
    compute: () => `completes 32 / 2 = ${throughputFromConcurrency(32, 2)} requests`,
  },
  {
    lesson: 'serving-inference-performance',
    expect: "BERT-base's 110M, 40% fewer",
    compute: () => `BERT-base's 110M, ${Math.round(reductionPercent(110e6, 66e6))}% fewer`,
  },
  { question: 'serving-inference-performance-q01', expect: 6.5, compute: () => weightBytes(13e9, 4) / GB },
  { question: 'serving-inference-performance-q02', expect: 163840, compute: () => kvCacheBytesPerToken(40, 8, 128, 2) },
  { question: 'serving-inference-performance-q03', expect: 5, compute: () => (LLAMA3_8B_KV * 4096 * 10) / GiB },
  { question: 'serving-inference-performance-q08', expect: 16, compute: () => throughputFromConcurrency(64, 4) },
  { question: 'serving-inference-performance-q10a', expect: 140, compute: () => weightBytes(70e9, 16) / GB },
  { question: 'serving-inference-performance-q10b', expect: 35, compute: () => weightBytes(70e9, 4) / GB },

  // serving-monitoring-rollout
  {
    lesson: 'serving-monitoring-rollout',
    expect: '| sum / 20 = 7,500 / 20 | 375 ms |',
    compute: () => `| sum / 20 = ${fmtInt(sum(latencies))} / 20 | ${mean(latencies)} ms |`,
  },
  {
    lesson: 'serving-monitoring-rollout',
    expect: '| rank ceil(0.50 x 20) = 10 | 200 ms |',
    compute: () => `| rank ceil(0.50 x 20) = 10 | ${percentileNearestRank(latencies, 50)} ms |`,
  },
  {
    lesson: 'serving-monitoring-rollout',
    expect: '| rank ceil(0.95 x 20) = 19 | 900 ms |',
    compute: () => `| rank ceil(0.95 x 20) = 19 | ${percentileNearestRank(latencies, 95)} ms |`,
  },
  {
    lesson: 'serving-monitoring-rollout',
    expect: '| rank ceil(0.99 x 20) = 20 | 2400 ms |',
    compute: () => `| rank ceil(0.99 x 20) = 20 | ${percentileNearestRank(latencies, 99)} ms |`,
  },
  {
    question: 'serving-monitoring-rollout-q01',
    expect: 250,
    compute: () => percentileNearestRank([80, 95, 100, 110, 120, 130, 150, 180, 250, 900], 90),
  },
];
