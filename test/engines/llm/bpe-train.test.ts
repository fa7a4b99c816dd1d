// ftlab's byte-level BPE trainer (src/engines/llm/bpe-train.ts) learns what Hugging Face's BpeTrainer
// learns: the same vocabulary and merges, in the same order, on 785 varied texts (the tokenizer parity
// strings, course prose, tickets) at a size where training stops on the vocabulary size and at one where
// it runs out of pairs seen twice. bpe-train.json was written by the Rust library (scripts/tokenizer_parity.py).
// The tokenizer.json it writes loads in ftlab's tokenizer and spells every training word with its merges.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bpeTokenizerJson, countWords, trainBpe } from '../../../src/engines/llm/bpe-train.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';

const F = join(__dirname, 'fixtures/tokenizers');
const texts: string[] = JSON.parse(readFileSync(join(F, 'bpe-train-texts.json'), 'utf8'));
const reference: {
  tokenizers_version: string;
  runs: Array<{ vocab_size: number; min_frequency: number; vocab: Record<string, number>; merges: Array<[string, string]> }>;
} = JSON.parse(readFileSync(join(F, 'bpe-train.json'), 'utf8'));

describe(`BPE trainer equals Hugging Face tokenizers ${reference.tokenizers_version} BpeTrainer`, () => {
  const words = countWords(texts);

  for (const run of reference.runs) {
    it(`vocab_size ${run.vocab_size}: the same ${run.merges.length} merges in order and the same ids`, () => {
      const r = trainBpe(words, { vocabSize: run.vocab_size, specialTokens: ['<s>', '</s>'], minFrequency: run.min_frequency });
      expect(r.merges.length).toBe(run.merges.length);
      const firstDiff = r.merges.findIndex((m, i) => m[0] !== run.merges[i][0] || m[1] !== run.merges[i][1]);
      expect(firstDiff).toBe(-1);
      expect(Object.fromEntries(r.vocab)).toEqual(run.vocab);
    });
  }

  it('one run stops on the vocabulary size, the other when no pair is seen twice', () => {
    const [small, large] = reference.runs;
    expect(Object.keys(small.vocab).length).toBe(small.vocab_size);
    expect(Object.keys(large.vocab).length).toBeLessThan(large.vocab_size);
  });

  it("HF's own trainer example: 're', 'are', 'is' are the merges seen twice, in that order", () => {
    const counts = new Map(
      Object.entries({ roses: 1, are: 2, red: 1, voilets: 1, blue: 1, BERT: 1, is: 2, big: 1, and: 1, so: 1, 'GPT-2': 1 }),
    );
    const r = trainBpe(counts, { vocabSize: 1000, specialTokens: [], minFrequency: 2 });
    expect(r.merges).toEqual([
      ['r', 'e'],
      ['a', 're'],
      ['i', 's'],
    ]);
    // special tokens first, then the 256 byte characters in code-point order, then the merges
    const s = trainBpe(counts, { vocabSize: 1000, specialTokens: ['<s>', '</s>'] });
    expect([...s.vocab].slice(0, 4)).toEqual([
      ['<s>', 0],
      ['</s>', 1],
      ['!', 2],
      ['"', 3],
    ]);
    expect(s.vocab.get('re')).toBe(258);
    expect(s.vocab.size).toBe(261);
  });

  it('the finished vocabulary has exactly vocabSize tokens when there are enough pairs', () => {
    const r = trainBpe(words, { vocabSize: 300, specialTokens: ['<s>', '</s>'] });
    expect(r.vocab.size).toBe(300);
    expect(r.merges.length).toBe(42);
    expect(new Set(r.vocab.values()).size).toBe(300);
  });

  it('maxTokenLength caps merged tokens; minFrequency stops merging rare pairs', () => {
    const capped = trainBpe(words, { vocabSize: 1200, specialTokens: [], maxTokenLength: 3 });
    for (const [a, b] of capped.merges) expect([...(a + b)].length).toBeLessThanOrEqual(3);
    const free = trainBpe(words, { vocabSize: 1200, specialTokens: [] });
    expect(free.merges.some(([a, b]) => [...(a + b)].length > 3)).toBe(true);
    const frequent = trainBpe(words, { vocabSize: 100000, specialTokens: [], minFrequency: 50 });
    const all = trainBpe(words, { vocabSize: 100000, specialTokens: [], minFrequency: 2 });
    expect(frequent.merges.length).toBeLessThan(all.merges.length);
    expect(all.merges.slice(0, frequent.merges.length)).toEqual(frequent.merges);
  });

  it('refuses a vocabulary too small for the byte alphabet and the special tokens', () => {
    expect(() => trainBpe(words, { vocabSize: 257, specialTokens: ['<s>', '</s>'] })).toThrow(/no room/);
  });

  it('writes a tokenizer.json that ftlab loads: every training word is spelled with its merges, BOS comes first', () => {
    const r = trainBpe(words, { vocabSize: 800, specialTokens: ['<s>', '</s>'] });
    const json = bpeTokenizerJson(r, { bos: '<s>' });
    const tok = new Tokenizer(json);
    expect(tok.vocabSize).toBe(800);
    expect(tok.bosId).toBe(0);
    expect(tok.eosId).toBe(1);
    const text = 'The refund never reached my card.';
    const ids = tok.encode(text);
    expect(ids[0]).toBe(0);
    expect(tok.decode(ids)).toBe(text);
    expect(ids.length - 1).toBeLessThan(Buffer.byteLength(text) / 2);
    // the most frequent words become single tokens
    const top = [...words].sort((a, b) => b[1] - a[1]).slice(0, 20);
    for (const [w] of top) expect(tok.vocab.has(w)).toBe(true);
    for (const s of texts.slice(0, 300)) expect(tok.decode(tok.encodeOrdinary(s), false)).toBe(s);
    expect(() => bpeTokenizerJson(r, { bos: '<bos>' })).toThrow(/not one of the special tokens/);
  });
});
