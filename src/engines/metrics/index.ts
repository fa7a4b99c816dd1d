// ftlab's metrics engine: BLEU and chrF as sacrebleu 2.x, ROUGE as rouge-score 0.1.2, SQuAD
// exact match/F1, classification metrics and perplexity. Pure functions and streaming scorers.
export * from './bleu.js';
export * from './chrf.js';
export * from './tokenizers.js';
export * from './squad.js';
export * from './classification.js';
export * from './perplexity.js';
export * from './rouge/score.js';
export * from './rouge/tokenize.js';
export { porterStem } from './rouge/porter.js';
export { pySplit, pyRstrip } from './text.js';
