// Markdown → terminal lines, from markdown-it tokens (the same tokens the content loader produces).
// A lesson is rendered once per width into an array of styled lines; the reader then shows a window
// of them, so scrolling never re-parses or re-wraps anything.
//
// Rendering rules: headings bold (h1/h2 underlined with a rule), emphasis/strong/strike/inline code
// styled, lists with hanging indents, GFM tables fitted to the width (cells wrap inside their column),
// fenced code highlighted by highlight.js behind a gutter, never wrapped (ASCII diagrams stay exact;
// an over-long line is cut with a marker) except shell blocks, whose long commands are broken into
// rows that paste as one command (shell.ts), inline code kept on one row when it fits, callouts (`> [!TIP]`) with a coloured bar and label.
// Screen-reader mode: no rules, bars or table art; tables read as "Row n: header: value; …".
import type { Token } from 'markdown-it';
import { slugify } from '../../core/content/markdown.js';
import type { Theme } from '../theme/tokens.js';
import type { Glyphs } from '../theme/glyphs.js';
import { highlightCode } from './highlight.js';
import { cutLine, lineWidth, textWidth, wrapSpans, type Line, type Span, type SpanStyle } from './text.js';
import { shellRows, type ShellScan } from './shell.js';

export interface RenderOptions {
  width: number;
  theme: Theme;
  glyphs: Glyphs;
  screenReader?: boolean;
}

export interface DocHeading {
  level: number;
  text: string;
  slug: string;
  /** Index into `lines` where the heading starts. */
  line: number;
}

export interface RenderedDoc {
  lines: Line[];
  headings: DocHeading[];
  /** For each rendered line, the 0-based body line of the Markdown block it came from: a position
   * that survives re-wrapping at another width (used to remember where the reader was). */
  sourceLines: number[];
}

interface Ctx {
  first: Line;
  rest: Line;
  firstUsed: boolean;
  parent?: Ctx;
}

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'zsh']);
const CALLOUT_LABEL: Record<string, string> = { note: 'Note', tip: 'Tip', important: 'Important', warning: 'Warning', caution: 'Caution' };
const CALLOUT_ICON: Record<string, string> = { note: 'ℹ', tip: '✦', important: '❢', warning: '⚠', caution: '⛔' };

/** Index of the token closing the block opened at `i`. */
function closeOf(tokens: Token[], i: number): number {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    depth += tokens[j]!.nesting;
    if (depth === 0) return j;
  }
  return tokens.length - 1;
}

