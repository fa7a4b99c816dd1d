// Rendering checks for one lesson body as the reader shows it (src/ui/markdown/render.ts). Each
// function returns human-readable problems ("file:line: what is wrong") instead of asserting, so one
// test run lists every problem in the course at once.
import type { Token } from 'markdown-it';
import type { LoadedLesson } from '../../../src/core/content/loader.js';
import { renderMarkdown, type RenderedDoc } from '../../../src/ui/markdown/render.js';
import { lineText } from '../../../src/ui/markdown/text.js';
import type { Glyphs } from '../../../src/ui/theme/glyphs.js';
import type { Theme } from '../../../src/ui/theme/tokens.js';
import { displayWidth } from './width.js';

export interface Variant {
  name: string;
  width: number;
  theme: Theme;
  glyphs: Glyphs;
  screenReader: boolean;
}

export interface Rendered {
  doc: RenderedDoc;
  text: string[];
  /** For each code block (by token index), the rendered line showing each of its source lines (-1: none). */
  codeAt: Map<number, number[]>;
  /** Rendered line indices that show a line of a code block. */
  codeLines: Set<number>;
}

export function renderLesson(lesson: LoadedLesson, v: Variant): Rendered {
  const doc = renderMarkdown(lesson.tokens, { width: v.width, theme: v.theme, glyphs: v.glyphs, screenReader: v.screenReader });
  const text = doc.lines.map(lineText);
  const codeAt = new Map<number, number[]>();
  lesson.tokens.forEach((t, i) => {
    if ((t.type !== 'fence' && t.type !== 'code_block') || !t.map) return;
    const first = t.map[0] + (t.type === 'fence' ? 1 : 0);
    const count = codeSourceLines(t).length;
    if (v.screenReader) {
      // Screen-reader mode announces the block ("Code block:") and lists its lines after that.
      const header = text.findIndex((l, k) => doc.sourceLines[k] === t.map![0] && /^\s*Code( block| \(.*\)):$/.test(l));
      codeAt.set(
        i,
        Array.from({ length: count }, (_, k) => (header < 0 ? -1 : header + 1 + k)),
      );
    } else {
      codeAt.set(
        i,
        Array.from({ length: count }, (_, k) => doc.sourceLines.indexOf(first + k)),
      );
    }
  });
  const codeLines = new Set([...codeAt.values()].flat().filter((k) => k >= 0));
  return { doc, text, codeAt, codeLines };
}

const where = (lesson: LoadedLesson, bodyLine: number) => `${lesson.source.path}:${lesson.bodyLine + bodyLine}`;
const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);

/** Lines of a code block as written (the closing newline adds no line). */
function codeSourceLines(t: Token): string[] {
  return t.content.replace(/\n$/, '').split('\n');
}

/** No rendered line is wider than the width, and no tab reaches the terminal (its width is unknown). */
export function widthProblems(lesson: LoadedLesson, r: Rendered, v: Variant): string[] {
  const out: string[] = [];
  r.text.forEach((line, i) => {
    const w = displayWidth(line);
    if (w > v.width)
      out.push(`${where(lesson, r.doc.sourceLines[i] ?? 0)}: rendered line is ${w} columns wide (> ${v.width}): "${short(line.trim())}"`);
    if (line.includes('\t')) out.push(`${where(lesson, r.doc.sourceLines[i] ?? 0)}: a tab reaches the terminal: "${short(line.trim())}"`);
  });
  return out;
}

/**
 * Every line of every code block is shown exactly as written: one rendered line per source line, in
 * order, ending with the gutter and the source text, nothing cut or wrapped.
 */
export function codeProblems(lesson: LoadedLesson, r: Rendered, v: Variant): string[] {
  const out: string[] = [];
  lesson.tokens.forEach((t, i) => {
    const rows = r.codeAt.get(i);
    if (!rows || !t.map) return;
    const first = t.map[0] + (t.type === 'fence' ? 1 : 0);
    const lang = t.info.trim().split(/\s+/)[0] || 'no language';
    // Shell blocks: no gutter glyph, and a long command may be broken into rows that paste as one.
    const shell = SHELL.has(lang) && !v.screenReader;
    const gutter = shell ? '  ' : `${v.glyphs.tableV} `;
    codeSourceLines(t).forEach((src, k) => {
      if (shell) {
        const problem = shellRowsProblem(
          src,
          r.text.filter((l, j) => r.doc.sourceLines[j] === first + k && l.trim() !== ''),
        );
        if (problem) out.push(`${where(lesson, first + k)}: ${lang} command ${problem}: "${short(src)}"`);
        return;
      }
      const at = rows[k]!;
      const shown = at >= 0 ? r.text[at] : undefined;
      const expected = (v.screenReader ? src : gutter + src).trimEnd();
      // Inside a list or quote the line starts with that block's indent or bar: compare the end.
      const ok =
        shown !== undefined &&
        shown.trimEnd().endsWith(expected) &&
        (v.screenReader || !shown.slice(0, shown.trimEnd().length - expected.length).includes(gutter));
      if (!ok)
        out.push(
          `${where(lesson, first + k)}: ${lang} code line not shown verbatim: "${short(src)}" became "${short(shown ?? '(missing)')}"`,
        );
      else if (!v.screenReader && r.text.some((l, j) => j !== at && r.doc.sourceLines[j] === first + k && l.trim() !== ''))
        out.push(`${where(lesson, first + k)}: ${lang} code line wrapped onto two lines: "${short(src)}"`);
    });
  });
  return out;
}

