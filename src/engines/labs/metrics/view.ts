// Pure helpers behind the metrics lab screen: per-item rows sortable by score, matched n-grams
// between an output and its reference, the brevity-penalty walk-through and the learner's own files.
import { readFileSync } from 'node:fs';
import { BleuScorer, type BleuScore } from '../../metrics/bleu.js';
import { ChrfScorer } from '../../metrics/chrf.js';
import { RougeScorer } from '../../metrics/rouge/score.js';
import type { ScoredItem, SystemName } from './data.js';
import { gradeOwnScores, type OwnScorerReport } from './own-scorer.js';

export const SORTS = ['id', 'bleu-base', 'bleu-finetuned', 'rougeL-gain'] as const;
export type SortKey = (typeof SORTS)[number];

export function sortItems(items: readonly ScoredItem[], key: SortKey): ScoredItem[] {
  const by: Record<SortKey, (x: ScoredItem) => number | string> = {
    id: (x) => x.id,
    'bleu-base': (x) => -x.scores.base.bleu.score,
    'bleu-finetuned': (x) => -x.scores.finetuned.bleu.score,
    'rougeL-gain': (x) => -(x.scores.finetuned.rouge.rougeL.fmeasure - x.scores.base.rouge.rougeL.fmeasure),
  };
  const f = by[key];
  return [...items].sort((a, b) => {
    const va = f(a);
    const vb = f(b);
    return va < vb ? -1 : va > vb ? 1 : a.id < b.id ? -1 : 1;
  });
}

const tokenizer = new BleuScorer({ effectiveOrder: true });

export interface MarkedToken {
  text: string;
  /** Part of at least one clipped-matched n-gram of the chosen order. */
  matched: boolean;
}

/**
 * Output tokens (13a) marked where an n-gram of order n matches the reference, with clipping: an
 * n-gram is credited at most as often as it occurs in the reference, earliest occurrences first.
 */
export function markMatches(hypothesis: string, reference: string, n: number): { hyp: MarkedToken[]; ref: MarkedToken[]; matched: number; total: number } {
  const h = tokenizer.preprocess(hypothesis);
  const r = tokenizer.preprocess(reference);
  const budget = new Map<string, number>();
  for (let i = 0; i + n <= r.length; i++) {
    const k = r.slice(i, i + n).join(' ');
    budget.set(k, (budget.get(k) ?? 0) + 1);
  }
  const refGrams = new Set(budget.keys());
  const hypMark = new Array<boolean>(h.length).fill(false);
  let matched = 0;
  for (let i = 0; i + n <= h.length; i++) {
    const k = h.slice(i, i + n).join(' ');
    const left = budget.get(k) ?? 0;
    if (left > 0) {
      budget.set(k, left - 1);
      matched++;
      for (let j = i; j < i + n; j++) hypMark[j] = true;
    }
  }
  const refMark = new Array<boolean>(r.length).fill(false);
  const hypGrams = new Set<string>();
  for (let i = 0; i + n <= h.length; i++) hypGrams.add(h.slice(i, i + n).join(' '));
  for (let i = 0; i + n <= r.length; i++) {
    const k = r.slice(i, i + n).join(' ');
    if (hypGrams.has(k) && refGrams.has(k)) for (let j = i; j < i + n; j++) refMark[j] = true;
  }
  return {
    hyp: h.map((text, i) => ({ text, matched: hypMark[i] })),
    ref: r.map((text, i) => ({ text, matched: refMark[i] })),
    matched,
    total: Math.max(0, h.length - n + 1),
  };
}

export interface BrevityWalkthrough {
  item: ScoredItem;
  system: SystemName;
  score: BleuScore;
  lines: string[];
}

