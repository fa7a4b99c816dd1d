// Worked figures of module 6 (evaluation), recomputed with ftlab's metrics engine (sacrebleu- and
// rouge-score-compatible) and the course formula helpers.
import type { Figure } from '../load.js';
import { chanceAgreementBinary, cohenKappa, fmtFixed, kFoldSizes, passAtK, percentOf, reductionPercent } from '../formulas.js';
import {
  ChrfScorer,
  CorpusChrf,
  RougeScorer,
  classificationReport,
  computeBleu,
  corpusBleu,
  exactMatch,
  normalizeAnswer,
  perplexityFromLogProbs,
  tokenF1,
} from '../../../src/engines/metrics/index.js';

const CAT_HYP = 'The cat is on the mat';
const CAT_REF = 'The cat sits on the mat';
const rouge = new RougeScorer();
const rougeStem = new RougeScorer({ stem: true });
const f4 = (x: number) => fmtFixed(x, 4);
const round = (x: number, d: number) => Number(x.toFixed(d));

function chrf(hyp: string, ref: string): number {
  const c = new CorpusChrf(new ChrfScorer());
  c.add(hyp, [ref]);
  return c.score();
}

/** Expand a binary confusion matrix into label lists and score it with the classification engine. */
function binary(tp: number, fn: number, fp: number, tn: number, pos = 'pos', neg = 'neg') {
  const truth = [...Array(tp + fn).fill(pos), ...Array(fp + tn).fill(neg)] as string[];
  const pred = [...Array(tp).fill(pos), ...Array(fn).fill(neg), ...Array(fp).fill(pos), ...Array(tn).fill(neg)] as string[];
  return classificationReport(truth, pred);
}
const spam = binary(40, 20, 10, 130, 'spam', 'ham');
const urgent = binary(80, 10, 20, 90, 'urgent', 'routine');
const fraud = binary(0, 10, 0, 990, 'fraud', 'legit');

const cat = rouge.score(CAT_REF, CAT_HYP);
const fox = rouge.score('the quick brown fox jumps over the lazy dog', 'the fox jumps over the dog');
const swapped = rouge.score('The cat sat on the mat.\nIt was asleep.', 'It was asleep.\nThe cat sat on the mat.');
const council = ['the council approved the new budget on monday', 'council approves budget on monday'] as const;
const catBleu = corpusBleu([CAT_HYP], [[CAT_REF]]);

