// Mean next-token cross-entropy as Hugging Face computes it with labels = input_ids: logits at
// position t are scored against token t+1, positions whose label is −100 are skipped, and the mean is
// taken over all counted tokens of the whole file (one token-weighted mean, as if the file were one
// right-padded batch). Each record is <s> … </s>: the BOS is never a target, the closing EOS is.
import { makeBatch, sequentialBatches, type Example } from './data.js';
import type { LlamaModel } from './model.js';

export interface EvalResult {
  loss: number;
  perplexity: number;
  tokens: number;
}

export function evaluateLoss(model: LlamaModel, examples: Example[], padId: number, batchSize = 8): EvalResult {
  let sum = 0;
  let count = 0;
  for (const chunk of sequentialBatches(examples, batchSize)) {
    const b = makeBatch(chunk, padId);
    const r = model.forward(b.tokens, b.targets, b.B, b.T);
    sum += r.sum;
    count += r.count;
  }
  const loss = count ? sum / count : NaN;
  return { loss, perplexity: Math.exp(loss), tokens: count };
}
