// Every worked figure in a lesson and every numeric answer is recomputed with ftlab's own code
// (test/course/formulas.ts, the metrics engine, ...). Each module lists its figures in
// test/course/figures/<module-id>.ts; this test runs all of them.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBanks, loadLessons, questionIndex, repoRoot, type Figure } from './load.js';

const figuresDir = join(repoRoot, 'test/course/figures');
const files = readdirSync(figuresDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();
const lessons = new Map(loadLessons().map((l) => [l.id, l]));
const questions = questionIndex(loadBanks());

/** Lesson text with Markdown emphasis and table padding flattened, so "**65,536**" still contains "65,536". */
function plain(text: string): string {
  return text.replace(/[*_]/g, '').replace(/\s+/g, ' ');
}

/** Every text of a question: prompt, scenario, choices, items, pairs and explanation. */
function questionText(q: unknown): string {
  if (typeof q === 'string') return q;
  if (Array.isArray(q)) return q.map(questionText).join(' ');
  if (q && typeof q === 'object') return Object.values(q).map(questionText).join(' ');
  return '';
}

const lists = await Promise.all(
  files.map(async (file) => {
    const mod = (await import(pathToFileURL(join(figuresDir, file)).href)) as { figures?: Figure[]; default?: Figure[] };
    return [file, mod.figures ?? mod.default ?? []] as const;
  }),
);

describe.each(lists)('figures in %s', (_file, figures) => {
  it('lists at least one figure', () => {
    expect(figures.length).toBeGreaterThan(0);
  });

  for (const [i, fig] of figures.entries()) {
    const label = `#${i + 1} ${fig.lesson ?? ''}${fig.question ? ` ${fig.question}` : ''} = ${fig.expect}`;
    it(label, () => {
      expect(fig.lesson || fig.question, 'a figure names a lesson or a question').toBeTruthy();
      const value = fig.compute();
      if (typeof fig.expect === 'number') {
        expect(typeof value).toBe('number');
        expect(value as number).toBeCloseTo(fig.expect, 9);
      } else {
        expect(String(value)).toBe(fig.expect);
      }
      if (fig.lesson) {
        const lesson = lessons.get(fig.lesson);
        expect(lesson, `lesson ${fig.lesson} exists`).toBeDefined();
        const shown = typeof fig.expect === 'number' ? String(fig.expect) : fig.expect;
        expect(plain(lesson!.body), `${fig.lesson} shows ${shown}`).toContain(shown);
      }
      if (fig.question) {
        const q = questions.get(fig.question);
        expect(q, `question ${fig.question} exists`).toBeDefined();
        if (q!.type === 'numeric') expect(q!.answer as number).toBeCloseTo(Number(value), 9);
        else {
          // A number worked into an exam-type item (a choice, the explanation) is checked like a lesson's.
          const shown = typeof fig.expect === 'number' ? String(fig.expect) : fig.expect;
          expect(plain(questionText(q!)), `${fig.question} shows ${shown}`).toContain(shown);
        }
      }
    });
  }
});

describe('coverage of numeric answers', () => {
  it('every numeric question (and case sub-question) is recomputed by a figure', () => {
    const covered = new Set(lists.flatMap(([, figures]) => figures.map((f) => f.question).filter(Boolean)));
    const numeric = [...questions.values()].filter((q) => q.type === 'numeric').map((q) => q.id);
    expect(numeric.filter((id) => !covered.has(id))).toEqual([]);
  });
});