export function renderMarkdown(tokens: Token[], opts: RenderOptions): RenderedDoc {
  const { theme, glyphs } = opts;
  const sr = Boolean(opts.screenReader);
  const width = Math.max(20, opts.width);
  const lines: Line[] = [];
  const headings: DocHeading[] = [];
  const sourceLines: number[] = [];
  let source = 0;
  const slugCount = new Map<string, number>();

  const prefixOf = (ctx: Ctx): Line => (ctx.firstUsed ? ctx.rest : ctx.first);
  const consume = (ctx: Ctx) => {
    for (let c: Ctx | undefined = ctx; c; c = c.parent) c.firstUsed = true;
  };
  const emit = (ctx: Ctx, content: Line) => {
    lines.push([...prefixOf(ctx), ...content]);
    sourceLines.push(source);
    consume(ctx);
  };
  /** Blank separator line (keeps quote bars continuous), never two in a row, never first. */
  const blank = (ctx: Ctx) => {
    if (!ctx.firstUsed) return;
    const last = lines[lines.length - 1];
    if (!last || isBlank(last, ctx.rest)) return;
    lines.push(ctx.rest.map((s) => ({ ...s, text: s.text.trimEnd() })).filter((s) => s.text));
    // A separator belongs to the block above it, so restoring a position never lands on one.
    sourceLines.push(sourceLines[sourceLines.length - 1] ?? 0);
  };
  const isBlank = (line: Line, prefix: Line) =>
    line.length <= prefix.length && line.every((s) => !s.text.trim() || prefix.some((p) => p.text.trim() === s.text.trim()));
  const room = (ctx: Ctx) => Math.max(8, width - lineWidth(prefixOf(ctx)));

  const inline = (token: Token | undefined, base: SpanStyle = {}): Span[][] => {
    const out: Span[][] = [[]];
    if (!token) return out;
    const children = token.children ?? [{ type: 'text', content: token.content } as Token];
    const style: SpanStyle[] = [base];
    const cur = () => Object.assign({}, ...style) as SpanStyle;
    const hrefs: string[] = [];
    const linkText: string[] = [];
    for (const c of children) {
      switch (c.type) {
        case 'text':
          out[out.length - 1]!.push({ ...cur(), text: c.content });
          if (hrefs.length) linkText[linkText.length - 1] += c.content;
          break;
        // Inline code (often a command or a path) moves to the next row whole when it fits there, so a
        // copied command is not split over two lines.
        case 'code_inline':
          if (sr) out[out.length - 1]!.push({ ...cur(), text: c.content, nobreak: true });
          else if (theme.hasColor) out[out.length - 1]!.push({ ...cur(), text: c.content, color: theme.markdown.code, nobreak: true });
          else out[out.length - 1]!.push({ ...cur(), text: '`' + c.content + '`', nobreak: true });
          break;
        case 'softbreak':
          out[out.length - 1]!.push({ ...cur(), text: ' ' });
          break;
        case 'hardbreak':
          out.push([]);
          break;
        case 'strong_open':
          style.push({ bold: true });
          break;
        case 'em_open':
          style.push({ italic: true });
          break;
        case 's_open':
          style.push({ strikethrough: true });
          break;
        case 'link_open':
          style.push({ underline: !sr, color: theme.text.link });
          hrefs.push(String(c.attrGet('href') ?? ''));
          linkText.push('');
          break;
        case 'link_close': {
          style.pop();
          const href = hrefs.pop() ?? '';
          const text = linkText.pop() ?? '';
          if (href && href !== text && !href.startsWith('#'))
            out[out.length - 1]!.push({ text: ` (${href})`, color: theme.text.muted, dim: !theme.hasColor });
          break;
        }
        case 'strong_close':
        case 'em_close':
        case 's_close':
          style.pop();
          break;
        case 'image':
          out[out.length - 1]!.push({ ...cur(), text: `[image: ${c.content || c.attrGet('alt') || ''}]` });
          break;
        default:
          if (c.content) out[out.length - 1]!.push({ ...cur(), text: c.content });
      }
    }
    return out;
  };

  const paragraph = (ctx: Ctx, token: Token | undefined, base?: SpanStyle) => {
    for (const spans of inline(token, base)) {
      for (const l of wrapSpans(spans, room(ctx))) emit(ctx, l);
    }
  };

  const heading = (ctx: Ctx, tokens: Token[], i: number) => {
    const level = Number(tokens[i]!.tag.slice(1));
    const inl = tokens[i + 1];
    const text = (inl?.children ?? []).map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : '')).join('');
    const baseSlug = slugify(text);
    const n = slugCount.get(baseSlug) ?? 0;
    slugCount.set(baseSlug, n + 1);
    blank(ctx);
    headings.push({ level, text, slug: n ? `${baseSlug}-${n}` : baseSlug, line: lines.length });
    const color = level === 1 ? theme.markdown.h1 : level === 2 ? theme.markdown.h2 : theme.markdown.h3;
    const before = lines.length;
    paragraph(ctx, inl, { bold: true, color, underline: level >= 3 && !theme.hasColor && !sr });
    if (level <= 2 && !sr) {
      const w = Math.min(room(ctx), Math.max(...lines.slice(before).map((l) => lineWidth(l) - lineWidth(ctx.rest))));
      emit(ctx, [{ text: (level === 1 ? (glyphs.ascii ? '=' : '━') : glyphs.hr).repeat(Math.max(3, w)), color }]);
    }
  };

  const code = (ctx: Ctx, t: Token) => {
    const lang = (t.info ?? '').trim().split(/\s+/)[0]!.toLowerCase();
    blank(ctx);
    const body = highlightCode(t.content, lang, theme);
    if (sr) {
      emit(ctx, [{ text: lang && lang !== 'text' ? `Code (${lang}):` : 'Code block:' }]);
      for (const l of body) emit(ctx, l);
      emit(ctx, [{ text: 'End of code.' }]);
      return;
    }
    // Shell blocks hold commands to copy: no gutter glyph (a copied row would start with it) and long
    // commands broken into rows that paste as one command (shell.ts); other code keeps its gutter and
    // is cut with a marker (diagrams stay exact).
    const shell = SHELL_LANGUAGES.has(lang);
    const gutter: Span = shell ? { text: '  ' } : { text: `${glyphs.tableV} `, color: theme.border.default, dim: !theme.hasColor };
    const avail = room(ctx) - textWidth(gutter.text);
    if (lang && lang !== 'text') emit(ctx, [{ text: lang, color: theme.text.muted, dim: true }]);
    // Each code line remembers its own source line (the fence is on map[0]).
    const fenceLine = t.map?.[0] ?? source;
    const quotes: ShellScan = { quote: '' };
    body.forEach((l, k) => {
      source = fenceLine + (t.type === 'fence' ? 1 : 0) + k;
      if (shell) for (const row of shellRows(l, avail, quotes, { color: theme.text.muted })) emit(ctx, [gutter, ...row]);
      else emit(ctx, [gutter, ...cutLine(l, avail, glyphs.ellipsis)]);
    });
  };

  const table = (ctx: Ctx, tokens: Token[], start: number, end: number) => {
    const rows: Span[][][] = [];
    const aligns: Array<'left' | 'right' | 'center'> = [];
    let headerRows = 0;
    let inHead = false;
    for (let j = start; j < end; j++) {
      const t = tokens[j]!;
      if (t.type === 'thead_open') inHead = true;
      else if (t.type === 'thead_close') inHead = false;
      else if (t.type === 'tr_open') {
        rows.push([]);
        if (inHead) headerRows++;
      } else if (t.type === 'th_open' || t.type === 'td_open') {
        const styleAttr = String(t.attrGet('style') ?? '');
        const col = rows[rows.length - 1]!.length;
        if (t.type === 'th_open') aligns[col] = /right/.test(styleAttr) ? 'right' : /center/.test(styleAttr) ? 'center' : 'left';
        const spans = inline(tokens[j + 1], t.type === 'th_open' ? { bold: true } : {}).flat();
        rows[rows.length - 1]!.push(spans);
      }
    }
    const cols = Math.max(...rows.map((r) => r.length));
    blank(ctx);
    if (sr) {
      const header = rows[0] ?? [];
      const hText = header.map((c) => c.map((s) => s.text).join(''));
      emit(ctx, [{ text: `Table with ${cols} columns: ${hText.join(', ')}.` }]);
      rows.slice(headerRows).forEach((r, n) => {
        const cells = r.map((c, k) => `${hText[k] ?? `column ${k + 1}`}: ${c.map((s) => s.text).join('')}`);
        for (const l of wrapSpans([{ text: `Row ${n + 1}: ${cells.join('; ')}.` }], room(ctx))) emit(ctx, l);
      });
      return;
    }
    // Natural widths, then shrink the widest columns until the table fits.
    const widths = Array.from({ length: cols }, (_, k) =>
      Math.max(1, ...rows.map((r) => r[k]?.reduce((n, s) => n + textWidth(s.text), 0) ?? 0)),
    );
    const sep = 3; // " │ "
    const avail = room(ctx) - sep * (cols - 1);
    while (widths.reduce((a, b) => a + b, 0) > avail) {
      const max = Math.max(...widths);
      if (max <= 3) break;
      widths[widths.indexOf(max)] = max - 1;
    }
    const border = { color: theme.markdown.tableBorder, dim: !theme.hasColor };
    const renderRow = (r: Span[][]) => {
      const cellLines = widths.map((w, k) => wrapSpans(r[k] ?? [], w));
      const height = Math.max(...cellLines.map((c) => c.length));
      for (let y = 0; y < height; y++) {
        const line: Line = [];
        widths.forEach((w, k) => {
          if (k > 0) line.push({ ...border, text: ` ${glyphs.tableV} ` });
          const cell = cutLine(cellLines[k]![y] ?? [], w);
          const pad = w - lineWidth(cell);
          const align = aligns[k] ?? 'left';
          const left = align === 'right' ? pad : align === 'center' ? Math.floor(pad / 2) : 0;
          if (left) line.push({ text: ' '.repeat(left) });
          line.push(...cell);
          if (pad - left && k < cols - 1) line.push({ text: ' '.repeat(pad - left) });
        });
        emit(ctx, line);
      }
    };
    rows.forEach((r, n) => {
      renderRow(r);
      if (n === headerRows - 1)
        emit(ctx, [
          { ...border, text: widths.map((w) => glyphs.tableH.repeat(w)).join(`${glyphs.tableH}${glyphs.tableCross}${glyphs.tableH}`) },
        ]);
    });
  };

  const blocks = (ctx: Ctx, start: number, end: number, listDepth: number, tight = false) => {
    for (let i = start; i < end; i++) {
      const t = tokens[i]!;
      if (t.map && t.nesting >= 0) source = t.map[0];
      switch (t.type) {
        case 'heading_open':
          heading(ctx, tokens, i);
          i = closeOf(tokens, i);
          break;
        case 'paragraph_open': {
          if (!t.hidden) blank(ctx);
          else if (!tight) blank(ctx);
          paragraph(ctx, tokens[i + 1]);
          i = closeOf(tokens, i);
          break;
        }
        case 'fence':
        case 'code_block':
          code(ctx, t);
          break;
        case 'hr':
          blank(ctx);
          emit(ctx, sr ? [{ text: '' }] : [{ text: glyphs.hr.repeat(room(ctx)), color: theme.border.default }]);
          break;
        case 'table_open': {
          const close = closeOf(tokens, i);
          table(ctx, tokens, i, close);
          i = close;
          break;
        }
        case 'bullet_list_open':
        case 'ordered_list_open': {
          const close = closeOf(tokens, i);
          if (listDepth === 0 || !tight) blank(ctx);
          list(ctx, i, close, listDepth);
          i = close;
          break;
        }
        case 'blockquote_open': {
          const close = closeOf(tokens, i);
          blank(ctx);
          quote(ctx, t, i, close, listDepth);
          i = close;
          break;
        }
        case 'html_block':
          // html is off in the parser, so this only holds literal text: show it as written.
          for (const l of t.content.replace(/\n$/, '').split('\n')) emit(ctx, [{ text: l }]);
          break;
        default:
          break;
      }
    }
  };

  const list = (ctx: Ctx, open: number, close: number, depth: number) => {
    const ordered = tokens[open]!.type === 'ordered_list_open';
    let n = Number(tokens[open]!.attrGet('start') ?? 1);
    // Tight lists have hidden paragraphs: no blank lines between their items.
    let tight = false;
    for (let j = open + 1; j < close; j++)
      if (tokens[j]!.type === 'paragraph_open') {
        tight = tokens[j]!.hidden;
        break;
      }
    const bullets = glyphs.ascii ? ['*', '-', '+'] : [glyphs.bullet, '◦', '▪'];
    const items: Array<[number, number]> = [];
    for (let j = open + 1; j < close; j++) {
      if (tokens[j]!.type === 'list_item_open') {
        const c = closeOf(tokens, j);
        items.push([j, c]);
        j = c;
      }
    }
    const markerWidth = ordered ? `${n + items.length - 1}.`.length + 1 : 2;
    for (const [a, b] of items) {
      if (!tight && a !== items[0]![0]) blank(ctx);
      const marker = ordered ? `${n++}.`.padStart(markerWidth - 1) + ' ' : `${bullets[depth % bullets.length]} `;
      const child: Ctx = {
        first: [...prefixOf(ctx), { text: marker, color: theme.text.accent }],
        rest: [...ctx.rest, { text: ' '.repeat(markerWidth) }],
        firstUsed: false,
        parent: ctx,
      };
      blocks(child, a + 1, b, depth + 1, tight);
      if (!child.firstUsed) emit(child, []);
    }
  };

  const quote = (ctx: Ctx, t: Token, open: number, close: number, depth: number) => {
    const kind = (t.meta as { callout?: string } | null)?.callout;
    const color = kind ? theme.markdown.callout[kind as keyof Theme['markdown']['callout']] : theme.markdown.quote;
    const bar: Span = sr
      ? { text: '' }
      : { text: kind ? (glyphs.ascii ? '| ' : '▌ ') : `${glyphs.tableV} `, color, dim: !theme.hasColor && !kind };
    const child: Ctx = { first: [...prefixOf(ctx), bar], rest: [...ctx.rest, bar], firstUsed: false, parent: ctx };
    if (kind) {
      const label = CALLOUT_LABEL[kind] ?? kind;
      const icon = glyphs.ascii || sr ? '' : `${CALLOUT_ICON[kind] ?? ''} `;
      emit(child, [{ text: sr ? `${label}:` : `${icon}${label}`, bold: true, color }]);
      child.firstUsed = false; // the label introduces the text: no blank line after it
    }
    blocks(child, open + 1, close, depth);
    if (sr && kind) emit(child, [{ text: `End of ${CALLOUT_LABEL[kind]?.toLowerCase() ?? kind}.` }]);
  };

  const root: Ctx = { first: [], rest: [], firstUsed: false };
  blocks(root, 0, tokens.length, 0);
  // No trailing blank lines.
  while (lines.length && lines[lines.length - 1]!.every((s) => !s.text.trim())) {
    lines.pop();
    sourceLines.pop();
  }
  return { lines, headings, sourceLines };
}
