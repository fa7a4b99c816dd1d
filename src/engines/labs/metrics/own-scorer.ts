// "Bring your own scorer": the learner's BLEU/ROUGE-L numbers for a lab set, graded item by item
// against ftlab's. File format (JSONL, one line per item and system):
//   {"id": "tr-01", "system": "base", "bleu": 23.5, "rougeL": 0.6667}
// bleu   = sentence BLEU in 0..100 as sacrebleu's sentence_bleu (13a, exp smoothing, effective order)
// rougeL = ROUGE-L F1 in 0..1 as rouge-score (default tokenizer, no stemming)
import { readFileSync } from 'node:fs';
import { loadSet, scoreSet, SYSTEMS, type SetName } from './data.js';

export const OWN_METRICS = ['bleu', 'rougeL'] as const;
export type OwnMetric = (typeof OWN_METRICS)[number];
/** Allowed differences: BLEU is printed with 2 decimals by most tools, ROUGE with 4. */
export const TOLERANCE: Record<OwnMetric, number> = { bleu: 0.01, rougeL: 0.0001 };

export interface ItemReport {
  id: string;
  system: string;
  metric: OwnMetric;
  yours: number | null;
  ftlab: number;
  ok: boolean;
}

export interface OwnScorerReport {
  ok: boolean;
  checked: number;
  wrong: number;
  missing: number;
  problems: string[];
  items: ItemReport[];
}

export function gradeOwnScores(labDir: string, set: SetName, file: string, metrics: readonly OwnMetric[] = OWN_METRICS): OwnScorerReport {
  const problems: string[] = [];
  const given = new Map<string, Record<string, unknown>>();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, checked: 0, wrong: 0, missing: 0, problems: [`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`], items: [] };
  }
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (typeof o.id !== 'string' || typeof o.system !== 'string') problems.push(`${file}:${i + 1}: needs "id" and "system" strings`);
      else given.set(`${o.id}\u0000${o.system}`, o);
    } catch (err) {
      problems.push(`${file}:${i + 1}: invalid JSON: ${(err as Error).message}`);
    }
  });
  const { items } = scoreSet(loadSet(labDir, set));
  const report: ItemReport[] = [];
  for (const it of items) {
    for (const system of SYSTEMS) {
      const row = given.get(`${it.id}\u0000${system}`);
      for (const metric of metrics) {
        const ftlab = metric === 'bleu' ? it.scores[system].bleu.score : it.scores[system].rouge.rougeL.fmeasure;
        const v = row?.[metric];
        const yours = typeof v === 'number' && Number.isFinite(v) ? v : null;
        report.push({ id: it.id, system, metric, yours, ftlab, ok: yours !== null && Math.abs(yours - ftlab) <= TOLERANCE[metric] + 1e-12 });
      }
    }
  }
  const missing = report.filter((r) => r.yours === null).length;
  const wrong = report.filter((r) => r.yours !== null && !r.ok).length;
  return { ok: problems.length === 0 && missing === 0 && wrong === 0, checked: report.length, wrong, missing, problems, items: report };
}

/** A short per-item summary of what is off (first few rows). */
export function describeReport(r: OwnScorerReport, limit = 6): string {
  if (r.ok) return `all ${r.checked} scores agree with ftlab`;
  const lines = [...r.problems];
  if (r.missing) lines.push(`${r.missing} of ${r.checked} scores missing`);
  if (r.wrong) lines.push(`${r.wrong} of ${r.checked} scores differ from ftlab's`);
  for (const row of r.items.filter((x) => !x.ok).slice(0, limit)) {
    lines.push(`  ${row.id} ${row.system} ${row.metric}: yours ${row.yours ?? 'missing'}, ftlab ${row.metric === 'bleu' ? row.ftlab.toFixed(2) : row.ftlab.toFixed(4)}`);
  }
  return lines.join('\n');
}
