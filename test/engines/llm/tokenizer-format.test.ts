// tokenizer.json sections the engine cannot honour exactly are one-line TokenizerErrors naming the JSON
// path (never a silently different split), and the Oniguruma → JS regex translation keeps Oniguruma's
// Unicode meaning of \s, \d, \w, ., ^/$ and (?i:…) (values checked against tokenizers 0.23.2).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileOnigRegex, RegexTranslationError } from '../../../src/engines/llm/tokenizer-regex.js';
import { Tokenizer, TokenizerError } from '../../../src/engines/llm/tokenizer.js';

const llama3 = JSON.parse(readFileSync(join(__dirname, 'fixtures/tokenizers/llama3/tokenizer.json'), 'utf8'));
const edited = (fn: (j: Record<string, any>) => void) => {
  const j = structuredClone(llama3);
  fn(j);
  return () => new Tokenizer(j, 'x/tokenizer.json');
};
const split = (pattern: string, s: string) => s.match(compileOnigRegex(pattern)) ?? [];

describe('Oniguruma patterns in JS', () => {
  it('\\s is White_Space (U+0085 and U+00A0 yes, U+FEFF and U+200B no), \\d is Nd, \\w has marks and No', () => {
    expect(['\u00a0', '\u0085', '\u3000', '\u2028'].every((c) => split('\\s+', `a${c}b`).length === 1)).toBe(true);
    expect(['\ufeff', '\u200b', '\u180e', '\u001c'].every((c) => split('\\s+', `a${c}b`).length === 0)).toBe(true);
    expect(split('\\d+', '12\u0663\u00b2x')).toEqual(['12\u0663']);
    expect(split('\\w+', 'ab_\u0301\u00b2x-')).toEqual(['ab_\u0301\u00b2x']);
  });

  it('. stops only at \\n, ^ and $ are line anchors, (?i:…) folds case, {,n} is a quantifier', () => {
    expect(split('.', 'a\nb\r\u2028')).toEqual(['a', 'b', '\r', '\u2028']);
    expect(split('^a', 'a\na ba')).toEqual(['a', 'a']);
    expect(split('a$', 'a\nba ba')).toEqual(['a', 'a']);
    expect(split("(?i:'s|'ll)", "IT'S WE'LL it's")).toEqual(["'S", "'LL", "'s"]);
    expect(split('x{,2}y', 'xxxy')).toEqual(['xxy']);
  });

  it('constructs with no JS equivalent are refused, not approximated', () => {
    for (const p of ['a++', 'a*+', '(?>ab)', '[a[b]]', '[a&&b]', '(?x) a', '\\G'])
      expect(() => compileOnigRegex(p), p).toThrow(RegexTranslationError);
  });
});

describe('tokenizer.json sections that cannot be used', () => {
  const cases: Array<[string, (j: Record<string, any>) => void, RegExp]> = [
    [
      'Metaspace pre-tokenizer',
      (j) => (j.pre_tokenizer = { type: 'Metaspace', replacement: '▁' }),
      /pre_tokenizer\.type: "Metaspace" is not supported/,
    ],
    ['no ByteLevel step', (j) => (j.pre_tokenizer = j.pre_tokenizer.pretokenizers[0]), /has no ByteLevel step/],
    [
      'possessive quantifier in a Split',
      (j) => (j.pre_tokenizer.pretokenizers[0].pattern.Regex = '\\p{L}++'),
      /pre_tokenizer\.pretokenizers\[0\]\.pattern\.Regex: .*possessive/,
    ],
    ['unknown Split behaviour', (j) => (j.pre_tokenizer.pretokenizers[0].behavior = 'Merged'), /behavior: must be one of/],
    ['BERT normalizer', (j) => (j.normalizer = { type: 'BertNormalizer' }), /normalizer\.type: "BertNormalizer" is not supported/],
    ['decoder missing', (j) => (j.decoder = null), /decoder: null is not supported/],
    ['BPE dropout', (j) => (j.model.dropout = 0.1), /model\.dropout is set/],
    ['template naming an unknown token', (j) => (j.post_processor.processors[1].special_tokens = {}), /has no ids/],
    ['added token id that HF would renumber', (j) => (j.added_tokens[1].id += 5), /added_tokens\[1\] "<\|end_of_text\|>" has id/],
    ['merge of tokens not in the vocabulary', (j) => j.model.merges.push(['zz', 'qq']), /model\.merges\[400\]/],
  ];
  for (const [name, fn, re] of cases)
    it(name, () => {
      const make = edited(fn);
      expect(make).toThrow(TokenizerError);
      expect(make).toThrow(/^x\/tokenizer\.json: /);
      expect(make).toThrow(re);
    });

  it('merges as "a b" strings and as [a, b] pairs encode alike', () => {
    const asStrings = structuredClone(llama3);
    asStrings.model.merges = asStrings.model.merges.map((m: string[]) => m.join(' '));
    const a = new Tokenizer(llama3);
    const b = new Tokenizer(asStrings);
    const text = 'The learning rate controls the step size; LoRA trains two small matrices.';
    expect(b.encode(text)).toEqual(a.encode(text));
    expect(a.encode(text).length).toBeLessThan(text.length / 2);
  });
});
