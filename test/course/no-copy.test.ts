// The course is written in its own words: no run of 12 or more consecutive words may be shared between
// lesson or question text and the course notes in ../shared/seeds/ (skipped when that folder is absent).
// Quoted names, inline code and formulas are ignored; case and punctuation are normalised.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBanks, loadLessons, repoRoot, type QuestionLike } from './load.js';

const RUN = 12;
const seedsDir = join(repoRoot, '../shared/seeds');

/** Lowercase words of prose: inline code, quoted names and formula symbols dropped. */
export function words(text: string): string[] {
  const prose = text
    .replace(/`[^`\n]*`/g, ' ') // inline code identifiers
    .replace(/"[^"\n]{0,80}"/g, ' ') // quoted names and strings
    .replace(/\u201c[^\u201d\n]{0,80}\u201d/g, ' ')
    .toLowerCase()
    .replace(/(\d)[,.](?=\d)/g, '$1') // a number such as 4,194,304 or 0.06 is one word
    .replace(/['\u2019]/g, ''); // "don't" and "dont" are the same word
  return prose.match(/[\p{L}\p{N}]+/gu) ?? [];
}

function shingles(ws: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + RUN <= ws.length; i++) out.push(ws.slice(i, i + RUN).join(' '));
  return out;
}

/** Every string field of a question (prompt, choices, items, pairs, explanation, sub-questions). */
function questionTexts(q: QuestionLike): string[] {
  const texts: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => k !== 'id' && k !== 'sources' && visit(x));
  };
  visit(q);
  return texts;
}

describe.skipIf(!existsSync(seedsDir))('no text copied from the course notes', () => {
  const seedRuns = new Map<string, string>();
  if (existsSync(seedsDir)) {
    for (const f of readdirSync(seedsDir)) {
      const text = readFileSync(join(seedsDir, f), 'utf8');
      // The whole file as one word stream, so runs that cross a line break are caught too.
      for (const run of shingles(words(text))) if (!seedRuns.has(run)) seedRuns.set(run, f);
    }
  }

  function copied(texts: string[]): string[] {
    const hits: string[] = [];
    for (const t of texts) for (const run of shingles(words(t))) if (seedRuns.has(run)) hits.push(`"${run}" (${seedRuns.get(run)})`);
    return hits;
  }

  it('the seed notes were read', () => {
    expect(seedRuns.size).toBeGreaterThan(1000);
  });

  it('the check itself catches a copied run', () => {
    const sample = [...seedRuns.keys()][500]!;
    expect(copied([`Intro words. ${sample}. More words.`])).not.toEqual([]);
  });

  it.each(loadLessons().map((l) => [relative(repoRoot, l.path), l] as const))('lesson %s', (_p, lesson) => {
    const objectives = (lesson.front.objectives as string[] | undefined) ?? [];
    expect(copied([lesson.body, String(lesson.front.title), ...objectives])).toEqual([]);
  });

  it.each(loadBanks().map((b) => [relative(repoRoot, b.path), b] as const))('question bank %s', (_p, bank) => {
    const hits = bank.questions.flatMap((q) => copied(questionTexts(q)).map((h) => `${q.id}: ${h}`));
    expect(hits).toEqual([]);
  });
});
