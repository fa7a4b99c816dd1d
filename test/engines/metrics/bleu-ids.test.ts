// BLEU counts n-grams over token ids (token-ids.ts, ngram-table.ts) for speed. These tests hold
// the fast path to the plain definitions: the fused 13a scan gives exactly the tokens of the 13a
// regex pipeline, and the clipped counts equal a string-keyed count over every order.
import { describe, expect, it } from 'vitest';
import { BleuScorer } from '../../../src/engines/metrics/bleu.js';
import { tokens13aReference } from '../../../src/engines/metrics/tokenizers.js';
import { IdSeq, TokenInterner, ids13a } from '../../../src/engines/metrics/token-ids.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

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
  ' ',
  '\t',
  '\u00a0',
  '\u3000',
  '\x1c',
  '&',
  '&amp;',
  '&quot;',
  '<skipped>',
  '(',
  ')',
  '$',
  '/',
  ':',
  '@',
  '[',
  '`',
  '{',
  '~',
  '"',
  '?',
  'é',
  '中',
  '😀',
  '\u2014',
  '\n',
  '-\n',
  '3.5',
  '1,000',
  '10-20',
  'x.y',
  '..',
  'cat.',
  'dog,',
  'a-b',
  '7.',
  'state-of-the-art',
];

describe('ids13a', () => {
  it('gives the tokens of the 13a regex pipeline on 20,000 random lines', () => {
    const r = rng(7);
    const interner = new TokenInterner();
    const out = new IdSeq();
    for (let i = 0; i < 20000; i++) {
      let line = '';
      const n = 1 + Math.floor(r() * 30);
      for (let k = 0; k < n; k++) line += PIECES[Math.floor(r() * PIECES.length)];
      ids13a(line, interner, out);
      const got = Array.from(out.ids.subarray(0, out.length), (id) => interner.token(id));
      expect(got, JSON.stringify(line)).toEqual(tokens13aReference(line));
    }
  });

  it('interns equal tokens to one id and distinct tokens to distinct ids, across table growth', () => {
    const interner = new TokenInterner();
    const ids = new Map<string, number>();
    for (let i = 0; i < 50000; i++) {
      const t = `w${i % 20000}`;
      const id = interner.intern(t);
      if (ids.has(t)) expect(id).toBe(ids.get(t));
      else ids.set(t, id);
    }
    expect(new Set(ids.values()).size).toBe(20000);
    expect(interner.size).toBe(20000);
  });

  it('starts over once the vocabulary limit is reached, and only when asked between segments', () => {
    const interner = new TokenInterner(3);
    for (const t of ['a', 'b', 'c', 'd']) interner.intern(t);
    expect(interner.size).toBe(4);
    interner.resetIfFull();
    expect(interner.size).toBe(0);
    expect(interner.intern('d')).toBe(1);
    expect(interner.token(1)).toBe('d');
  });
});

/** Clipped n-gram matches by the definition: string keys, max count over references. */
function naiveCorrect(hyp: string[], refs: string[][]): number[] {
  const correct = [0, 0, 0, 0];
  for (let n = 1; n <= 4; n++) {
    const grams = (t: string[]) => {
      const m = new Map<string, number>();
      for (let i = 0; i + n <= t.length; i++) {
        const k = t.slice(i, i + n).join('\u0001');
        m.set(k, (m.get(k) ?? 0) + 1);
      }
      return m;
    };
    const maxRef = new Map<string, number>();
    for (const r of refs) for (const [k, c] of grams(r)) maxRef.set(k, Math.max(maxRef.get(k) ?? 0, c));
    for (const [k, c] of grams(hyp)) correct[n - 1] += Math.min(c, maxRef.get(k) ?? 0);
  }
  return correct;
}

describe('clipped n-gram counts over ids', () => {
  it('equal the string-keyed definition for random segments with 1-3 references, short and long', () => {
    const r = rng(99);
    const vocab = ['the', 'a', 'cat', 'sat', 'on', 'mat', '.', ',', 'dog', 'ran'];
    const words = (len: number) => Array.from({ length: len }, () => vocab[Math.floor(r() * vocab.length)]);
    const scorer = new BleuScorer({ tokenize: 'none' });
    for (let i = 0; i < 3000; i++) {
      // Mostly short lines; now and then one long enough to grow the n-gram table.
      const len = () => (r() < 0.01 ? 1500 + Math.floor(r() * 1500) : Math.floor(r() * 30));
      const hyp = words(len());
      const refs = Array.from({ length: 1 + Math.floor(r() * 3) }, () => words(len()));
      const stats = scorer.segmentStats(
        hyp.join(' '),
        refs.map((x) => x.join(' ')),
      );
      expect(stats.slice(2, 6)).toEqual(naiveCorrect(hyp, refs));
      expect(stats[0]).toBe(hyp.length);
    }
  });
});
