import { describe, expect, it } from 'vitest';
import { markdown } from '../../src/core/content/markdown.js';
import { renderMarkdown } from '../../src/ui/markdown/render.js';
import { highlightCode } from '../../src/ui/markdown/highlight.js';
import { lineText, lineWidth, textWidth, wrapSpans } from '../../src/ui/markdown/text.js';
import { darkTheme, noColorTheme } from '../../src/ui/theme/palettes.js';
import { asciiGlyphs, unicodeGlyphs } from '../../src/ui/theme/glyphs.js';
import { lineForSource } from '../../src/app/lessons.js';
import { longLessonBody } from './fixtures.js';

const render = (md: string, opts: Partial<Parameters<typeof renderMarkdown>[1]> = {}) =>
  renderMarkdown(markdown().parse(md, {}), { width: 78, theme: noColorTheme, glyphs: unicodeGlyphs, ...opts });
const text = (md: string, opts?: Partial<Parameters<typeof renderMarkdown>[1]>) => render(md, opts).lines.map(lineText);

describe('text wrapping', () => {
  it('wraps at spaces with hanging prefixes and splits over-long words', () => {
    const lines = wrapSpans([{ text: 'aaa bbb ccc ddd' }], 9, [{ text: '- ' }], [{ text: '  ' }]).map(lineText);
    expect(lines).toEqual(['- aaa bbb', '  ccc ddd']);
    expect(wrapSpans([{ text: 'abcdefghij' }], 4).map(lineText)).toEqual(['abcd', 'efgh', 'ij']);
  });
  it('measures wide characters as two cells', () => {
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('naïve')).toBe(5);
  });
});

describe('markdown renderer', () => {
  it('renders headings with rules, emphasis and inline code', () => {
    const doc = render('# Title\n\nSome **bold**, *italic*, ~~gone~~ and `code`.\n\n## Part\n\ntext');
    const t = doc.lines.map(lineText);
    expect(t[0]).toBe('Title');
    expect(t[1]).toMatch(/^━{5}$/);
    expect(t[3]).toBe('Some bold, italic, gone and `code`.');
    const spans = doc.lines[3]!;
    expect(spans.find((s) => s.text === 'bold')?.bold).toBe(true);
    expect(spans.find((s) => s.text === 'italic')?.italic).toBe(true);
    expect(spans.find((s) => s.text === 'gone')?.strikethrough).toBe(true);
    expect(doc.headings.map((h) => [h.level, h.slug, h.line])).toEqual([
      [1, 'title', 0],
      [2, 'part', 5],
    ]);
  });
  it('colours inline code instead of backticks when colour is on', () => {
    const doc = render('Use `x` here.', { theme: darkTheme });
    expect(lineText(doc.lines[0]!)).toBe('Use x here.');
    expect(doc.lines[0]!.find((s) => s.text === 'x')?.color).toBe(darkTheme.markdown.code);
  });
  it('renders nested and ordered lists with hanging indents', () => {
    const t = text('- one\n- two is long enough to wrap around at this narrow width\n  - nested\n\n3. three\n4. four', { width: 30 });
    expect(t).toEqual(['• one', '• two is long enough to wrap', '  around at this narrow width', '  ◦ nested', '', '3. three', '4. four']);
  });
  it('fits GFM tables into the width, wrapping cells and keeping alignment', () => {
    const md = '| Name | Value | Notes |\n|---|---:|---|\n| a | 1 | ' + 'long words '.repeat(12) + '|\n| bb | 22 | short |';
    const t = text(md);
    for (const l of t) expect(textWidth(l)).toBeLessThanOrEqual(78);
    expect(t[0]).toMatch(/^Name │ Value │ Notes/);
    expect(t[1]).toMatch(/^─+┼─+┼─+$/);
    expect(t[2]).toMatch(/^a    │     1 │ long words/);
    expect(t.length).toBeGreaterThan(4); // the long cell wrapped onto more rows
    expect(t[t.length - 1]).toMatch(/^bb   │    22 │ short$/);
  });
  it('reads tables row by row for screen readers', () => {
    const t = text('| A | B |\n|---|---|\n| 1 | 2 |', { screenReader: true, glyphs: asciiGlyphs });
    expect(t).toEqual(['Table with 2 columns: A, B.', 'Row 1: A: 1; B: 2.']);
  });
  it('keeps ASCII diagrams verbatim and highlights code', () => {
    const diagram = '+---+    +---+\n| a | -> | b |\n+---+    +---+';
    const t = text('```text\n' + diagram + '\n```');
    expect(t.map((l) => l.replace(/^│ /, ''))).toEqual(diagram.split('\n'));
    const py = highlightCode('def f(x):\n    return "s"  # c', 'python', darkTheme);
    expect(py).toHaveLength(2);
    expect(py[0]!.find((s) => s.text === 'def')?.color).toBe(darkTheme.syntax.keyword);
    expect(py[1]!.find((s) => s.text === '"s"')?.color).toBe(darkTheme.syntax.string);
    expect(py[1]!.find((s) => s.text === '# c')?.dim).toBe(true);
    expect(py[1]!.map((s) => s.text).join('')).toBe('    return "s"  # c');
  });
  it('cuts over-long code lines instead of wrapping them', () => {
    const t = text('```text\n' + 'x'.repeat(120) + '\n```', { width: 40 });
    expect(textWidth(t[0]!)).toBe(40);
    expect(t[0]!.endsWith('…')).toBe(true);
  });
  it('renders callouts with a label and a bar', () => {
    expect(text('> [!WARNING]\n> Mind the gap.')).toEqual(['▌ ⚠ Warning', '▌ Mind the gap.']);
    expect(text('> [!TIP]\n> Do it.', { glyphs: asciiGlyphs })).toEqual(['| Tip', '| Do it.']);
    expect(text('> [!NOTE]\n> Read.', { screenReader: true, glyphs: asciiGlyphs })).toEqual(['Note:', 'Read.', 'End of note.']);
  });
  it('uses only ASCII with the ASCII glyph set', () => {
    const t = text(longLessonBody(3), { glyphs: asciiGlyphs }).join('\n');
    expect(t.replace(/·/g, '')).not.toMatch(/[^\x00-\x7f]/);
  });
  it('maps rendered lines back to source lines, so positions survive a new width', () => {
    const body = longLessonBody(30);
    const wide = render(body, { width: 100 });
    const narrow = render(body, { width: 40 });
    expect(wide.sourceLines).toHaveLength(wide.lines.length);
    const i = wide.lines.findIndex((l) => lineText(l).startsWith('Paragraph 20:'));
    const j = lineForSource(narrow.sourceLines, wide.sourceLines[i]!);
    expect(lineText(narrow.lines[j]!)).toMatch(/^Paragraph 20:/);
    const d = wide.lines.findIndex((l) => lineText(l).includes('|   W    |'));
    expect(lineText(narrow.lines[lineForSource(narrow.sourceLines, wide.sourceLines[d]!)]!)).toContain('|   W    |');
  });
  it('renders a 2,000-line lesson once into lines no wider than the body', () => {
    const doc = render(longLessonBody(1000));
    expect(doc.lines.length).toBeGreaterThan(2000);
    expect(Math.max(...doc.lines.map(lineWidth))).toBeLessThanOrEqual(78);
  });
});
