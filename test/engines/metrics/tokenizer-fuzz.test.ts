// The 13a tokenizer is a single-pass scanner for speed; it must give exactly the tokens of the
// regex pipeline sacrebleu runs (kept as tokens13aReference). Seeded random lines built from the
// characters those rules care about.
import { describe, expect, it } from 'vitest';
import { bleuTokens, tokens13aReference } from '../../../src/engines/metrics/tokenizers.js';
import { pyRstrip, pySplit } from '../../../src/engines/metrics/text.js';

const PIECES = [
  'a',
  'B',
  'z',
  '0',
  '1',
  '9',
  '.',
  ',',
  '-',
  "'",
  ' ',
  ' ',
  '\t',
  '\u00a0',
  '\u3000',
  '\x1c',
  '&',
  '&amp;',
  '&quot;',
  '&lt;',
  '<skipped>',
  '(',
  ')',
  '$',
  '%',
  '/',
  ':',
  '@',
  '[',
  '`',
  '{',
  '~',
  '"',
  '?',
  '!',
  'é',
  '中',
  '😀',
  '\u2014',
  '\r',
  '\n',
  '-\n',
  '3.5',
  '1,000',
  '10-20',
  'x.y',
  '..',
  ',,',
];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

describe('13a scanner = 13a regex pipeline', () => {
  it('agrees on 20,000 random lines', () => {
    const r = rng(42);
    const tok = bleuTokens('13a');
    for (let i = 0; i < 20000; i++) {
      let line = '';
      const n = 1 + Math.floor(r() * 25);
      for (let k = 0; k < n; k++) line += PIECES[Math.floor(r() * PIECES.length)];
      expect(tok(line), JSON.stringify(line)).toEqual(tokens13aReference(line));
    }
  });
  it('pySplit and pyRstrip follow Python on its whitespace set', () => {
    expect(pySplit(' a\u00a0b\x1cc\u0085d\ufeffe ')).toEqual(['a', 'b', 'c', 'd\ufeffe']);
    expect(pyRstrip('x \t\u3000')).toBe('x');
    expect(pySplit('')).toEqual([]);
  });
});
