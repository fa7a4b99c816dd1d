// The 80-column checks themselves: each one passes clean Markdown and catches the mistake it is
// there for, so a green course test means something.
import { describe, expect, it } from 'vitest';
import type { ContentIndex, LoadedLesson, LoadedQuestion } from '../../../src/core/content/loader.js';
import { lessonTokens, parseBody } from '../../../src/core/content/markdown.js';
import { asciiGlyphs, unicodeGlyphs } from '../../../src/ui/theme/glyphs.js';
import { darkTheme, noColorTheme } from '../../../src/ui/theme/palettes.js';
import { codeProblems, leakProblems, renderLesson, tableProblems, widthProblems, type Variant } from './lessons.js';
import { questionProblems } from './questions.js';
import { displayWidth } from './width.js';

const colour: Variant = { name: 'colour', width: 78, theme: darkTheme, glyphs: unicodeGlyphs, screenReader: false };
const plain: Variant = { name: 'plain', width: 78, theme: noColorTheme, glyphs: asciiGlyphs, screenReader: false };

function lesson(body: string): LoadedLesson {
  const { headings } = parseBody(body, 1);
  const tokens = lessonTokens(body);
  return {
    id: 'fixture',
    title: 'Fixture',
    module: 'm',
    order: 1,
    minutes: 1,
    domain: 1,
    objectives: [],
    prerequisites: [],
    tags: [],
    source: { path: 'content/fixture.md', line: 1, col: 1 },
    body,
    bodyLine: 1,
    headings,
    tokens,
  } as unknown as LoadedLesson;
}

function check(body: string, v: Variant = colour) {
  const l = lesson(body);
  const r = renderLesson(l, v);
  return { width: widthProblems(l, r, v), code: codeProblems(l, r, v), table: tableProblems(l, r, v), leak: leakProblems(l, r, v) };
}

const clean = `# Title

Some **bold** text, \`inline <code>\` and a [link](https://example.com).

| Method | Trainable share | Memory |
|---|---:|---|
| Full fine-tuning | 100 % | weights, gradients and optimizer state for every parameter |
| LoRA | 0.06 % | frozen base plus small adapters |

\`\`\`text
 input ──► [ model ] ──► output
\`\`\`

> [!TIP]
> Callouts render with a label.
`;

describe('80-column checks', () => {
  it('measure East Asian wide characters as two cells', () => {
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('naïve ─│')).toBe(8);
    expect(displayWidth('⛔')).toBe(2);
  });

  it('pass clean Markdown in every mode', () => {
    for (const v of [colour, plain]) expect(check(clean, v)).toEqual({ width: [], code: [], table: [], leak: [] });
  });

  it('catch a diagram wider than the reader', () => {
    // The reader cuts it to fit (so no line overflows), which is exactly what must not happen.
    expect(check('```text\n' + '─'.repeat(76) + '\n```\n').code).toEqual([]);
    expect(check('```text\n' + '─'.repeat(77) + '\n```\n').code.join()).toMatch(/not shown verbatim/);
  });

  it('count wide characters as two cells in code', () => {
    const fits = check('```\n' + '日'.repeat(38) + '\n```\n');
    expect([...fits.width, ...fits.code]).toEqual([]);
    expect(check('```\n' + '日'.repeat(39) + '\n```\n').code.join()).toMatch(/not shown verbatim/);
  });

  it('catch a table squeezed until words break', () => {
    const row = (n: number) => `| ${Array.from({ length: 6 }, (_, k) => `cell${n}${k} parameterisation`).join(' | ')} |`;
    const body = `| a | b | c | d | e | f |\n|---|---|---|---|---|---|\n${row(1)}\n${row(2)}\n`;
    expect(check(body).table.join('\n')).toMatch(/narrower than its longest word "parameterisation"/);
  });

  it('catch a table cell hand-wrapped onto a continuation row', () => {
    const body = '| Stage | Data |\n|---|---|\n| Pre-training | trillions of web, book |\n|  | and code tokens |\n';
    expect(check(body).table.join()).toMatch(/row 2 continues the row above/);
    expect(check('| Stage | Data |\n|---|---|\n| Pre-training | trillions of web, book and code tokens |\n').table).toEqual([]);
  });

  it('catch raw Markdown that did not render', () => {
    const leaks = check('Text with **unclosed bold and `stray tick.\n\n| a | b |\n| c | d |\n').leak.join('\n');
    expect(leaks).toMatch(/emphasis markers/);
    expect(leaks).toMatch(/stray backtick/);
    // Without a delimiter row there is no table: the rows show as typed.
    expect(leaks).toMatch(/pipe-table row/);
  });

  it('catch a diagram in a question that the quiz body would wrap, and Markdown in a question', () => {
    const q = {
      id: 'fixture-q1',
      lesson: 'fixture',
      module: 'm',
      domain: 1,
      difficulty: 'easy',
      type: 'single',
      scenario: false,
      prompt: `Read the diagram:\n\n  input ${'─'.repeat(80)}► output\n\nWhich is **right**?`,
      choices: ['A', 'B'],
      answer: 0,
      explanation: 'Because.',
      source: { path: 'quizzes/fixture.yaml', line: 1, col: 1 },
    } as unknown as LoadedQuestion;
    const content = { lessonById: new Map(), questions: [q] } as unknown as ContentIndex;
    const problems = questionProblems([q], content, 78, { screenReader: false, ascii: true, noColor: true }).join('\n');
    expect(problems).toMatch(/needs 96 columns, more than the 78/);
    expect(problems).toMatch(/not drawn verbatim/);
    expect(problems).toMatch(/emphasis markers/);
  });
});
