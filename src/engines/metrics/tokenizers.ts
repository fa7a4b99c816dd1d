// BLEU tokenizers, matching sacrebleu 2.x (`sacrebleu/tokenizers/`): 13a (mteval-v13a, the
// default), intl (mteval-v14 international), char and none. Each returns the tokenized line as
// a single space-joined string, as sacrebleu does; `bleuTokens` returns the same tokens as a list
// (what BLEU splits the string into), skipping the join-and-split round trip.
import { codePoints, isPyWhitespace, pySplit } from './text.js';

export const BLEU_TOKENIZERS = ['13a', 'none', 'intl', 'char'] as const;
export type BleuTokenizerName = (typeof BLEU_TOKENIZERS)[number];

// 13a's language-dependent rules (Western languages), applied in order with global replacement.
// Symbol ranges: {-~, [-`, space-&, (-+, :-@ and '/'.
const RE_13A_SYMBOLS = /([{-~[-` -&(-+:-@/])/g;
// Period and comma are split off unless they sit between digits (1,000.5 stays one token).
const RE_13A_PUNCT_AFTER_NONDIGIT = /([^0-9])([.,])/gu;
const RE_13A_PUNCT_BEFORE_NONDIGIT = /([.,])([^0-9])/gu;
const RE_13A_DASH_AFTER_DIGIT = /([0-9])(-)/g;

/** Characters 13a isolates in its first step: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ / */
export function isolated13a(c: number): boolean {
  return (
    (c >= 0x7b && c <= 0x7e) ||
    (c >= 0x5b && c <= 0x60) ||
    (c >= 0x20 && c <= 0x26) ||
    (c >= 0x28 && c <= 0x2b) ||
    (c >= 0x3a && c <= 0x40) ||
    c === 0x2f
  );
}

/**
 * The 13a rules applied to one whitespace-free word that contains '.', ',' or '-'. Running the
 * regexes per word gives the same tokens as running them over the whole line: every match of
 * these two-character patterns lies inside one word plus at most the whitespace next to it, and
 * whitespace can only be the non-digit side of a match.
 */
export function split13aWord(word: string, out: string[]): void {
  // Fast path for the common shapes: a word ending in one '.' or ',' after a letter ("mat."), and
  // words whose only specials are '-' not after a digit ("state-of-the-art"), which 13a keeps whole.
  const last = word.charCodeAt(word.length - 1);
  let specials = 0;
  let dashAfterDigit = false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === 0x2e || c === 0x2c) specials++;
    else if (c === 0x2d && i > 0 && isDigit(word.charCodeAt(i - 1))) dashAfterDigit = true;
  }
  if (!dashAfterDigit) {
    if (specials === 0) {
      out.push(word);
      return;
    }
    if (specials === 1 && (last === 0x2e || last === 0x2c) && word.length > 1 && !isDigit(word.charCodeAt(word.length - 2))) {
      out.push(word.slice(0, -1), word.slice(-1));
      return;
    }
  }
  let w = ` ${word} `;
  w = w.replace(RE_13A_PUNCT_AFTER_NONDIGIT, '$1 $2 ');
  w = w.replace(RE_13A_PUNCT_BEFORE_NONDIGIT, ' $1 $2');
  w = w.replace(RE_13A_DASH_AFTER_DIGIT, '$1 $2 ');
  for (const t of w.split(' ')) if (t !== '') out.push(t);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** 13a's language-independent part: drop <skipped>, join hyphenated line breaks, unescape entities. */
export function prepare13a(line: string): string {
  if (line.includes('<skipped>')) line = line.replaceAll('<skipped>', '');
  if (line.includes('\n')) line = line.replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return line;
}

function tokens13a(line: string): string[] {
  line = prepare13a(line);
  // Scan once: whitespace ends a word, an isolated symbol is a token of its own, and words with
  // '.', ',' or '-' go through the remaining rules (split13aWord).
  const out: string[] = [];
  let start = -1;
  let special = false;
  const len = line.length;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? line.charCodeAt(i) : 0x20;
    const isolated = isolated13a(c);
    if (isolated || isPyWhitespace(c)) {
      if (start >= 0) {
        const word = line.slice(start, i);
        if (special) split13aWord(word, out);
        else out.push(word);
        start = -1;
        special = false;
      }
      if (isolated && c !== 0x20) out.push(line[i]);
    } else {
      if (start < 0) start = i;
      if (c === 0x2e || c === 0x2c || c === 0x2d) special = true;
    }
  }
  return out;
}

/** The original 13a pipeline over the whole line (kept to test the scanner against). */
export function tokens13aReference(line: string): string[] {
  line = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (line.includes('&')) {
    line = line.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  line = ` ${line} `;
  line = line.replace(RE_13A_SYMBOLS, ' $1 ');
  line = line.replace(RE_13A_PUNCT_AFTER_NONDIGIT, '$1 $2 ');
  line = line.replace(RE_13A_PUNCT_BEFORE_NONDIGIT, ' $1 $2');
  line = line.replace(RE_13A_DASH_AFTER_DIGIT, '$1 $2 ');
  return pySplit(line);
}

// mteval-v14 "international": split punctuation next to a non-digit, and every symbol.
const RE_INTL_PUNCT_AFTER = /(\P{N})(\p{P})/gu;
const RE_INTL_PUNCT_BEFORE = /(\p{P})(\P{N})/gu;
const RE_INTL_SYMBOL = /(\p{S})/gu;

function tokensIntl(line: string): string[] {
  line = line.replace(RE_INTL_PUNCT_AFTER, '$1 $2 ');
  line = line.replace(RE_INTL_PUNCT_BEFORE, ' $1 $2');
  line = line.replace(RE_INTL_SYMBOL, ' $1 ');
  return pySplit(line);
}

function tokensChar(line: string): string[] {
  // ' '.join(chars) then split(): every non-whitespace code point is a token.
  const out: string[] = [];
  for (const ch of line) if (!isPyWhitespace(ch.codePointAt(0)!)) out.push(ch);
  return out;
}

/** sacrebleu's tokenizer of that name, as the token list BLEU counts n-grams over. */
export function bleuTokens(name: BleuTokenizerName): (line: string) => string[] {
  switch (name) {
    case '13a':
      return tokens13a;
    case 'intl':
      return tokensIntl;
    case 'char':
      return tokensChar;
    case 'none':
      return pySplit;
  }
}

/** sacrebleu's tokenizer of that name, returning the tokenized line as one string. */
export function bleuTokenizer(name: BleuTokenizerName): (line: string) => string {
  if (name === 'none') return (line) => line;
  if (name === 'char') return (line) => codePoints(line).join(' ');
  const tokens = bleuTokens(name);
  return (line) => tokens(line).join(' ');
}
