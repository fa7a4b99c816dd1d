// Lesson bodies: CommonMark + GFM tables/strikethrough via markdown-it, plus GitHub-style callouts
// (`> [!TIP]`). The loader parses every body once: it needs the headings for the table of contents
// and it reports Markdown mistakes (unknown callout kinds, unclosed code fences) with their line.
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
  let lines: string[] | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'heading_open') {
      const text = inlineText(tokens[i + 1]);
      const base = slugify(text);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      headings.push({ level: Number(t.tag.slice(1)), text, slug: n ? `${base}-${n}` : base, line: firstLine + (t.map?.[0] ?? 0) });
      if (!text.trim()) issues.push({ bodyLine: t.map?.[0] ?? 0, col: 1, message: 'empty heading' });
    } else if (t.type === 'fence' && t.map) {
      lines ??= body.split('\n');
      const [start, end] = t.map;
      const closing = end - 1 > start ? lines[end - 1]!.trim() : '';
      const marker = t.markup;
      if (!(closing.startsWith(marker) && /^(`+|~+)$/.test(closing) && closing[0] === marker[0])) {
        issues.push({ bodyLine: start, col: 1, message: `code block opened with ${marker} is never closed` });
      }
    }
  }
  return { headings, issues };
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
