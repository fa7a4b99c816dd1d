// Lesson bodies: CommonMark + GFM tables/strikethrough via markdown-it, plus GitHub-style callouts
// (`> [!TIP]`). The loader parses every body once: it needs the headings for the table of contents
// and it reports Markdown mistakes (unknown callout kinds, unclosed code fences, tables whose rows do
// not match their header, code lines wider than the reader) with their line.
import markdownIt from 'markdown-it';
import type { MarkdownIt, StateCore, Token } from 'markdown-it';

export const CALLOUT_KINDS = ['note', 'tip', 'important', 'warning', 'caution'] as const;
export type CalloutKind = (typeof CALLOUT_KINDS)[number];

export interface Heading {
  level: number;
  text: string;
  /** GitHub-style anchor, unique within the lesson (`lora-basics#parameter-count`). */
  slug: string;
  /** 1-based line in the lesson file. */
  line: number;
}

/** A problem inside a Markdown body; line is 0-based within the body, col 1-based. */
export interface MarkdownIssue {
  bodyLine: number;
  col: number;
  message: string;
}

/**
 * Columns a code block's line may take: lessons are written for an 80-column terminal, where the
 * reader's body is 78 columns wide (src/ui/layouts/Screen.tsx, bodySizeFor) and a code block's gutter
 * takes 2 (src/ui/markdown/render.ts). The reader never wraps code (diagrams must stay exact): it cuts
 * a longer line with "…". Inside a callout or a list item the bar or the marker takes a few more.
 */
export const READER_CODE_COLUMNS = 76;

const CALLOUT_RE = /^\[!([A-Za-z]+)\][ \t]*(?:\r?\n|$)/;

/**
 * Marks `> [!KIND]` blockquotes as callouts: blockquote_open gets `meta.callout = kind` and the
 * `data-callout` attribute; the marker text is removed from the first paragraph. Unknown kinds are
 * left as plain quotes and recorded in `env.calloutErrors`.
 */
function calloutPlugin(md: MarkdownIt): void {
  md.core.ruler.after('block', 'ftlab_callouts', (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 0; i + 2 < tokens.length; i++) {
      const open = tokens[i]!;
      if (open.type !== 'blockquote_open' || tokens[i + 1]!.type !== 'paragraph_open') continue;
      const inline = tokens[i + 2]!;
      const m = CALLOUT_RE.exec(inline.content);
      if (!m) continue;
      const kind = m[1]!.toLowerCase();
      if (!(CALLOUT_KINDS as readonly string[]).includes(kind)) {
        const errors = ((state.env as Record<string, unknown>).calloutErrors ??= []) as MarkdownIssue[];
        errors.push({ bodyLine: open.map?.[0] ?? 0, col: 3, message: `unknown callout "[!${m[1]}]" (use ${CALLOUT_KINDS.map((k) => `[!${k.toUpperCase()}]`).join(', ')})` });
        continue;
      }
      open.meta = { ...(open.meta ?? {}), callout: kind };
      open.attrSet('data-callout', kind);
      inline.content = inline.content.slice(m[0].length);
      if (inline.content.trim() === '') {
        // The marker stood alone: drop the now empty paragraph.
        tokens[i + 1]!.hidden = true;
        tokens[i + 3]!.hidden = true;
        inline.content = '';
      }
    }
  });
}

let shared: MarkdownIt | undefined;
let blocksOnly: MarkdownIt | undefined;

/** The project's Markdown parser (shared with the lesson renderer so both see the same tokens). */
export function markdown(): MarkdownIt {
  if (!shared) {
    shared = markdownIt('default', { html: false, linkify: false, typographer: false });
    shared.use(calloutPlugin);
  }
  return shared;
}

/**
 * The same parser without inline parsing (emphasis, links, code spans): enough to find headings,
 * callouts and code fences, which is all that loading and checking a course needs. About half the
 * cost of a full parse; the reader parses a lesson fully when it is opened (lessonTokens).
 */
function blockMarkdown(): MarkdownIt {
  if (!blocksOnly) {
    blocksOnly = markdownIt('default', { html: false, linkify: false, typographer: false });
    blocksOnly.use(calloutPlugin);
    blocksOnly.core.ruler.disable(['inline', 'linkify', 'replacements', 'smartquotes', 'text_join'], true);
  }
  return blocksOnly;
}