const SHELL = new Set(['sh', 'bash', 'shell', 'zsh']);

/**
 * A shell line shown as `rows`: on one row as written, or broken into rows that read back as the same
 * words (each but the last ending in " \\"), with a trailing comment moved to comment rows above.
 */
function shellRowsProblem(src: string, rows: string[]): string | undefined {
  if (!rows.length) return 'not shown';
  if (rows.length === 1)
    return rows[0]!.trimEnd().endsWith(src.trimEnd()) ? undefined : `not shown verbatim (became "${short(rows[0]!.trim())}")`;
  const words = (s: string) => s.trim().split(/\s+/).filter(Boolean);
  const comment = /(^|\s)#(\s|$)/.exec(src);
  const code = comment ? src.slice(0, comment.index) : src;
  const commentRows = rows.filter((r) => r.trim().startsWith('#'));
  const codeRows = rows.filter((r) => !r.trim().startsWith('#'));
  if (codeRows.slice(0, -1).some((r) => !r.trimEnd().endsWith(' \\'))) return 'broken without a line continuation';
  const joined = codeRows.map((r) => r.trimEnd().replace(/ \\$/, '')).join(' ');
  if (words(joined).join(' ') !== words(code).join(' ')) return `does not read back as written (became "${short(joined.trim())}")`;
  if (
    comment &&
    words(commentRows.map((r) => r.trim().replace(/^#/, '')).join(' ')).join(' ') !==
      words(src.slice(comment.index).trim().replace(/^#/, '')).join(' ')
  )
    return 'lost its comment';
  return undefined;
}

/** Cell text as the renderer writes it (inline code in backticks without colour, link targets after). */
function cellText(inline: Token | undefined, v: Variant): string {
  let s = '';
  const hrefs: string[] = [];
  const linkText: string[] = [];
  for (const c of inline?.children ?? []) {
    if (c.type === 'text' || (c.type === 'code_inline' && (v.theme.hasColor || v.screenReader))) s += c.content;
    else if (c.type === 'code_inline') s += '`' + c.content + '`';
    else if (c.type === 'softbreak') s += ' ';
    else if (c.type === 'link_open') {
      hrefs.push(String(c.attrGet('href') ?? ''));
      linkText.push('');
    } else if (c.type === 'link_close') {
      const href = hrefs.pop() ?? '';
      const text = linkText.pop() ?? '';
      if (href && href !== text && !href.startsWith('#')) s += ` (${href})`;
      continue;
    }
    if (c.type === 'text' && linkText.length) linkText[linkText.length - 1] += c.content;
  }
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Tables stay readable: every column is at least as wide as its longest word (so no word is split
 * across lines and no cell is cut), each rendered row has one piece per column, and reading each
 * column top to bottom gives back exactly the text of its cells.
 */
export function tableProblems(lesson: LoadedLesson, r: Rendered, v: Variant): string[] {
  if (v.screenReader) return [];
  const out: string[] = [];
  const tokens = lesson.tokens;
  const sep = ` ${v.glyphs.tableV} `;
  const ruleJoin = `${v.glyphs.tableH}${v.glyphs.tableCross}${v.glyphs.tableH}`;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type !== 'table_open' || !t.map) continue;
    const at = where(lesson, t.map[0]);
    // Source cells, per row.
    const rows: string[][] = [];
    let headerRows = 0;
    let inHead = false;
    for (let j = i + 1; j < tokens.length && tokens[j]!.type !== 'table_close'; j++) {
      const c = tokens[j]!;
      if (c.type === 'thead_open') inHead = true;
      else if (c.type === 'thead_close') inHead = false;
      else if (c.type === 'tr_open') {
        rows.push([]);
        if (inHead) headerRows++;
      } else if (c.type === 'th_open' || c.type === 'td_open') rows[rows.length - 1]!.push(cellText(tokens[j + 1], v));
    }
    const cols = Math.max(...rows.map((row) => row.length));
    // A body row with no first cell and other cells empty continues the row above: a cell hard-wrapped
    // by hand. It reads as a row of its own (and as nonsense in screen-reader mode); the renderer
    // wraps long cells itself.
    rows.slice(headerRows).forEach((row, k) => {
      if (k > 0 && !row[0] && row.some((c) => !c) && row.some((c) => c))
        out.push(
          `${at}: table body row ${k + 1} continues the row above (empty first cell): write the cell on one row and let the reader wrap it`,
        );
    });
    // Rendered lines of this table: the non-blank lines attributed to its first source line.
    const lines = r.text.filter((l, k) => r.doc.sourceLines[k] === t.map![0] && l.trim() !== '');
    const ruleAt = lines.findIndex((l) => l.includes(v.glyphs.tableH.repeat(3)) && (cols === 1 || l.includes(ruleJoin)));
    if (ruleAt < 0) {
      out.push(`${at}: table rendered without its header rule`);
      continue;
    }
    const rule = lines[ruleAt]!;
    const indent = rule.length - rule.trimStart().length;
    // The rule is each column's width in H, joined by H + cross + H.
    const widths = rule.slice(indent).split(ruleJoin).map(displayWidth);
    if (widths.length !== cols) out.push(`${at}: table header rule has ${widths.length} columns, expected ${cols}`);
    for (let k = 0; k < cols; k++) {
      const longest = rows
        .map((row) => row[k] ?? '')
        .flatMap((cell) => cell.split(' '))
        .reduce((a, b) => (displayWidth(b) > displayWidth(a) ? b : a), '');
      if ((widths[k] ?? 0) < displayWidth(longest)) {
        out.push(
          `${at}: table column ${k + 1} ("${short(rows[0]?.[k] ?? '')}") squeezed to ${widths[k]} columns, narrower than its longest word "${short(longest)}" (${displayWidth(longest)})`,
        );
      }
    }
    // Read each column back, header and body separately.
    const pieces = (part: string[]) => {
      const colText: string[][] = Array.from({ length: cols }, () => []);
      for (const l of part) {
        const cells = l.slice(indent).split(sep);
        if (cells.length !== cols) {
          out.push(`${at}: rendered table row has ${cells.length} cells, expected ${cols}: "${short(l.trim())}"`);
          continue;
        }
        cells.forEach((c, k) => {
          if (c.trim()) colText[k]!.push(c.trim());
        });
      }
      return colText.map((c) => c.join(' '));
    };
    const expectCols = (part: string[][]) =>
      Array.from({ length: cols }, (_, k) =>
        part
          .map((row) => row[k] ?? '')
          .filter(Boolean)
          .join(' '),
      );
    const got = [...pieces(lines.slice(0, ruleAt)), ...pieces(lines.slice(ruleAt + 1))];
    const want = [...expectCols(rows.slice(0, headerRows)), ...expectCols(rows.slice(headerRows))];
    got.forEach((g, k) => {
      if (g !== want[k])
        out.push(
          `${at}: table column ${(k % cols) + 1} ${k < cols ? 'header' : 'body'} does not read back as written: got "${short(g)}", expected "${short(want[k]!)}"`,
        );
    });
  }
  return out;
}

/** Markdown syntax that the renderer should have turned into styling but shows as typed. */
const LEAKS: Array<[RegExp, string]> = [
  [/\*\*|(^|[\s(])__[^\s_]|[^\s_]__([\s).,;:]|$)/, 'emphasis markers (** or __)'],
  [/~~/, 'strikethrough markers (~~)'],
  [/\[!(note|tip|important|warning|caution)\]/i, 'a callout marker ([!TIP] …)'],
  [/\|\s*:?-{3,}:?\s*\|/, 'a table delimiter row (|---|): the table was not recognised'],
  [/^\s*\|.*\|\s*$/, 'a pipe-table row shown as text'],
  [/\]\(|\]\[/, 'link syntax ([text](url))'],
  [/^\s*#{1,6}\s/, 'a heading marker (#)'],
  [/<\/?[a-z][a-z0-9-]*(\s[^>]*)?\/?>/i, 'an HTML tag'],
  [/&(#\d+|#x[0-9a-f]+|[a-z]+);/i, 'an HTML entity'],
  [/\\[\\`*_{}[\]()#+\-.!|<>~]/, 'a Markdown escape backslash'],
  [/^\s*```|^\s*~~~/, 'a code fence'],
];

export function leakProblems(lesson: LoadedLesson, r: Rendered, v: Variant): string[] {
  // Screen-reader mode writes inline code as plain words, so `<module>` there is indistinguishable
  // from a stray tag; the same source is checked in the other modes.
  if (v.screenReader) return [];
  const out: string[] = [];
  const tableStarts = new Set(lesson.tokens.filter((t) => t.type === 'table_open' && t.map).map((t) => t.map![0]));
  r.doc.lines.forEach((spans, i) => {
    if (r.codeLines.has(i)) return;
    // Inline code may hold anything (`<module>`, `**kwargs`): look only at the prose around it,
    // which is coloured differently with colour and written between backticks without.
    let line = spans
      .filter((s) => !(v.theme.hasColor && s.color === v.theme.markdown.code))
      .map((s) => s.text)
      .join('');
    if (!v.theme.hasColor) line = line.replace(/`[^`]*`/g, '');
    const inTable = tableStarts.has(r.doc.sourceLines[i] ?? -1);
    const leaks = LEAKS.filter(([re, what]) => re.test(line) && !(inTable && what.startsWith('a pipe-table row'))).map(([, what]) => what);
    // With colour, inline code is coloured: a backtick left in the prose was typed by the author.
    if (v.theme.hasColor && line.includes('`')) leaks.push('a stray backtick (unbalanced inline code)');
    for (const what of leaks)
      out.push(`${where(lesson, r.doc.sourceLines[i] ?? 0)}: raw Markdown shows: ${what}: "${short(r.text[i]!.trim())}"`);
  });
  return out;
}
