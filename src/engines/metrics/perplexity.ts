// Perplexity from per-token log-probabilities (natural log), as `ftlab metrics perplexity` reads them:
// mean negative log-likelihood over the tokens, and exp of it.
// Streaming: add tokens as they are produced; nothing but two running numbers is kept.

export interface PerplexityResult {
  tokens: number;
  /** Mean negative log-likelihood per token (nats): the cross-entropy loss. */
  loss: number;
  perplexity: number;
}

export class PerplexityAccumulator {
  private nll = 0;
  tokens = 0;

  add(logProb: number): void {
    if (!Number.isFinite(logProb) && logProb !== -Infinity) throw new Error(`log-probability must be a number, got ${logProb}`);
    if (logProb > 1e-9) throw new Error(`log-probability must be <= 0, got ${logProb}`);
    this.nll -= logProb;
    this.tokens++;
  }

  addAll(logProbs: Iterable<number>): void {
    for (const lp of logProbs) this.add(lp);
  }

  result(): PerplexityResult {
    if (this.tokens === 0) return { tokens: 0, loss: NaN, perplexity: NaN };
    const loss = this.nll / this.tokens;
    return { tokens: this.tokens, loss, perplexity: Math.exp(loss) };
  }
}

/** Perplexity of a sequence given each token's log-probability under the model. */
export function perplexityFromLogProbs(logProbs: Iterable<number>): PerplexityResult {
  const acc = new PerplexityAccumulator();
  acc.addAll(logProbs);
  return acc.result();
}
