// BLEU exactly as sacrebleu 2.x computes it (`sacrebleu/metrics/bleu.py`): per-segment
// sufficient statistics (hypothesis length, closest reference length, matched and total
// n-gram counts for n = 1..4) are summed over the corpus, then combined once with the chosen
// smoothing. Sentence BLEU is the same computation on one segment, with effective order.
import { exp, log } from './crmath.js';
import { NgramMatcher } from './ngram-table.js';
import { pyRstrip } from './text.js';
import { bleuTokens, type BleuTokenizerName } from './tokenizers.js';
import { SegmentStatsSum } from './corpus.js';
import { IdSeq, TokenInterner, ids13a, idsOf } from './token-ids.js';

export const MAX_NGRAM_ORDER = 4;
export const SMOOTH_METHODS = ['exp', 'floor', 'add-k', 'none'] as const;
export type SmoothMethod = (typeof SMOOTH_METHODS)[number];
/** sacrebleu's SMOOTH_DEFAULTS (Chen & Cherry 2014): floor 0.1, add-k 1; exp and none take no value. */
export const SMOOTH_DEFAULTS: Record<SmoothMethod, number | null> = { none: null, floor: 0.1, 'add-k': 1, exp: null };

export interface BleuOptions {
  tokenize?: BleuTokenizerName;
  lowercase?: boolean;
  smooth?: SmoothMethod;
  /** null/undefined: the method's default. */
  smoothValue?: number | null;
  /** Stop at the highest n-gram order the hypothesis has (sentence BLEU). */
  effectiveOrder?: boolean;
}

export interface BleuScore {
  score: number;
  counts: number[];
  totals: number[];
  precisions: number[];
  bp: number;
  sys_len: number;
  ref_len: number;
}

/** Summed statistics: [sys_len, ref_len, correct_1..4, total_1..4], like sacrebleu's stats rows. */
export type BleuStats = number[];

/** sacrebleu's my_log: log with log(0) floored to a huge negative number. */
function myLog(x: number): number {
  if (x === 0) return -9999999999;
  let v = logCache.get(x);
  if (v === undefined) {
    v = log(x);
    if (logCache.size > 4096) logCache.clear();
    logCache.set(x, v);
  }
  return v;
}
// Sentence-level precisions repeat a lot (100, 50, 33.3…): memoise the correctly rounded log.
const logCache = new Map<number, number>();

/**
 * sacrebleu's BLEU.compute_bleu: the score from summed statistics. `correct`/`total` are copied
 * before add-k smoothing alters them; the returned counts/totals include that smoothing, as
 * sacrebleu reports them.
 */
export function computeBleu(
  correctIn: readonly number[],
  totalIn: readonly number[],
  sysLen: number,
  refLen: number,
  smooth: SmoothMethod = 'none',
  smoothValueIn: number | null = null,
  effectiveOrder = false,
  maxOrder = MAX_NGRAM_ORDER,
): BleuScore {
  const correct = [...correctIn];
  const total = [...totalIn];
  const smoothValue = smoothValueIn ?? SMOOTH_DEFAULTS[smooth] ?? 0;
  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? exp(1 - refLen / sysLen) : 0.0;
  const precisions = new Array<number>(maxOrder).fill(0);
  // No matches at all: BLEU is 0 (sacrebleu issue #141).
  if (!correct.some((c) => c !== 0)) {
    return { score: 0.0, counts: correct, totals: total, precisions, bp, sys_len: sysLen, ref_len: refLen };
  }
  let smoothMteval = 1.0;
  let effOrder = maxOrder;
  for (let n = 1; n <= precisions.length; n++) {
    if (smooth === 'add-k' && n > 1) {
      correct[n - 1] += smoothValue;
      total[n - 1] += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (smooth === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]);
      } else if (smooth === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]) / total[n - 1];
    }
  }
  let logSum = 0;
  for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]);
  const score = bp * exp(logSum / effOrder);
  return { score, counts: correct, totals: total, precisions, bp, sys_len: sysLen, ref_len: refLen };
}

/** sacrebleu's _get_closest_ref_len: nearest length, ties to the shorter reference. */
function closestRefLen(hypLen: number, refs: readonly { length: number }[]): number {
  let closestDiff = -1;
  let closestLen = -1;
  for (const { length: refLen } of refs) {
    const diff = Math.abs(hypLen - refLen);
    if (closestDiff === -1 || diff < closestDiff) {
      closestDiff = diff;
      closestLen = refLen;
    } else if (diff === closestDiff && refLen < closestLen) {
      closestLen = refLen;
    }
  }
  return closestLen;
}

/** Scores BLEU segment by segment; keeps only the running sums (a million pairs fit). */
export class BleuScorer {
  readonly tokenize: BleuTokenizerName;
  readonly lowercase: boolean;
  readonly smooth: SmoothMethod;
  readonly smoothValue: number | null;
  readonly effectiveOrder: boolean;
  private readonly tok: (line: string) => string[];
  private readonly matcher = new NgramMatcher();
  private readonly interner = new TokenInterner();
  private readonly hypIds = new IdSeq();
  private readonly refIds: IdSeq[] = [];
  private readonly correct = [0, 0, 0, 0];

