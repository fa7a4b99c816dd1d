// ftlab's tokenizer gives Hugging Face `tokenizers`' ids and text (issue #13 point 4): 265 strings (ASCII,
// Unicode, emoji, CJK, whitespace runs, numbers, code, special tokens inline) through the shipped byte
// tokenizer and three fixtures laid out as Llama-3, Qwen2 and an extended GPT-2 tokenizer.json, compared
// with expected.json, which scripts/tokenizer_parity.py wrote from the Rust library. With `tokenizers`
// importable in Python the script is re-run and compared live as well.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../../src/engines/llm/special-tokens.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';

const root = join(__dirname, '../../..');
const F = join(__dirname, 'fixtures/tokenizers');
const corpus: string[] = JSON.parse(readFileSync(join(F, 'corpus.json'), 'utf8'));
interface Row {
  ids: number[];
  plain: number[];
  ordinary: number[];
  keep: string;
  skip: string;
}
const expected: { tokenizers_version: string; results: Record<string, Row[]> } = JSON.parse(readFileSync(join(F, 'expected.json'), 'utf8'));

const tokenizers: Record<string, () => Tokenizer> = {
  shipped: () => Tokenizer.fromFile(join(root, 'labs/lora/base/tokenizer.json')),
  llama3: () => loadTokenizer(join(F, 'llama3')),
  qwen2: () => loadTokenizer(join(F, 'qwen2')),
  gpt2x: () => loadTokenizer(join(F, 'gpt2x')),
};

/** Every disagreement with the reference, described (an empty list is a pass). */
function differences(tok: Tokenizer, rows: Row[]): string[] {
  const out: string[] = [];
  corpus.forEach((s, i) => {
    const r = rows[i];
    const got: Row = {
      ids: tok.encode(s),
      plain: tok.encode(s, { addSpecial: false }),
      ordinary: tok.encodeOrdinary(s),
      keep: tok.decode(r.ids, false),
      skip: tok.decode(r.ids, true),
    };
    for (const k of ['ids', 'plain', 'ordinary', 'keep', 'skip'] as const)
      if (JSON.stringify(got[k]) !== JSON.stringify(r[k]))
        out.push(`#${i} ${JSON.stringify(s)} ${k}: got ${JSON.stringify(got[k])}, tokenizers ${JSON.stringify(r[k])}`);
  });
  return out;
}

describe(`tokenizer ids equal Hugging Face tokenizers ${expected.tokenizers_version}`, () => {
  it('the corpus is varied and large enough to mean something', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus).size).toBeGreaterThan(200);
    for (const re of [/\p{Script=Han}/u, /\p{Extended_Pictographic}/u, /\s{3,}/u, /\d{4,}/u, /[{};]/u, /<\|eot_id\|>/u, /\u0301/u])
      expect(corpus.some((s) => re.test(s))).toBe(true);
  });

  for (const name of Object.keys(tokenizers)) {
    it(`${name}: encode with and without special tokens, special tokens as text, decode`, () => {
      const tok = tokenizers[name]();
      const rows = expected.results[name];
      expect(rows).toHaveLength(corpus.length);
      const diff = differences(tok, rows);
      expect(diff.slice(0, 5), `${diff.length} of ${corpus.length * 5} values differ`).toEqual([]);
    });
  }

  it('the fixtures exercise merges: BPE tokenizers use far fewer ids than bytes on English', () => {
    const sentences = [
      'LoRA freezes the base model and trains two small matrices.',
      'The learning rate controls the step size of gradient descent.',
    ];
    const english = sentences.map((s) => [s, corpus.indexOf(s)] as const);
    expect(english.every(([, i]) => i >= 0)).toBe(true);
    for (const [s, i] of english) {
      const bytes = new TextEncoder().encode(s).length;
      for (const name of ['shipped', 'llama3', 'qwen2', 'gpt2x'])
        expect(expected.results[name][i].ordinary.length).toBeLessThan(0.5 * bytes);
    }
  });

  it('decode(encode(s)) gives s back for the tokenizers without a normalizer', () => {
    for (const name of ['shipped', 'llama3']) {
      const tok = tokenizers[name]();
      for (const s of corpus) expect(tok.decode(tok.encode(s, { addSpecial: false }), false)).toBe(s);
    }
  });

  const python = ['python3', '/usr/bin/python3'].find(
    (py) => spawnSync(py, ['-c', 'import tokenizers'], { encoding: 'utf8' }).status === 0,
  );
  it.skipIf(!python)('live: scripts/tokenizer_parity.py agrees with the committed expected.json', () => {
    const out = execFileSync(python!, [join(root, 'scripts/tokenizer_parity.py'), '--check'], { encoding: 'utf8' });
    expect(out).toContain('agrees');
  });
});
