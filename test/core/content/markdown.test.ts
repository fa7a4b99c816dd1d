// The lesson body checks that need the reader's geometry: a code line wider than the reader shows,
// and tables whose rows do not match their header. The width the check uses is tied here to what the
// reader actually draws at 80 columns, so the two cannot drift apart.
import { describe, expect, it } from 'vitest';
import { displayWidth, markdown, parseBody, READER_CODE_COLUMNS } from '../../../src/core/content/markdown.js';
import { bodySizeFor } from '../../../src/ui/layouts/Screen.js';
import { renderMarkdown } from '../../../src/ui/markdown/render.js';
import { lineText, textWidth } from '../../../src/ui/markdown/text.js';
import { unicodeGlyphs } from '../../../src/ui/theme/glyphs.js';
import { noColorTheme } from '../../../src/ui/theme/palettes.js';

const issues = (body: string) => parseBody(body, 1).issues;
const fence = (line: string) => '```text\n' + line + '\n```\n';
const callout = (line: string) => '> [!NOTE]\n> ```text\n> ' + line + '\n> ```\n';

/** Whether the reader, in an 80-column terminal, shows `line` of the block uncut. */
function shownWhole(md: string, line: string): boolean {
  const width = bodySizeFor(80, 24, false).width;
  const doc = renderMarkdown(markdown().parse(md, {}), { width, theme: noColorTheme, glyphs: unicodeGlyphs });
  return doc.lines.map(lineText).some((l) => l.endsWith(line));
}

describe('code lines wider than the reader', () => {
  it('the limit is what the reader shows uncut at 80 columns, at the top level and inside a callout', () => {
    const fits = 'x'.repeat(READER_CODE_COLUMNS);
    const over = 'x'.repeat(READER_CODE_COLUMNS + 1);
    expect(shownWhole(fence(fits), fits)).toBe(true);
    expect(shownWhole(fence(over), over)).toBe(false);
    expect(issues(fence(fits))).toEqual([]);
    expect(issues(fence(over))).toEqual([
      { bodyLine: 1, col: 77, message: 'code line is 77 columns wide; the reader shows 76 in an 80-column terminal and cuts the rest: reflow it' },
    ]);
    // A callout's bar takes two columns.
    const inFits = 'y'.repeat(READER_CODE_COLUMNS - 2);
    const inOver = 'y'.repeat(READER_CODE_COLUMNS - 1);
    expect(shownWhole(callout(inFits), inFits)).toBe(true);
    expect(shownWhole(callout(inOver), inOver)).toBe(false);
    expect(issues(callout(inFits))).toEqual([]);
    expect(issues(callout(inOver))).toEqual([
      {
        bodyLine: 2,
        col: 77,
        message: 'code line is 75 columns wide; the reader shows 74 here (inside a callout or list) in an 80-column terminal and cuts the rest: reflow it',
      },
    ]);
  });

  it('inside list items the marker is taken off, as the reader draws it', () => {
    for (const [md, line] of [
      ['- item\n\n  ```text\n  ' + 'z'.repeat(74) + '\n  ```\n', 'z'.repeat(74)],
      ['1. item\n\n   ```text\n   ' + 'w'.repeat(73) + '\n   ```\n', 'w'.repeat(73)],
    ] as const) {
      expect(shownWhole(md, line)).toBe(true);
      expect(issues(md)).toEqual([]);
      const longer = md.replace(line, line + 'q');
      expect(shownWhole(longer, line + 'q')).toBe(false);
      expect(issues(longer)).toHaveLength(1);
    }
  });

  it('counts wide characters and tabs as the reader does, and reports one problem per block', () => {
    expect(displayWidth('日本語')).toBe(textWidth('日本語'));
    for (const s of ['naïve', 'e\u0301', '⛔ stop', '→ ─┼─ │', 'plain']) expect(displayWidth(s)).toBe(textWidth(s));
    const body = fence('日'.repeat(39) + '\n' + '\tx'.repeat(16) + '\nshort\n' + 'v'.repeat(80));
    expect(issues(body)).toEqual([
      { bodyLine: 1, col: 39, message: 'code line is 78 columns wide; the reader shows 76 in an 80-column terminal and cuts the rest: reflow it (2 more lines in this block)' },
    ]);
  });

  it('an indented code block is checked too', () => {
    expect(issues('Text.\n\n    ' + 'i'.repeat(80) + '\n')).toMatchObject([{ bodyLine: 2, col: 81, message: expect.stringContaining('80 columns wide') }]);
  });
});

describe('tables whose rows do not match the header', () => {
  it('header and delimiter with different cell counts: the table is a paragraph, reported at the delimiter row', () => {
    const body = 'Intro.\n\n| a | b | c |\n|---|---|\n| 1 | 2 | 3 |\n';
    expect(markdown().parse(body, {}).some((t) => t.type === 'table_open')).toBe(false);
    expect(issues(body)).toEqual([
      { bodyLine: 3, col: 1, message: 'table header has 3 cells but the delimiter row below it has 2: the table is shown as a paragraph; give every column one "---" cell' },
    ]);
  });

  it('a row with more or fewer cells than the header, once per table', () => {
    expect(issues('| a | b |\n|---|---|\n| 1 | 2 |\n| 1 | 2 | 3 |\n| 4 |\n')).toEqual([
      { bodyLine: 3, col: 1, message: 'table row has 3 cells but the header has 2: the extra cells are not shown (1 more row like it)' },
    ]);
    expect(issues('a | b\n--|--\n1\n')).toEqual([{ bodyLine: 2, col: 1, message: 'table row has 1 cell but the header has 2: the missing cells are shown empty' }]);
  });

  it('escaped pipes, tables without outer pipes and tables in callouts are counted right', () => {
    expect(issues('| a \\| b | c |\n|---|---|\n| x \\| y | z |\n')).toEqual([]);
    expect(issues('a | b\n--|--\n1 | 2\n')).toEqual([]);
    expect(issues('> [!TIP]\n> | a | b |\n> |---|---|\n> | 1 | 2 |\n')).toEqual([]);
    expect(issues('> | a | b |\n> |---|---|\n> | 1 | 2 | 3 |\n')).toMatchObject([{ bodyLine: 2, message: expect.stringContaining('3 cells but the header has 2') }]);
  });

  it('a pipe in ordinary prose is not a table', () => {
    expect(issues('Use a | b in shell.\nThen --- done.\n\nx | y\n\n---\n')).toEqual([]);
  });
});

describe('code fences in callouts', () => {
  it('a fence closed inside a callout is not reported as unclosed', () => {
    expect(issues('> [!NOTE]\n> ```sh\n> ls\n> ```\n')).toEqual([]);
    expect(issues('> [!NOTE]\n> ```sh\n> ls\n')).toMatchObject([{ message: expect.stringContaining('never closed') }]);
  });
});
