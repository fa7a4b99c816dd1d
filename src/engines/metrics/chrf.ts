// chrF (Popović 2015) and chrF++ exactly as sacrebleu 2.x (`sacrebleu/metrics/chrf.py`) with its
// defaults: character n-grams up to 6 with whitespace removed, word order 0 (2 gives chrF++),
// beta 2, effective-order averaging (eps smoothing off). Multi-reference keeps, per segment, the
// statistics of the reference with the best segment F-score.
import { codePoints, pySplit } from './text.js';
import { SegmentStatsSum } from './corpus.js';

export interface ChrfOptions {
  charOrder?: number;
  wordOrder?: number;
  beta?: number;
  lowercase?: boolean;
  whitespace?: boolean;
  epsSmoothing?: boolean;
}

const PUNCTS = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

type Counter = Map<string, number>;

function countNgrams(items: readonly string[], n: number, join: string): Counter {
  const out: Counter = new Map();
  for (let i = 0; i + n <= items.length; i++) {
    const key = items.slice(i, i + n).join(join);
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export class ChrfScorer {
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  readonly lowercase: boolean;
  readonly whitespace: boolean;
  readonly epsSmoothing: boolean;

  constructor(opts: ChrfOptions = {}) {
    this.charOrder = opts.charOrder ?? 6;
    this.wordOrder = opts.wordOrder ?? 0;
    this.beta = opts.beta ?? 2;
    this.lowercase = opts.lowercase ?? false;
    this.whitespace = opts.whitespace ?? false;
    this.epsSmoothing = opts.epsSmoothing ?? false;
  }

  get order(): number {
    return this.charOrder + this.wordOrder;
  }

  /** sacrebleu's _remove_punctuation: split one punctuation mark off a word's end (or start). */
  private words(sentence: string): string[] {
    const out: string[] = [];
    for (const w of pySplit(sentence)) {
      const cps = codePoints(w);
      if (cps.length === 1) out.push(w);
      else if (PUNCTS.has(cps[cps.length - 1])) out.push(cps.slice(0, -1).join(''), cps[cps.length - 1]);
      else if (PUNCTS.has(cps[0])) out.push(cps[0], cps.slice(1).join(''));
      else out.push(w);
    }
    return out;
  }

  private ngrams(sentence: string): Counter[] {
    if (this.lowercase) sentence = sentence.toLowerCase();
    const line = this.whitespace ? sentence : pySplit(sentence).join('');
    const chars = codePoints(line);
    const all: Counter[] = [];
    for (let n = 1; n <= this.charOrder; n++) all.push(countNgrams(chars, n, ''));
    if (this.wordOrder > 0) {
      const words = this.words(sentence);
      for (let n = 1; n <= this.wordOrder; n++) all.push(countNgrams(words, n, ' '));
    }
    return all;
  }

  /** sacrebleu's _compute_f_score on flattened [hyp, ref, match] triples, in 0..100. */
  fScore(stats: readonly number[]): number {
    const eps = 1e-16;
    let score = 0.0;
    let effectiveOrder = 0;
    const factor = this.beta ** 2;
    let avgPrec = 0.0;
    let avgRec = 0.0;
    for (let i = 0; i < this.order; i++) {
      const nHyp = stats[3 * i];
      const nRef = stats[3 * i + 1];
      const nMatch = stats[3 * i + 2];
      const prec = nHyp > 0 ? nMatch / nHyp : eps;
      const rec = nRef > 0 ? nMatch / nRef : eps;
      const denom = factor * prec + rec;
      score += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec;
        avgRec += rec;
        effectiveOrder += 1;
      }
    }
    if (this.epsSmoothing) return (100 * score) / this.order;
    if (effectiveOrder === 0) {
      avgPrec = avgRec = 0.0;
    } else {
      avgPrec /= effectiveOrder;
      avgRec /= effectiveOrder;
    }
    if (avgPrec + avgRec) {
      score = (1 + factor) * avgPrec * avgRec;
      score /= factor * avgPrec + avgRec;
      return 100 * score;
    }
    return 0.0;
  }

  /** Statistics of one segment against the best of its references. */
  segmentStats(hypothesis: string, refs: readonly string[]): number[] {
    const hyp = this.ngrams(hypothesis);
    let best: number[] = [];
    let bestF = -1.0;
    for (const ref of refs) {
      const r = this.ngrams(ref);
      const stats: number[] = [];
      for (let k = 0; k < hyp.length; k++) {
        const h = hyp[k];
        const rc = r[k];
        let match = 0;
        let hypCount = 0;
        for (const [ng, c] of h) {
          hypCount += c;
          const rv = rc.get(ng);
          if (rv !== undefined) match += Math.min(c, rv);
        }
        let refCount = 0;
        for (const c of rc.values()) refCount += c;
        // No hypothesis credit when the reference has no n-grams of this order.
        stats.push(rc.size > 0 ? hypCount : 0, refCount, match);
      }
      const f = this.fScore(stats);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    return best;
  }

  signature(nrefs: number | 'var', version: string): string {
    return [
      `nrefs:${nrefs}`,
      `case:${this.lowercase ? 'lc' : 'mixed'}`,
      `eff:${this.epsSmoothing ? 'no' : 'yes'}`,
      `nc:${this.charOrder}`,
      `nw:${this.wordOrder}`,
      `space:${this.whitespace ? 'yes' : 'no'}`,
      `version:${version}`,
    ].join('|');
  }

  /** "chrF2" or "chrF2++" as sacrebleu names the score. */
  get name(): string {
    return `chrF${this.beta}` + '+'.repeat(this.wordOrder);
  }
}

/** Running corpus chrF: statistics are summed, the F-score is taken once at the end. */
export class CorpusChrf {
  private readonly sum: SegmentStatsSum;

  constructor(readonly scorer: ChrfScorer) {
    this.sum = new SegmentStatsSum(3 * scorer.order);
  }

  get stats(): readonly number[] {
    return this.sum.stats;
  }

  get segments(): number {
    return this.sum.segments;
  }

  add(hypothesis: string, refs: readonly string[]): number[] {
    const s = this.scorer.segmentStats(hypothesis, refs);
    this.sum.add(s, refs.length);
    return s;
  }

  get nrefs(): number | 'var' {
    return this.sum.nrefs;
  }

  score(): number {
    if (this.sum.segments === 0) return 0;
    return this.scorer.fScore(this.sum.stats);
  }
}