/** The output with the harshest brevity penalty in a set, explained step by step. */
export function brevityWalkthrough(items: readonly ScoredItem[]): BrevityWalkthrough | undefined {
  let best: { item: ScoredItem; system: SystemName; score: BleuScore } | undefined;
  for (const item of items) {
    for (const system of ['base', 'finetuned'] as SystemName[]) {
      const s = item.scores[system].bleu;
      if (s.sys_len > 0 && s.bp < 1 && (!best || s.bp < best.score.bp)) best = { item, system, score: s };
    }
  }
  if (!best) return undefined;
  const s = best.score;
  const lines = [
    `output (${best.system}): ${best.item[best.system]}`,
    `reference:      ${best.item.reference}`,
    '',
    `1. lengths in 13a tokens: c = ${s.sys_len} (output), r = ${s.ref_len} (reference)`,
    ...s.counts.map((c, i) =>
      s.totals[i] > 0
        ? `2.${i + 1} ${i + 1}-grams: ${c} of ${s.totals[i]} match (clipped) -> p${i + 1} = ${s.precisions[i].toFixed(2)} %${c === 0 ? ' (exp smoothing)' : ''}`
        : `2.${i + 1} ${i + 1}-grams: the output has none (effective order stops here)`,
    ),
  ];
  const used = s.totals.filter((t) => t > 0).length;
  const geo = s.bp > 0 ? s.score / s.bp : 0;
  lines.push(
    `3. geometric mean of the ${used} precisions = ${geo.toFixed(2)}`,
    `4. BP = exp(1 - r/c) = exp(1 - ${s.ref_len}/${s.sys_len}) = ${s.bp.toFixed(4)}`,
    `5. BLEU = BP x geometric mean = ${s.bp.toFixed(4)} x ${geo.toFixed(2)} = ${s.score.toFixed(2)}`,
    '',
    'Precision alone would reward this short output; the brevity penalty is what pulls it down.',
  );
  return { ...best, lines };
}

export const PARAPHRASE_IDS = ['tr-28', 'tr-20', 'tr-09'];

export const BERTSCORE_NOTE = [
  'n-gram metrics only credit exact token matches, so a faithful paraphrase ("with no sugar" for',
  '"without sugar") scores low. BERTScore embeds every token of both texts with a pretrained',
  'model, matches each token to its most similar token on the other side by cosine similarity,',
  'and averages those similarities into precision, recall and F1: synonyms and reworded phrases',
  'then count. The costs: a model to download and run, slower scoring, and numbers that depend on',
  'the model and layer, which must be reported with the score.',
];

export type OwnFileResult =
  | { kind: 'scores'; report: OwnScorerReport }
  | { kind: 'pairs'; count: number; bleu: number; rougeL: number; chrf: number; rows: { bleu: number; rougeL: number; prediction: string }[] }
  | { kind: 'error'; message: string };

/**
 * Loads a file of the learner's: a scores file (lines with "system") is graded against ftlab's
 * numbers for the translation set; a pairs file ({"prediction","reference"}) is scored.
 */
export function loadOwnFile(labDir: string, path: string): OwnFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { kind: 'error', message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}` };
  }
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length === 0) return { kind: 'error', message: `${path} is empty` };
  let first: Record<string, unknown>;
  try {
    first = JSON.parse(lines[0]);
  } catch (err) {
    return { kind: 'error', message: `${path}:1: invalid JSON: ${(err as Error).message}` };
  }
  if ('system' in first) return { kind: 'scores', report: gradeOwnScores(labDir, 'translation', path) };
  const bleu = new BleuScorer({ effectiveOrder: true });
  const rouge = new RougeScorer({ types: ['rougeL'] });
  const chrf = new ChrfScorer();
  const rows: { bleu: number; rougeL: number; prediction: string }[] = [];
  let sums = [0, 0, 0];
  for (let i = 0; i < lines.length; i++) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(lines[i]);
    } catch (err) {
      return { kind: 'error', message: `${path}:${i + 1}: invalid JSON: ${(err as Error).message}` };
    }
    const refs = typeof o.reference === 'string' ? [o.reference] : Array.isArray(o.references) ? (o.references as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    if (typeof o.prediction !== 'string' || refs.length === 0) {
      return { kind: 'error', message: `${path}:${i + 1}: expected {"prediction": str, "reference": str} (or a scores line with "system")` };
    }
    const b = bleu.sentence(o.prediction, refs).score;
    const rl = rouge.scoreMulti(refs, o.prediction).rougeL.fmeasure;
    const c = chrf.fScore(chrf.segmentStats(o.prediction, refs));
    sums = [sums[0] + b, sums[1] + rl, sums[2] + c];
    rows.push({ bleu: b, rougeL: rl, prediction: o.prediction });
  }
  const n = rows.length;
  return { kind: 'pairs', count: n, bleu: sums[0] / n, rougeL: sums[1] / n, chrf: sums[2] / n, rows };
}
