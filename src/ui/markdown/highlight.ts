// Syntax highlighting for fenced code with highlight.js (core + the languages lessons use, so the
// reader does not load all 190 grammars). highlight.js returns HTML spans; we turn them into styled
// terminal spans line by line. Unknown languages and `text` blocks stay verbatim (ASCII diagrams).
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import bash from 'highlight.js/lib/languages/bash';
import shell from 'highlight.js/lib/languages/shell';
import json from 'highlight.js/lib/languages/json';
import yaml from 'highlight.js/lib/languages/yaml';
import typescript from 'highlight.js/lib/languages/typescript';
import javascript from 'highlight.js/lib/languages/javascript';
import ini from 'highlight.js/lib/languages/ini';
import diff from 'highlight.js/lib/languages/diff';
import http from 'highlight.js/lib/languages/http';
import sql from 'highlight.js/lib/languages/sql';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import markdownLang from 'highlight.js/lib/languages/markdown';
import xml from 'highlight.js/lib/languages/xml';
import type { Theme } from '../theme/tokens.js';
import type { Line, Span } from './text.js';

const LANGUAGES = {
  python,
  bash,
  shell,
  json,
  yaml,
  typescript,
  javascript,
  ini,
  diff,
  http,
  sql,
  dockerfile,
  markdown: markdownLang,
  xml,
};
let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);
  registered = true;
}

const VERBATIM = new Set(['', 'text', 'txt', 'plain', 'plaintext', 'ascii', 'diagram', 'output', 'console-output']);

export function canHighlight(lang: string): boolean {
  ensureRegistered();
  return !VERBATIM.has(lang) && hljs.getLanguage(lang) !== undefined;
}

type Role = keyof Theme['syntax'];

/** highlight.js scope → theme role. */
export function roleOf(scope: string): Role | undefined {
  const s = scope.split(/[ .]/)[0];
  switch (s) {
    case 'keyword':
    case 'built_in':
    case 'selector-tag':
    case 'section':
      return 'keyword';
    case 'string':
    case 'regexp':
    case 'addition':
    case 'symbol':
      return 'string';
    case 'number':
      return 'number';
    case 'comment':
    case 'quote':
    case 'deletion':
      return 'comment';
    case 'title':
    case 'name':
      return 'title';
    case 'type':
    case 'class':
      return 'type';
    case 'literal':
      return 'literal';
    case 'meta':
      return 'meta';
    case 'attr':
    case 'attribute':
    case 'property':
    case 'variable':
    case 'params':
      return 'attr';
    default:
      return undefined;
  }
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'" };
const decode = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (e) => ENTITIES[e] ?? e);

/** Converts highlight.js HTML to styled lines. Nested spans take the innermost scope with a role. */
export function htmlToLines(html: string, theme: Theme): Line[] {
  const lines: Line[] = [[]];
  const stack: Array<Role | undefined> = [];
  const re = /<span class="([^"]*)">|<\/span>|([^<]+)/g;
  let m: RegExpExecArray | null;
  const current = (): Role | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]) return stack[i];
    return undefined;
  };
  while ((m = re.exec(html))) {
    if (m[1] !== undefined) {
      const scope =
        m[1]
          .split(' ')
          .map((c) => c.replace(/^hljs-/, ''))
          .filter((c) => !c.endsWith('_'))[0] ?? '';
      stack.push(roleOf(scope));
    } else if (m[0] === '</span>') {
      stack.pop();
    } else {
      const text = decode(m[2]!);
      const role = current();
      const parts = text.split('\n');
      parts.forEach((part, i) => {
        if (i > 0) lines.push([]);
        if (part) {
          const span: Span = { text: part };
          if (role) {
            span.color = theme.syntax[role];
            // Without colour, comments still stand apart.
            if (role === 'comment') span.dim = true;
            if (role === 'keyword' && !theme.hasColor) span.bold = true;
          }
          lines[lines.length - 1]!.push(span);
        }
      });
    }
  }
  return lines;
}

/** Highlighted lines of a code block; verbatim lines when the language is unknown or plain text. */
export function highlightCode(code: string, lang: string, theme: Theme): Line[] {
  // Tabs would make the width unpredictable; diagrams use spaces anyway.
  const source = code.replace(/\n$/, '').replace(/\t/g, '    ');
  if (!canHighlight(lang)) return source.split('\n').map((l) => (l ? [{ text: l }] : []));
  const html = hljs.highlight(source, { language: lang, ignoreIllegals: true }).value;
  return htmlToLines(html, theme);
}
