// Worked figures of the Fine-tuning methods module, recomputed with test/course/formulas.ts.
import {
  FP32_ADAM_BYTES_PER_PARAM,
  GB,
  MIXED_PRECISION_ADAM_BYTES_PER_PARAM,
  crossEntropy,
  fmtFixed,
  fullFineTuneBytes,
  mean,
  nextTokenTargets,
  perplexity,
  weightBytes,
} from '../formulas.js';
import type { Figure } from '../load.js';

const L = 'methods-full-fine-tuning';
const probs = [0.5, 0.25, 0.8, 0.1];
const meanLoss = mean(probs.map(crossEntropy));

export const figures: Figure[] = [
  { lesson: L, expect: 'yields 8 predictions', compute: () => `yields ${nextTokenTargets(9)} predictions` },
  { lesson: L, expect: '| 0.9 | 0.105 |', compute: () => `| 0.9 | ${fmtFixed(crossEntropy(0.9), 3)} |` },
  { lesson: L, expect: '| 0.5 | 0.693 |', compute: () => `| 0.5 | ${fmtFixed(crossEntropy(0.5), 3)} |` },
  { lesson: L, expect: '| 0.05 | 2.996 |', compute: () => `| 0.05 | ${fmtFixed(crossEntropy(0.05), 3)} |` },
  ...probs.map((p, i) => ({
    lesson: L,
    expect: `| ${i + 1} | ${p} | ${fmtFixed(-Math.log(p), 3)} |`,
    compute: () => `| ${i + 1} | ${p} | ${fmtFixed(crossEntropy(p), 3)} |`,
  })),
  { lesson: L, expect: 'Mean loss = 1.151', compute: () => `Mean loss = ${fmtFixed(meanLoss, 3)}` },
  { lesson: L, expect: 'mean loss: 3.16', compute: () => `mean loss: ${fmtFixed(perplexity(meanLoss), 2)}` },
  { lesson: L, expect: '| total | 16 |', compute: () => `| total | ${MIXED_PRECISION_ADAM_BYTES_PER_PARAM} |` },
  { lesson: L, expect: 'about 112 GB', compute: () => `about ${fullFineTuneBytes(7e9) / GB} GB` },
  { lesson: L, expect: 'about 14 GB', compute: () => `about ${weightBytes(7e9, 16) / GB} GB` },
  { lesson: L, expect: 'about 32 GB', compute: () => `about ${fullFineTuneBytes(2e9) / GB} GB` },
  { lesson: L, expect: 'costs the same 16 bytes', compute: () => `costs the same ${FP32_ADAM_BYTES_PER_PARAM} bytes` },
  { question: 'methods-full-fine-tuning-q02', expect: 127, compute: () => nextTokenTargets(128) },
  { question: 'methods-full-fine-tuning-q03', expect: 1.386, compute: () => Number(fmtFixed(crossEntropy(0.25), 3)) },
  {
    question: 'methods-full-fine-tuning-q05',
    expect: 2.5,
    compute: () => Number(fmtFixed(perplexity(mean([0.8, 0.2].map(crossEntropy))), 2)),
  },
  { question: 'methods-full-fine-tuning-q10a', expect: 48, compute: () => fullFineTuneBytes(3e9) / GB },
  { question: 'methods-full-fine-tuning-q10b', expect: 6, compute: () => weightBytes(3e9, 16) / GB },
];
