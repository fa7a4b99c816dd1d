// ROUGE-N, ROUGE-L and ROUGE-Lsum exactly as Google's rouge-score 0.1.2 (`rouge_scorer.py`):
// clipped n-gram overlap, LCS over whole texts, and for Lsum the summary-level "union LCS" over
// newline-separated sentences with ROUGE-1.5.5's guard against counting a token twice.
// score(target, prediction) — the reference comes first, as in rouge-score.
import { rougeTokenizer, type RougeTokenizerName } from './tokenize.js';

export const ROUGE_TYPES = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const;
export type RougeType = string; // rouge1..rouge9, rougeL, rougeLsum

export interface Score {
  precision: number;
  recall: number;
  fmeasure: number;
}

export function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0.0;
}

const ZERO: Score = Object.freeze({ precision: 0, recall: 0, fmeasure: 0 });

export function isRougeType(t: string): boolean {
  return t === 'rougeL' || t === 'rougeLsum' || /^rouge[1-9]$/.test(t);
}

/** Maps tokens to small integers (1, 2, …) so n-grams and LCS work on numbers, not strings. */
class Interner {
  private readonly ids = new Map<string, number>();
  get size(): number {
    return this.ids.size;
  }
  ids_of(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = this.ids.get(tokens[i]);
      if (id === undefined) {
        id = this.ids.size + 1;
        this.ids.set(tokens[i], id);
      }
      out[i] = id;
    }
    return out;
  }
}

/** Sorted numeric keys of the n-grams: ids in base `base` (exact while base^n < 2^53). */
function sortedKeys(seq: Int32Array, n: number, base: number): Float64Array {
  const m = seq.length - n + 1;
  if (m <= 0) return new Float64Array(0);
  const keys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let k = seq[i];
    for (let j = 1; j < n; j++) k = k * base + seq[i + j];
    keys[i] = k;
  }
  return keys.sort();
}

/** Sum over n-grams of min(count in a, count in b), by merging sorted keys. */
function overlap(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
}

