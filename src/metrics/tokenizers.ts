// BLEU tokenizers, matching sacrebleu 2.x (`sacrebleu/tokenizers/`): 13a (mteval-v13a, the
// default), intl (mteval-v14 international), char and none. Each returns the tokenized line as
// a single space-joined string, as sacrebleu does.
import { collapseWhitespace, codePoints } from './text.js';

export const BLEU_TOKENIZERS = ['13a', 'none', 'intl', 'char'] as const;
export type BleuTokenizerName = (typeof BLEU_TOKENIZERS)[number];

// 13a's language-dependent rules (Western languages), applied in order with global replacement.
// Symbol ranges: {-~, [-`, space-&, (-+, :-@ and '/'.
const RE_13A_SYMBOLS = /([{-~[-` -&(-+:-@/])/g;
// Period and comma are split off unless they sit between digits (1,000.5 stays one token).
const RE_13A_PUNCT_AFTER_NONDIGIT = /([^0-9])([.,])/gu;
const RE_13A_PUNCT_BEFORE_NONDIGIT = /([.,])([^0-9])/gu;
const RE_13A_DASH_AFTER_DIGIT = /([0-9])(-)/g;

function tokenize13a(line: string): string {
  // Language-independent part.
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  line = ` ${line} `;
  line = line.replace(RE_13A_SYMBOLS, ' $1 ');
  line = line.replace(RE_13A_PUNCT_AFTER_NONDIGIT, '$1 $2 ');
  line = line.replace(RE_13A_PUNCT_BEFORE_NONDIGIT, ' $1 $2');
  line = line.replace(RE_13A_DASH_AFTER_DIGIT, '$1 $2 ');
  return collapseWhitespace(line);
}

// mteval-v14 "international": split punctuation next to a non-digit, and every symbol.
const RE_INTL_PUNCT_AFTER = /(\P{N})(\p{P})/gu;
const RE_INTL_PUNCT_BEFORE = /(\p{P})(\P{N})/gu;
const RE_INTL_SYMBOL = /(\p{S})/gu;

function tokenizeIntl(line: string): string {
  line = line.replace(RE_INTL_PUNCT_AFTER, '$1 $2 ');
  line = line.replace(RE_INTL_PUNCT_BEFORE, ' $1 $2');
  line = line.replace(RE_INTL_SYMBOL, ' $1 ');
  return collapseWhitespace(line);
}

function tokenizeChar(line: string): string {
  return codePoints(line).join(' ');
}

/** Returns sacrebleu's tokenizer of that name; results of the 13a/intl ones are memoised. */
export function bleuTokenizer(name: BleuTokenizerName): (line: string) => string {
  switch (name) {
    case '13a':
      return memoise(tokenize13a);
    case 'intl':
      return memoise(tokenizeIntl);
    case 'char':
      return tokenizeChar;
    case 'none':
      return (line) => line;
  }
}

/** A bounded cache: repeated segments (common in references) skip the regex passes. */
function memoise(fn: (line: string) => string, limit = 1 << 16): (line: string) => string {
  const cache = new Map<string, string>();
  return (line) => {
    const hit = cache.get(line);
    if (hit !== undefined) return hit;
    const out = fn(line);
    if (cache.size >= limit) cache.clear();
    cache.set(line, out);
    return out;
  };
}
