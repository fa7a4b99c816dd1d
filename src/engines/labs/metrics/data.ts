// The metrics lab's sample data: labs/metrics/data/<set>.jsonl, one item per line with a reference
// and the outputs of two systems ("base" and "finetuned"), and the per-item scores ftlab computes
// for them (sentence BLEU as sacrebleu's sentence_bleu, ROUGE as rouge-score, chrF).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BleuScorer, CorpusBleu, type BleuScore } from '../../metrics/bleu.js';
import { ChrfScorer } from '../../metrics/chrf.js';
import { RougeScorer, type RougeResult } from '../../metrics/rouge/score.js';

export const SETS = ['summarisation', 'translation'] as const;
export type SetName = (typeof SETS)[number];
export const SYSTEMS = ['base', 'finetuned'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface LabItem {
  id: string;
  /** The text being summarised or translated. */
  source: string;
  reference: string;
  base: string;
  finetuned: string;
}

export function isSetName(s: unknown): s is SetName {
  return typeof s === 'string' && (SETS as readonly string[]).includes(s);
}

export function loadSet(labDir: string, set: SetName): LabItem[] {
  const path = join(labDir, 'data', `${set}.jsonl`);
  const items: LabItem[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line);
      } catch (err) {
        throw new Error(`${path}:${i + 1}: invalid JSON: ${(err as Error).message}`);
      }
      const source = o.document ?? o.source;
      for (const [k, v] of Object.entries({ id: o.id, source, reference: o.reference, base: o.base, finetuned: o.finetuned })) {
        if (typeof v !== 'string') throw new Error(`${path}:${i + 1}: "${k === 'source' ? 'source/document' : k}" must be a string`);
      }
      items.push({ id: o.id as string, source: source as string, reference: o.reference as string, base: o.base as string, finetuned: o.finetuned as string });
    });
  return items;
}

export interface ItemScores {
  bleu: BleuScore;
  rouge: RougeResult;
  chrf: number;
}

export interface ScoredItem extends LabItem {
  scores: Record<SystemName, ItemScores>;
}

export interface SystemSummary {
  /** Corpus BLEU (statistics summed over items). */
  corpusBleu: BleuScore;
  /** Means over items. */
  bleu: number;
  rouge1: number;
  rouge2: number;
  rougeL: number;
  chrf: number;
}

export const ROUGE_TYPES = ['rouge1', 'rouge2', 'rougeL'] as const;

/** Scorers with the settings the lab teaches: sacrebleu's sentence_bleu defaults, rouge-score defaults. */
export function labScorers() {
  return {
    sentenceBleu: new BleuScorer({ effectiveOrder: true }),
    corpusBleu: new BleuScorer(),
    rouge: new RougeScorer({ types: [...ROUGE_TYPES] }),
    chrf: new ChrfScorer(),
  };
}

export function scoreSet(items: readonly LabItem[]): { items: ScoredItem[]; systems: Record<SystemName, SystemSummary> } {
  const s = labScorers();
  const scored: ScoredItem[] = items.map((it) => {
    const per = {} as Record<SystemName, ItemScores>;
    for (const sys of SYSTEMS) {
      per[sys] = {
        bleu: s.sentenceBleu.sentence(it[sys], [it.reference]),
        rouge: s.rouge.score(it.reference, it[sys]),
        chrf: s.chrf.fScore(s.chrf.segmentStats(it[sys], [it.reference])),
      };
    }
    return { ...it, scores: per };
  });
  const systems = {} as Record<SystemName, SystemSummary>;
  for (const sys of SYSTEMS) {
    const corpus = new CorpusBleu(s.corpusBleu);
    items.forEach((it) => corpus.add(it[sys], [it.reference]));
    const mean = (f: (x: ItemScores) => number) => scored.reduce((a, it) => a + f(it.scores[sys]), 0) / Math.max(1, scored.length);
    systems[sys] = {
      corpusBleu: corpus.score(),
      bleu: mean((x) => x.bleu.score),
      rouge1: mean((x) => x.rouge.rouge1.fmeasure),
      rouge2: mean((x) => x.rouge.rouge2.fmeasure),
      rougeL: mean((x) => x.rouge.rougeL.fmeasure),
      chrf: mean((x) => x.chrf),
    };
  }
  return { items: scored, systems };
}
