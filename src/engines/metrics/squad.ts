// Exact match and token-level F1 as the SQuAD v1.1 evaluation script defines them: answers are
// normalised (lowercase, ASCII punctuation removed, the articles a/an/the removed, whitespace
// collapsed) and, with several gold answers, the best score over them counts.
import { pySplit } from './text.js';

const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
// Python's \b with str patterns is Unicode-aware: a "word" character is a letter, digit or '_'.
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

export function normalizeAnswer(s: string): string {
  let lower = s.toLowerCase();
  let noPunct = '';
  for (const ch of lower) if (!PUNCTUATION.has(ch)) noPunct += ch;
  lower = noPunct.replace(ARTICLES, ' ');
  return pySplit(lower).join(' ');
}

export function exactMatch(prediction: string, gold: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(gold) ? 1 : 0;
}

export function tokenF1(prediction: string, gold: string): number {
  const p = pySplit(normalizeAnswer(prediction));
  const g = pySplit(normalizeAnswer(gold));
  // SQuAD 2.0 convention: when either side is empty, F1 is 1 only if both are.
  if (p.length === 0 || g.length === 0) return p.length === g.length ? 1 : 0;
  const goldCounts = new Map<string, number>();
  for (const t of g) goldCounts.set(t, (goldCounts.get(t) ?? 0) + 1);
  let same = 0;
  for (const t of p) {
    const c = goldCounts.get(t) ?? 0;
    if (c > 0) {
      same++;
      goldCounts.set(t, c - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / p.length;
  const recall = same / g.length;
  return (2 * precision * recall) / (precision + recall);
}

export interface QaPairScore {
  exact_match: number;
  f1: number;
}

export function scoreQa(prediction: string, golds: readonly string[]): QaPairScore {
  let em = 0;
  let f1 = 0;
  for (const g of golds) {
    em = Math.max(em, exactMatch(prediction, g));
    f1 = Math.max(f1, tokenF1(prediction, g));
  }
  return { exact_match: em, f1 };
}

/** Running totals; the summary is reported in percent, as the SQuAD script does. */
export class QaMean {
  private em = 0;
  private f1 = 0;
  count = 0;
  add(s: QaPairScore): void {
    this.em += s.exact_match;
    this.f1 += s.f1;
    this.count++;
  }
  summary(): { exact_match: number; f1: number; count: number } {
    const n = this.count || 1;
    return { exact_match: (100 * this.em) / n, f1: (100 * this.f1) / n, count: this.count };
  }
}
