// Issue 3 acceptance: the shipped course renders cleanly at 80 columns. Every lesson body goes
// through the reader's own renderer at the reader's body width for an 80-column terminal (and at 80,
// as `ftlab learn` prints it off a TTY), with colour, without colour, with ASCII glyphs and in
// screen-reader mode; every question goes through the quiz screen's widgets. Problems are collected
// across the whole course and reported together with file and line.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../../src/core/content/loader.js';
import { checkKinds } from '../../../src/engines/labs/registry.js';
import { bodySizeFor } from '../../../src/ui/layouts/Screen.js';
import { asciiGlyphs, unicodeGlyphs } from '../../../src/ui/theme/glyphs.js';
import { darkTheme, noColorTheme } from '../../../src/ui/theme/palettes.js';
import { codeProblems, leakProblems, renderLesson, tableProblems, widthProblems, type Variant } from './lessons.js';
import { questionProblems } from './questions.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const COLUMNS = 80;
const content = loadContent(root, { checkKinds });
const readerWidth = bodySizeFor(COLUMNS, 24, false).width;
const srWidth = bodySizeFor(COLUMNS, 24, true).width;

const variants: Variant[] = [
  { name: `reader body (${readerWidth} cols), colour`, width: readerWidth, theme: darkTheme, glyphs: unicodeGlyphs, screenReader: false },
  {
    name: `reader body (${readerWidth} cols), NO_COLOR + --ascii`,
    width: readerWidth,
    theme: noColorTheme,
    glyphs: asciiGlyphs,
    screenReader: false,
  },
  {
    name: `${COLUMNS} cols, NO_COLOR (ftlab learn off a TTY)`,
    width: COLUMNS,
    theme: noColorTheme,
    glyphs: unicodeGlyphs,
    screenReader: false,
  },
  { name: `screen reader (${srWidth} cols)`, width: srWidth, theme: noColorTheme, glyphs: asciiGlyphs, screenReader: true },
];

const report = (problems: string[]) => (problems.length ? `${problems.length} problem(s):\n  ${problems.join('\n  ')}` : '');

describe('the course at 80 columns', () => {
  it('loads the shipped course without problems', () => {
    expect(content.lessons.length).toBeGreaterThan(0);
    expect(content.questions.length).toBeGreaterThan(0);
    expect(report(content.problems.map((p) => `${p.path}:${p.line}:${p.col}: ${p.message}`))).toBe('');
  });

  describe.each(variants)('lessons: $name', (v) => {
    const rendered = content.lessons.map((lesson) => ({ lesson, r: renderLesson(lesson, v) }));
    it('no line is wider than the screen', () => {
      expect(report(rendered.flatMap(({ lesson, r }) => widthProblems(lesson, r, v)))).toBe('');
    });
    it('code blocks and diagrams show every line verbatim', () => {
      expect(report(rendered.flatMap(({ lesson, r }) => codeProblems(lesson, r, v)))).toBe('');
    });
    it('tables keep whole words in every column and read back as written', () => {
      expect(report(rendered.flatMap(({ lesson, r }) => tableProblems(lesson, r, v)))).toBe('');
    });
    it('no raw Markdown syntax shows', () => {
      expect(report(rendered.flatMap(({ lesson, r }) => leakProblems(lesson, r, v)))).toBe('');
    });
  });

  // Ink wraps prose itself; what can break is a laid-out line (diagram, table) typed into a question
  // and a row that does not shrink. Drawn once, with the widest glyphs (ASCII markers such as "( )")
  // at the quiz body width, which is narrower than the screen-reader width.
  it(`questions: every view of every question fits the quiz body (${readerWidth} cols, NO_COLOR + --ascii), laid-out lines unwrapped, no raw Markdown`, () => {
    expect(report(questionProblems(content.questions, content, readerWidth, { screenReader: false, ascii: true, noColor: true }))).toBe('');
  });
});