export const figures: Figure[] = [
  // evaluation-rouge
  {
    lesson: 'evaluation-rouge',
    expect: '| ROUGE-1 | 5/6 = 0.8333 | 0.8333 | 0.8333 |',
    compute: () => `| ROUGE-1 | 5/6 = ${f4(cat.rouge1!.precision)} | ${f4(cat.rouge1!.recall)} | ${f4(cat.rouge1!.fmeasure)} |`,
  },
  {
    lesson: 'evaluation-rouge',
    expect: '| ROUGE-2 | 3/5 = 0.6000 | 0.6000 | 0.6000 |',
    compute: () => `| ROUGE-2 | 3/5 = ${f4(cat.rouge2!.precision)} | ${f4(cat.rouge2!.recall)} | ${f4(cat.rouge2!.fmeasure)} |`,
  },
  {
    lesson: 'evaluation-rouge',
    expect: '| ROUGE-L | 5/6 = 0.8333 | 0.8333 | 0.8333 |',
    compute: () => `| ROUGE-L | 5/6 = ${f4(cat.rougeL!.precision)} | ${f4(cat.rougeL!.recall)} | ${f4(cat.rougeL!.fmeasure)} |`,
  },
  {
    lesson: 'evaluation-rouge',
    expect: '6/9 = 0.6667, and F1 = 0.8000',
    compute: () => `6/9 = ${f4(fox.rouge1!.recall)}, and F1 = ${f4(fox.rouge1!.fmeasure)}`,
  },
  {
    lesson: 'evaluation-rouge',
    expect: 'recall 3/8 = 0.375, F1 = 0.4615',
    compute: () => `recall 3/8 = ${fox.rouge2!.recall}, F1 = ${f4(fox.rouge2!.fmeasure)}`,
  },
  {
    lesson: 'evaluation-rouge',
    expect: '| 0.6667 | 1.0000 |',
    compute: () => `| ${f4(swapped.rougeL!.fmeasure)} | ${f4(swapped.rougeLsum!.fmeasure)} |`,
  },
  {
    lesson: 'evaluation-rouge',
    expect: 'ROUGE-1 F1 0.2857 without stemming and 0.8571 with it',
    compute: () =>
      `ROUGE-1 F1 ${f4(rouge.score('the cats are running', 'the cat runs').rouge1!.fmeasure)} without stemming and ${f4(rougeStem.score('the cats are running', 'the cat runs').rouge1!.fmeasure)} with it`,
  },
  {
    lesson: 'evaluation-rouge',
    expect: 'ROUGE-1 F1 = 0.5 for a perfect paraphrase',
    compute: () => `ROUGE-1 F1 = ${rouge.score('The movie was excellent', 'The film was great').rouge1!.fmeasure} for a perfect paraphrase`,
  },
  { question: 'evaluation-rouge-q02', expect: 0.6, compute: () => round(cat.rouge2!.fmeasure, 4) },
  {
    question: 'evaluation-rouge-q03',
    expect: 0.8,
    compute: () => round(rouge.score('the meeting moved to friday afternoon', 'meeting moved to friday').rouge1!.fmeasure, 4),
  },
  { question: 'evaluation-rouge-q10a', expect: 0.5, compute: () => rouge.score(...council).rouge1!.recall },
  { question: 'evaluation-rouge-q10b', expect: 1.0, compute: () => rougeStem.score(...council).rouge1!.precision },
  { question: 'evaluation-rouge-q10c', expect: 0.5, compute: () => rouge.score(...council).rouge2!.precision },

  // evaluation-bleu-chrf-bertscore
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: 'exp(1 - 6/4) = 0.6065, so BLEU = 60.65',
    compute: () => {
      const s = corpusBleu(['The cat sits on'], [[CAT_REF]]);
      return `exp(1 - 6/4) = ${f4(s.bp)}, so BLEU = ${fmtFixed(s.score, 2)}`;
    },
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: 'it gets 2 of 4',
    compute: () => {
      const s = corpusBleu(['the the the the'], [['the cat is on the mat']]);
      return `it gets ${s.counts[0]} of ${s.totals[0]}`;
    },
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: '| 1 | 5 / 6 | 83.33 |',
    compute: () => `| 1 | ${catBleu.counts[0]} / ${catBleu.totals[0]} | ${fmtFixed(catBleu.precisions[0]!, 2)} |`,
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: '| 2 | 3 / 5 | 60.00 |',
    compute: () => `| 2 | ${catBleu.counts[1]} / ${catBleu.totals[1]} | ${fmtFixed(catBleu.precisions[1]!, 2)} |`,
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: '| 3 | 1 / 4 (on the mat) | 25.00 |',
    compute: () => `| 3 | ${catBleu.counts[2]} / ${catBleu.totals[2]} (on the mat) | ${fmtFixed(catBleu.precisions[2]!, 2)} |`,
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: '| 4 | 0 / 3 | 0 -> smoothed to 16.67 |',
    compute: () => `| 4 | ${catBleu.counts[3]} / ${catBleu.totals[3]} | 0 -> smoothed to ${fmtFixed(catBleu.precisions[3]!, 2)} |`,
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: 'BLEU = 0.',
    compute: () => `BLEU = ${corpusBleu([CAT_HYP], [[CAT_REF]], { smooth: 'none' }).score}.`,
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: 'the score becomes 37.99',
    compute: () => `the score becomes ${fmtFixed(catBleu.score, 2)}`,
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: '| 37.99 | 65.42 |',
    compute: () => `| ${fmtFixed(catBleu.score, 2)} | ${fmtFixed(chrf(CAT_HYP, CAT_REF), 2)} |`,
  },
  {
    lesson: 'evaluation-bleu-chrf-bertscore',
    expect: '| - | 15.31 |',
    compute: () => `| - | ${fmtFixed(chrf('The film was great', 'The movie was excellent'), 2)} |`,
  },
  {
    question: 'evaluation-bleu-chrf-bertscore-q02',
    expect: 0.779,
    compute: () => round(computeBleu([8, 0, 0, 0], [8, 7, 6, 5], 8, 10).bp, 3),
  },
  {
    question: 'evaluation-bleu-chrf-bertscore-q03',
    expect: 0.5,
    compute: () => {
      const s = corpusBleu(['the the the the'], [['the cat is on the mat']]);
      return s.counts[0]! / s.totals[0]!;
    },
  },
  { question: 'evaluation-bleu-chrf-bertscore-q07', expect: 37.99, compute: () => round(catBleu.score, 2) },
  {
    question: 'evaluation-bleu-chrf-bertscore-q10b',
    expect: 0.717,
    compute: () => round(computeBleu([9, 0, 0, 0], [9, 8, 7, 6], 9, 12).bp, 3),
  },

  // evaluation-task-metrics
  {
    lesson: 'evaluation-task-metrics',
    expect: '| The Eiffel Tower. | eiffel tower | 1 | 1.0 |',
    compute: () =>
      `| The Eiffel Tower. | ${normalizeAnswer('The Eiffel Tower.')} | ${exactMatch('The Eiffel Tower.', 'Eiffel Tower')} | ${fmtFixed(tokenF1('The Eiffel Tower.', 'Eiffel Tower'), 1)} |`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: '| the Eiffel Tower in Paris | eiffel tower in paris | 0 | 0.6667 |',
    compute: () =>
      `| the Eiffel Tower in Paris | ${normalizeAnswer('the Eiffel Tower in Paris')} | ${exactMatch('the Eiffel Tower in Paris', 'Eiffel Tower')} | ${f4(tokenF1('the Eiffel Tower in Paris', 'Eiffel Tower'))} |`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: '| (TP + TN) / all = 170 / 200 | 0.85 |',
    compute: () => `| (TP + TN) / all = 170 / 200 | ${spam.accuracy} |`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: '| TP / (TP + FP) = 40 / 50 | 0.8 |',
    compute: () => `| TP / (TP + FP) = 40 / 50 | ${spam.per_class.spam!.precision} |`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: '| TP / (TP + FN) = 40 / 60 | 0.6667 |',
    compute: () => `| TP / (TP + FN) = 40 / 60 | ${f4(spam.per_class.spam!.recall)} |`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: '| 2 x P x R / (P + R) | 0.7273 |',
    compute: () => `| 2 x P x R / (P + R) | ${f4(spam.per_class.spam!.f1)} |`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: 'accuracy 0.99, recall for fraud 0.',
    compute: () => `accuracy ${fraud.accuracy}, recall for fraud ${fraud.per_class.fraud!.recall}.`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: 'ham has F1 0.8966 and spam 0.7273',
    compute: () => `ham has F1 ${f4(spam.per_class.ham!.f1)} and spam ${f4(spam.per_class.spam!.f1)}`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: 'macro-averaged F1 is 0.8119',
    compute: () => `macro-averaged F1 is ${f4(spam.macro_avg.f1)}`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: 'larger ham class, is 0.8458',
    compute: () => `larger ham class, is ${f4(spam.weighted_avg.f1)}`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: 'likelihood is 1.1513 nats',
    compute: () => `likelihood is ${f4(perplexityFromLogProbs([0.5, 0.25, 0.8, 0.1].map(Math.log)).loss)} nats`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: 'perplexity is 3.1623',
    compute: () => `perplexity is ${f4(perplexityFromLogProbs([0.5, 0.25, 0.8, 0.1].map(Math.log)).perplexity)}`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: 'every run trains on 800 and',
    compute: () => `every run trains on ${kFoldSizes(1000, 5).train} and`,
  },
  {
    lesson: 'evaluation-task-metrics',
    expect: 'tests on 200, and every example',
    compute: () => `tests on ${kFoldSizes(1000, 5).test}, and every example`,
  },
  { question: 'evaluation-task-metrics-q11', expect: 1600, compute: () => kFoldSizes(2000, 5).train },
  { question: 'evaluation-task-metrics-q03', expect: 0.99, compute: () => fraud.accuracy },
  { question: 'evaluation-task-metrics-q05', expect: 0.6667, compute: () => round(tokenF1('Paris France', 'Paris'), 4) },
  {
    question: 'evaluation-task-metrics-q07',
    expect: 2,
    compute: () => round(perplexityFromLogProbs([0.25, 0.5, 0.5, 1].map(Math.log)).perplexity, 9),
  },
  { question: 'evaluation-task-metrics-q10a', expect: 0.85, compute: () => urgent.accuracy },
  { question: 'evaluation-task-metrics-q10b', expect: 0.8889, compute: () => round(urgent.per_class.urgent!.recall, 4) },
  { question: 'evaluation-task-metrics-q10c', expect: 0.8421, compute: () => round(urgent.per_class.urgent!.f1, 4) },

  // evaluation-human-judge-ab
  {
    lesson: 'evaluation-human-judge-ab',
    expect: '0.6 x 0.5 + 0.4 x 0.5 = 0.5',
    compute: () => `0.6 x 0.5 + 0.4 x 0.5 = ${chanceAgreementBinary(0.6, 0.5)}`,
  },
  {
    lesson: 'evaluation-human-judge-ab',
    expect: '(0.8 - 0.5) / (1 - 0.5) = 0.6',
    compute: () => `(0.8 - 0.5) / (1 - 0.5) = ${round(cohenKappa(0.8, chanceAgreementBinary(0.6, 0.5)), 4)}`,
  },
  {
    lesson: 'evaluation-human-judge-ab',
    expect: '| 58 / 100 | 58.0% |',
    compute: () => `| 58 / 100 | ${fmtFixed(percentOf(58, 100), 1)}% |`,
  },
  {
    lesson: 'evaluation-human-judge-ab',
    expect: '| 58 / 85 | 68.2% |',
    compute: () => `| 58 / 85 | ${fmtFixed(percentOf(58, 58 + 27), 1)}% |`,
  },
  {
    lesson: 'evaluation-human-judge-ab',
    expect: 'a relative lift of 15%',
    compute: () => `a relative lift of ${round(-reductionPercent(percentOf(400, 10_000), percentOf(460, 10_000)), 6)}%`,
  },
  { question: 'evaluation-human-judge-ab-q02', expect: 0.7826, compute: () => round(cohenKappa(0.9, chanceAgreementBinary(0.7, 0.6)), 4) },
  { question: 'evaluation-human-judge-ab-q03', expect: 60, compute: () => percentOf(72, 72 + 48) },
  {
    question: 'evaluation-human-judge-ab-q09',
    expect: 20,
    compute: () => round(-reductionPercent(percentOf(300, 12_000), percentOf(360, 12_000)), 6),
  },
  { question: 'evaluation-human-judge-ab-q10b', expect: '110 / 200 = 55 %', compute: () => `110 / 200 = ${percentOf(110, 200)} %` },
  { question: 'evaluation-human-judge-ab-q10b', expect: '110 / 160 = 68.75 %', compute: () => `110 / 160 = ${percentOf(110, 160)} %` },

  // evaluation-benchmarks-bedrock
  {
    lesson: 'evaluation-benchmarks-bedrock',
    expect: 'pass@1 = 1 - 7/10 = 0.3',
    compute: () => `pass@1 = 1 - 7/10 = ${round(passAtK(10, 3, 1), 4)}`,
  },
  { lesson: 'evaluation-benchmarks-bedrock', expect: '1 - 21/252 = 0.9167', compute: () => `1 - 21/252 = ${f4(passAtK(10, 3, 5))}` },
  { question: 'evaluation-benchmarks-bedrock-q02', expect: 0.6009, compute: () => round(passAtK(20, 5, 3), 4) },
  { question: 'evaluation-benchmarks-bedrock-q10b', expect: 'pass@1 is 0.3,', compute: () => `pass@1 is ${round(passAtK(40, 12, 1), 4)},` },
];
