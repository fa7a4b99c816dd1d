// ROUGE tokenizers. `rougeScoreTokenize` is rouge-score 0.1.2's default tokenizer: lowercase,
// every run of characters outside [a-z0-9] becomes a separator, optional Porter stemming of
// tokens longer than 3 characters. It therefore DROPS all non-ASCII letters (accented Latin,
// CJK, emoji): "café" becomes "caf", Chinese text becomes nothing. `unicodeTokenize` is ftlab's
// own opt-in alternative and is NOT what rouge-score computes.
import { porterStem } from './porter.js';

export const ROUGE_TOKENIZERS = ['rouge-score', 'unicode'] as const;
export type RougeTokenizerName = (typeof ROUGE_TOKENIZERS)[number];

const ALNUM_RUN = /[a-z0-9]+/g;
const ASCII_WORD = /^[a-z]+$/;

/** Bounded memo of stems: natural text repeats a few thousand word forms. */
const stemCache = new Map<string, string>();
export function cachedStem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = porterStem(word);
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

export function rougeScoreTokenize(text: string, stem: boolean): string[] {
  // Same tokens as rouge-score's "replace [^a-z0-9]+ by a space, split": the maximal runs.
  const pieces = text.toLowerCase().match(ALNUM_RUN);
  if (pieces === null) return [];
  if (!stem) return pieces;
  const out: string[] = [];
  for (const piece of pieces) {
    // Only tokens longer than 3 characters are stemmed; stems stay within [a-z0-9].
    const tok = piece.length > 3 ? cachedStem(piece) : piece;
    if (tok !== '') out.push(tok);
  }
  return out;
}

// Scripts written without spaces between words: every character is a token.
const NO_SPACE_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const UNICODE_TOKEN = /[\p{L}\p{M}\p{N}]+|\p{Extended_Pictographic}/gu;

/**
 * ftlab's Unicode tokenizer (opt-in; not rouge-score's): NFKC, lowercase, tokens are runs of
 * letters/marks/digits, characters of scripts without word spaces (CJK, Thai…) one per token,
 * emoji one per token. Porter stemming applies to ASCII words longer than 3 characters only.
 */
export function unicodeTokenize(text: string, stem: boolean): string[] {
  const out: string[] = [];
  for (const m of text.normalize('NFKC').toLowerCase().matchAll(UNICODE_TOKEN)) {
    const tok = m[0];
    if (NO_SPACE_SCRIPT.test(tok)) {
      // Split the run into single characters of no-space scripts, keeping other runs whole.
      let run = '';
      for (const ch of tok) {
        if (NO_SPACE_SCRIPT.test(ch)) {
          if (run) out.push(run);
          run = '';
          out.push(ch);
        } else run += ch;
      }
      if (run) out.push(run);
    } else {
      out.push(stem && tok.length > 3 && ASCII_WORD.test(tok) ? cachedStem(tok) : tok);
    }
  }
  return out;
}

export function rougeTokenizer(name: RougeTokenizerName): (text: string, stem: boolean) => string[] {
  return name === 'unicode' ? unicodeTokenize : rougeScoreTokenize;
}