function ngramCounts(tokens: ArrayLike<number>, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = Array.prototype.slice.call(tokens, i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N from token ids (`base` exceeds every id). */
function scoreNgramIds(target: Int32Array, prediction: Int32Array, n: number, base: number): Score {
  let hits: number;
  if (base ** n < 2 ** 53) hits = overlap(sortedKeys(target, n, base), sortedKeys(prediction, n, base));
  else {
    const t = ngramCounts(target, n);
    const p = ngramCounts(prediction, n);
    hits = 0;
    for (const [g, c] of t) hits += Math.min(c, p.get(g) ?? 0);
  }
  const targetCount = Math.max(0, target.length - n + 1);
  const predictionCount = Math.max(0, prediction.length - n + 1);
  const precision = hits / Math.max(predictionCount, 1);
  const recall = hits / Math.max(targetCount, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** rouge-score's _score_ngrams on token lists. */
export function scoreNgrams(target: readonly string[], prediction: readonly string[], n: number): Score {
  const interner = new Interner();
  const t = interner.ids_of(target);
  const p = interner.ids_of(prediction);
  return scoreNgramIds(t, p, n, interner.size + 1);
}

/** Length of the longest common subsequence, two rolling rows. */
function lcsLength(a: Int32Array, b: Int32Array): number {
  const cols = b.length;
  let prev = new Int32Array(cols + 1);
  let cur = new Int32Array(cols + 1);
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= cols; j++) {
      if (ai === b[j - 1]) cur[j] = prev[j - 1] + 1;
      else cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[cols];
}

export function scoreLcs(target: readonly string[], prediction: readonly string[]): Score {
  const interner = new Interner();
  return scoreLcsIds(interner.ids_of(target), interner.ids_of(prediction));
}

function scoreLcsIds(target: Int32Array, prediction: Int32Array): Score {
  if (target.length === 0 || prediction.length === 0) return { ...ZERO };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/**
 * Indices into `ref` of one LCS with `can`, read back exactly as rouge-score's
 * _backtrack_norec does (on ties it moves up in the reference, which decides which LCS is taken).
 */
function lcsIndices(ref: Int32Array, can: Int32Array): number[] {
  const rows = ref.length;
  const cols = can.length;
  const w = cols + 1;
  const t = new Int32Array((rows + 1) * w);
  for (let i = 1; i <= rows; i++) {
    for (let j = 1; j <= cols; j++) {
      if (ref[i - 1] === can[j - 1]) t[i * w + j] = t[(i - 1) * w + j - 1] + 1;
      else {
        const up = t[(i - 1) * w + j];
        const left = t[i * w + j - 1];
        t[i * w + j] = up > left ? up : left;
      }
    }
  }
  const out: number[] = [];
  let i = rows;
  let j = cols;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * w + j - 1] > t[(i - 1) * w + j]) j--;
    else i--;
  }
  return out.reverse();
}

export function scoreSummaryLcs(refSents: readonly string[][], canSents: readonly string[][]): Score {
  if (refSents.length === 0 || canSents.length === 0) return { ...ZERO };
  let m = 0;
  let n = 0;
  for (const s of refSents) m += s.length;
  for (const s of canSents) n += s.length;
  if (n === 0 || m === 0) return { ...ZERO };
  const interner = new Interner();
  const refIds = refSents.map((s) => interner.ids_of(s));
  const canIds = canSents.map((s) => interner.ids_of(s));
  // Token budgets so that a token is credited at most as often as it occurs on both sides.
  const cntR = new Map<number, number>();
  const cntC = new Map<number, number>();
  for (const s of refIds) for (const t of s) cntR.set(t, (cntR.get(t) ?? 0) + 1);
  for (const s of canIds) for (const t of s) cntC.set(t, (cntC.get(t) ?? 0) + 1);
  let hits = 0;
  for (const r of refIds) {
    const union = new Set<number>();
    for (const c of canIds) for (const idx of lcsIndices(r, c)) union.add(idx);
    const sorted = [...union].sort((a, b) => a - b);
    for (const idx of sorted) {
      const tok = r[idx];
      const c = cntC.get(tok) ?? 0;
      const rr = cntR.get(tok) ?? 0;
      if (c > 0 && rr > 0) {
        hits++;
        cntC.set(tok, c - 1);
        cntR.set(tok, rr - 1);
      }
    }
  }
  const recall = hits / m;
  const precision = hits / n;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

export interface RougeOptions {
  types?: readonly string[];
  stem?: boolean;
  tokenizer?: RougeTokenizerName;
}

export type RougeResult = Record<string, Score>;

export class RougeScorer {
  readonly types: readonly string[];
  readonly stem: boolean;
  readonly tokenizerName: RougeTokenizerName;
  private readonly tokenize: (text: string, stem: boolean) => string[];

  constructor(opts: RougeOptions = {}) {
    this.types = opts.types ?? ROUGE_TYPES;
    for (const t of this.types) if (!isRougeType(t)) throw new Error(`invalid rouge type: ${t}`);
    this.stem = opts.stem ?? false;
    this.tokenizerName = opts.tokenizer ?? 'rouge-score';
    this.tokenize = rougeTokenizer(this.tokenizerName);
  }

  tokens(text: string): string[] {
    return this.tokenize(text, this.stem);
  }

  /** rouge-score's score(target, prediction). */
  score(target: string, prediction: string): RougeResult {
    const needWhole = this.types.some((t) => t !== 'rougeLsum');
    const interner = new Interner();
    const tt = interner.ids_of(needWhole ? this.tokens(target) : []);
    const pt = interner.ids_of(needWhole ? this.tokens(prediction) : []);
    const base = interner.size + 1;
    const out: RougeResult = {};
    for (const type of this.types) {
      if (type === 'rougeL') out[type] = scoreLcsIds(tt, pt);
      else if (type === 'rougeLsum') {
        // Sentences are the non-empty newline-separated pieces.
        const sents = (text: string) =>
          text
            .split('\n')
            .filter((s) => s.length > 0)
            .map((s) => this.tokens(s));
        out[type] = scoreSummaryLcs(sents(target), sents(prediction));
      } else out[type] = scoreNgramIds(tt, pt, Number(type.slice(5)), base);
    }
    return out;
  }

  /** rouge-score's score_multi: per type, the reference with the highest F (first on ties). */
  scoreMulti(targets: readonly string[], prediction: string): RougeResult {
    if (targets.length === 0) throw new Error('score_multi needs at least one reference');
    const all = targets.map((t) => this.score(t, prediction));
    const out: RougeResult = {};
    for (const type of this.types) {
      let best = 0;
      for (let k = 1; k < all.length; k++) if (all[k][type].fmeasure > all[best][type].fmeasure) best = k;
      out[type] = all[best][type];
    }
    return out;
  }
}

/** Running means of precision/recall/F per type (summed in input order, then divided). */
export class RougeMean {
  private readonly sums = new Map<string, [number, number, number]>();
  count = 0;
  constructor(readonly types: readonly string[]) {
    for (const t of types) this.sums.set(t, [0, 0, 0]);
  }
  add(result: RougeResult): void {
    for (const t of this.types) {
      const s = this.sums.get(t)!;
      const r = result[t];
      s[0] += r.precision;
      s[1] += r.recall;
      s[2] += r.fmeasure;
    }
    this.count++;
  }
  mean(): RougeResult {
    const out: RougeResult = {};
    for (const t of this.types) {
      const [p, r, f] = this.sums.get(t)!;
      const n = this.count || 1;
      out[t] = { precision: this.count ? p / n : 0, recall: this.count ? r / n : 0, fmeasure: this.count ? f / n : 0 };
    }
    return out;
  }
}