  constructor(opts: BleuOptions = {}) {
    this.tokenize = opts.tokenize ?? '13a';
    this.lowercase = opts.lowercase ?? false;
    this.smooth = opts.smooth ?? 'exp';
    this.smoothValue = opts.smoothValue ?? null;
    this.effectiveOrder = opts.effectiveOrder ?? false;
    this.tok = bleuTokens(this.tokenize);
  }

  /** sacrebleu's _preprocess_segment: optional lowercase, then tokenize the right-stripped line. */
  preprocess(sentence: string): string[] {
    if (this.lowercase) sentence = sentence.toLowerCase();
    return this.tok(pyRstrip(sentence));
  }

  /** Token ids of a segment (what n-gram counting compares), written to `out`. */
  private segmentIds(sentence: string, out: IdSeq): void {
    if (this.tokenize === '13a') {
      if (this.lowercase) sentence = sentence.toLowerCase();
      ids13a(pyRstrip(sentence), this.interner, out);
    } else {
      idsOf(this.preprocess(sentence), this.interner, out);
    }
  }

  /** [hyp_len, ref_len, correct_1..4, total_1..4] for one segment. */
  segmentStats(hypothesis: string, refs: readonly string[]): BleuStats {
    this.interner.resetIfFull();
    this.segmentIds(hypothesis, this.hypIds);
    while (this.refIds.length < refs.length) this.refIds.push(new IdSeq());
    const refIds = refs.length === this.refIds.length ? this.refIds : this.refIds.slice(0, refs.length);
    for (let k = 0; k < refs.length; k++) this.segmentIds(refs[k], refIds[k]);
    const hypLen = this.hypIds.length;
    const stats = new Array<number>(2 + 2 * MAX_NGRAM_ORDER).fill(0);
    stats[0] = hypLen;
    stats[1] = closestRefLen(hypLen, refIds);
    const correct = this.correct;
    this.matcher.match(this.hypIds, refIds, correct);
    for (let n = 0; n < MAX_NGRAM_ORDER; n++) {
      stats[2 + n] = correct[n];
      stats[2 + MAX_NGRAM_ORDER + n] = Math.max(0, hypLen - n);
    }
    return stats;
  }

  scoreFromStats(stats: readonly number[]): BleuScore {
    return computeBleu(
      stats.slice(2, 2 + MAX_NGRAM_ORDER),
      stats.slice(2 + MAX_NGRAM_ORDER),
      stats[0],
      stats[1],
      this.smooth,
      this.smoothValue,
      this.effectiveOrder,
    );
  }

  /** Sentence BLEU of one hypothesis against its references. */
  sentence(hypothesis: string, refs: readonly string[]): BleuScore {
    return this.scoreFromStats(this.segmentStats(hypothesis, refs));
  }

  /** sacrebleu's signature (`nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:…`). */
  signature(nrefs: number | 'var', version: string): string {
    let smooth: string = this.smooth;
    const def = SMOOTH_DEFAULTS[this.smooth];
    if (def !== null) smooth += `[${(this.smoothValue ?? def).toFixed(2)}]`;
    const parts = [
      `nrefs:${nrefs}`,
      `case:${this.lowercase ? 'lc' : 'mixed'}`,
      `eff:${this.effectiveOrder ? 'yes' : 'no'}`,
      `tok:${this.tokenize}`,
      `smooth:${smooth}`,
      `version:${version}`,
    ];
    return parts.join('|');
  }
}

/** Running corpus statistics: add segments one at a time, read the score at the end. */
export class CorpusBleu {
  private readonly sum = new SegmentStatsSum(2 + 2 * MAX_NGRAM_ORDER);

  constructor(readonly scorer: BleuScorer) {}

  get stats(): readonly number[] {
    return this.sum.stats;
  }

  get segments(): number {
    return this.sum.segments;
  }

  add(hypothesis: string, refs: readonly string[]): BleuStats {
    const s = this.scorer.segmentStats(hypothesis, refs);
    this.sum.add(s, refs.length);
    return s;
  }

  /** Number of references per segment for the signature ("var" when it varies). */
  get nrefs(): number | 'var' {
    return this.sum.nrefs;
  }

  score(): BleuScore {
    return this.scorer.scoreFromStats(this.sum.stats);
  }
}

/** Convenience: corpus BLEU of parallel lists (`refs[k][i]` is reference k of segment i). */
export function corpusBleu(hyps: readonly string[], refs: readonly (readonly string[])[], opts: BleuOptions = {}): BleuScore {
  const corpus = new CorpusBleu(new BleuScorer(opts));
  hyps.forEach((h, i) =>
    corpus.add(
      h,
      refs.map((r) => r[i]),
    ),
  );
  return corpus.score();
}

/** Convenience: sentence BLEU with effective order (sacrebleu's recommended setting). */
export function sentenceBleu(hyp: string, refs: readonly string[], opts: BleuOptions = {}): BleuScore {
  return new BleuScorer({ effectiveOrder: true, ...opts }).sentence(hyp, refs);
}