/** The full token stream of a lesson body, inline tokens included (what the reader renders). */
export function lessonTokens(body: string): Token[] {
  return markdown().parse(body, {});
}

export interface ParsedBody {
  headings: Heading[];
  issues: MarkdownIssue[];
}

/** Checks a lesson body and finds its headings. `firstLine` is the 1-based line of the body's first line in its file. */
export function parseBody(body: string, firstLine: number): ParsedBody {
  const env: { calloutErrors?: MarkdownIssue[] } = {};
  const tokens = blockMarkdown().parse(body, env);
  const issues: MarkdownIssue[] = [...(env.calloutErrors ?? [])];
  const headings: Heading[] = [];
  const seen = new Map<string, number>();
  const lines = body.split('\n');
  // Columns taken by the callout bars and list markers around the current block.
  const indents: number[] = [];
  let indent = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'blockquote_open' || t.type === 'list_item_open') {
      const w = t.type === 'blockquote_open' ? 2 : listMarkerWidth(tokens, i);
      indents.push(w);
      indent += w;
    } else if (t.type === 'blockquote_close' || t.type === 'list_item_close') {
      indent -= indents.pop() ?? 0;
    } else if (t.type === 'table_open' && t.map) {
      const issue = tableRowsIssue(lines, t.map[0], t.map[1]);
      if (issue) issues.push(issue);
    } else if (t.type === 'paragraph_open' && t.map) {
      const issue = brokenTableIssue(lines, t.map[0], t.map[1]);
      if (issue) issues.push(issue);
    }
    if ((t.type === 'fence' || t.type === 'code_block') && t.map) {
      const issue = wideCodeIssue(t, lines, READER_CODE_COLUMNS - indent);
      if (issue) issues.push(issue);
    }
    if (t.type === 'heading_open') {
      const text = inlineText(tokens[i + 1]);
      const base = slugify(text);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      headings.push({ level: Number(t.tag.slice(1)), text, slug: n ? `${base}-${n}` : base, line: firstLine + (t.map?.[0] ?? 0) });
      if (!text.trim()) issues.push({ bodyLine: t.map?.[0] ?? 0, col: 1, message: 'empty heading' });
    } else if (t.type === 'fence' && t.map) {
      const [start, end] = t.map;
      const closing = end - 1 > start ? lines[end - 1]!.replace(/^[ \t]*(?:>[ \t]?)*/, '').trim() : ''; // a fence in a callout closes as "> ```"
      const marker = t.markup;
      if (!(closing.startsWith(marker) && /^(`+|~+)$/.test(closing) && closing[0] === marker[0])) {
        issues.push({ bodyLine: start, col: 1, message: `code block opened with ${marker} is never closed` });
      }
    }
  }
  return { headings, issues };
}

/** Width of a list item's marker as the reader draws it: "• " or the widest "12. " of its list. */
function listMarkerWidth(tokens: Token[], item: number): number {
  const t = tokens[item]!;
  if (t.markup !== '.' && t.markup !== ')') return 2;
  // The reader pads every marker of an ordered list to its last number.
  let last = Number(t.info) || 1;
  for (let j = item + 1, depth = 0; j < tokens.length; j++) {
    const x = tokens[j]!;
    if (x.type === 'list_item_open' && depth === 0) last = Number(x.info) || last + 1;
    if (x.type === 'ordered_list_open' || x.type === 'bullet_list_open') depth++;
    if (x.type === 'ordered_list_close' || x.type === 'bullet_list_close') {
      if (depth === 0) break;
      depth--;
    }
  }
  return `${last}.`.length + 1;
}

/** A table row's cells as GFM (and markdown-it) split them: unescaped pipes, outer pipes optional. */
function tableCells(line: string): number {
  const text = line.replace(/^[ \t]*(?:>[ \t]?)*/, '').trim();
  let cells = 1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '|') cells++;
  }
  if (text.startsWith('|')) cells--;
  if (text.length > 1 && text.endsWith('|') && !text.endsWith('\\|')) cells--;
  return cells;
}

const DELIMITER_ROW = /^[ \t]*(?:>[ \t]?)*[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;

/** Rows of a table with more cells than its header (the extra ones are dropped) or fewer (shown empty). */
function tableRowsIssue(lines: string[], start: number, end: number): MarkdownIssue | undefined {
  const header = tableCells(lines[start] ?? '');
  const bad: Array<{ row: number; cells: number }> = [];
  for (let row = start + 2; row < end; row++) {
    const cells = tableCells(lines[row] ?? '');
    if (cells !== header) bad.push({ row, cells });
  }
  if (!bad.length) return undefined;
  const { row, cells } = bad[0]!;
  const more = bad.length > 1 ? ` (${bad.length - 1} more row${bad.length === 2 ? '' : 's'} like it)` : '';
  const effect = cells > header ? 'the extra cells are not shown' : 'the missing cells are shown empty';
  return { bodyLine: row, col: 1, message: `table row has ${cells} cell${cells === 1 ? '' : 's'} but the header has ${header}: ${effect}${more}` };
}

/** A header line and a delimiter row that markdown-it did not take for a table: their cell counts differ. */
function brokenTableIssue(lines: string[], start: number, end: number): MarkdownIssue | undefined {
  for (let row = start; row + 1 < end; row++) {
    const next = lines[row + 1] ?? '';
    if (!(lines[row] ?? '').includes('|') || !next.includes('|') || !DELIMITER_ROW.test(next)) continue;
    const header = tableCells(lines[row]!);
    const delimiter = tableCells(next);
    if (header === delimiter) continue;
    return {
      bodyLine: row + 1,
      col: 1,
      message: `table header has ${header} cell${header === 1 ? '' : 's'} but the delimiter row below it has ${delimiter}: the table is shown as a paragraph; give every column one "---" cell`,
    };
  }
  return undefined;
}

/** The first line of a code block wider than the reader shows (it is cut, not wrapped). */
function wideCodeIssue(t: Token, lines: string[], limit: number): MarkdownIssue | undefined {
  const content = t.content.replace(/\n$/, '');
  if (!content) return undefined;
  const first = t.map![0] + (t.type === 'fence' ? 1 : 0);
  const wide: Array<{ k: number; line: string; width: number }> = [];
  content.split('\n').forEach((line, k) => {
    // The reader shows a tab as four spaces.
    const width = displayWidth(line.replace(/\t/g, '    '));
    if (width > limit) wide.push({ k, line, width });
  });
  if (!wide.length) return undefined;
  const { k, line, width } = wide[0]!;
  const more = wide.length > 1 ? ` (${wide.length - 1} more line${wide.length === 2 ? '' : 's'} in this block)` : '';
  const where = limit < READER_CODE_COLUMNS ? ' here (inside a callout or list)' : '';
  // Point at the first character past the limit, in the source line (which may carry "> " or an indent).
  const raw = (lines[first + k] ?? '').replace(/\r$/, '');
  const prefix = raw.endsWith(line) ? raw.length - line.length : 0;
  let chars = 0;
  let used = 0;
  for (const ch of line) {
    used += ch === '\t' ? 4 : displayWidth(ch);
    if (used > limit) break;
    chars += ch.length;
  }
  return {
    bodyLine: first + k,
    col: prefix + chars + 1,
    message: `code line is ${width} columns wide; the reader shows ${limit}${where} in an 80-column terminal and cuts the rest: reflow it${more}`,
  };
}

// Terminal cells per character, as the reader counts them (src/ui/markdown/text.ts): East Asian wide
// characters and emoji take two, combining marks none.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
const ZERO = /[\u0300-\u036f\u200b-\u200f\ufe0f]/;

export function displayWidth(s: string): number {
  if (/^[\x20-\x7e]*$/.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return w;
}

/** A heading's plain text: its inline Markdown parsed, keeping text and code spans. */
function inlineText(token: Token | undefined): string {
  if (!token) return '';
  const children = markdown().parseInline(token.content, {})[0]?.children ?? [];
  return children.map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : '')).join('');
}

/** GitHub's anchor rule: lowercase, drop punctuation except "-" and "_", spaces become "-". */
export function slugify(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
