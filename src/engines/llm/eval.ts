// Mean next-token cross-entropy as Hugging Face computes it with labels = input_ids: logits at
// position t are scored against token t+1, positions whose label is −100 are skipped, and the mean is
// taken over all counted tokens of the whole file (one token-weighted mean, as if the file were one
// right-padded batch). Each record is <s> … </s>: the BOS is never a target, the closing EOS is.
// Each record runs on its own at its own length and the sums are added in file order — the same
// computation the parallel runner (parallel/runner.ts) spreads over threads, so both give the same bits.
import type { Example } from './data.js';
import type { LlamaModel } from './model.js';
import { exampleBatch } from './parallel/replica.js';
import type { ParallelRunner } from './parallel/runner.js';

export interface EvalResult {
  loss: number;
  perplexity: number;
  tokens: number;
}

const result = (sum: number, count: number): EvalResult => {
  const loss = count ? sum / count : NaN;
  return { loss, perplexity: Math.exp(loss), tokens: count };
};

/** On the calling thread. (`_padId` and `_batchSize` are accepted for older callers; records are not padded.) */
export function evaluateLoss(model: LlamaModel, examples: Example[], _padId?: number, _batchSize?: number): EvalResult {
  let sum = 0;
  let count = 0;
  for (const e of examples) {
    const b = exampleBatch(e);
    const r = model.forward(b.tokens, b.targets, 1, b.T);
    sum += r.sum;
    count += r.count;
  }
  return result(sum, count);
}

/** The same on every thread of a runner (ParallelRunner.start with trains 'none', or the training runner). */
export async function evaluateLossParallel(runner: ParallelRunner, examples: Example[]): Promise<EvalResult> {
  const r = await runner.loss(examples);
  return result(r.sum, r.count);
}
