// Constrained decoding: the byte matcher against hand-written documents, schema compilation and its 400s,
// token masks against a brute-force check, random walks through the masks of fuzzed schemas (every walk
// that ends validates; from every state a completion exists) with the byte vocabulary and a BPE one, and
// generateStream with a real (tiny) model under a constraint.
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Matcher } from '../../../src/engines/llm/constrained/automaton.js';
import { exampleJson } from '../../../src/engines/llm/constrained/example.js';
import type { OutputFormat } from '../../../src/engines/llm/constrained/grammar.js';
import { formatConstraint, grammarFor, maskTable, SchemaError } from '../../../src/engines/llm/constrained/index.js';
import { compileFormat } from '../../../src/engines/llm/constrained/schema.js';
import { tokenVocab } from '../../../src/engines/llm/constrained/token-mask.js';
import { generate, InferenceModel } from '../../../src/engines/llm/generate.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { loadTokenizer } from '../../../src/engines/llm/special-tokens.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';
import { fuzzParams } from '../../helpers/fuzz.js';
import { decode, randomWalk, schemaArb, completion, validates } from './constrained-helpers.js';
import { tinyConfig } from './helpers.js';

const schemaFormat = (schema: Record<string, unknown> | boolean): OutputFormat => ({
  type: 'json_schema',
  schema: schema as Record<string, unknown>,
});
const bytesTok = Tokenizer.bytes();
const bpeTok = loadTokenizer(join(__dirname, 'fixtures/tokenizers/llama3'));

/** Whether `text` is a complete document of the format / a prefix of one. */
function judge(format: OutputFormat, text: string): 'complete' | 'prefix' | 'rejected' {
  const m = new Matcher(compileFormat(format));
  const st = m.feedAll(m.initial(), new TextEncoder().encode(text));
  if (!st.length) return 'rejected';
  return m.canEnd(st) ? 'complete' : 'prefix';
}

describe('the byte matcher', () => {
  it('accepts JSON objects for format "json" and refuses everything else', () => {
    const json: OutputFormat = { type: 'json' };
    for (const doc of [
      '{}',
      '{"a":1}',
      '{"a": [1, 2.5e-3, -0, true, null, "x\\u00e9\\n"], "b": {"c": {}}}',
      '{ "k": "日本😀" }',
      '{"":""}',
    ])
      expect(judge(json, doc), doc).toBe('complete');
    for (const doc of ['{"a":', '{"a":1,', '{"a":"日', '{"a":12', '{"a":-', '{"a":1.', '{"a":[{"b":[nul'])
      expect(judge(json, doc), doc).toBe('prefix');
    for (const doc of [
      '[]',
      '1',
      '"x"',
      '{"a":01}',
      '{"a":1,}',
      '{a:1}',
      '{"a":1}x',
      '{"a":"\x01"}',
      "{'a':1}",
      '{"a":.5}',
      '{"a":1e}x',
      '{"a":tru }',
      '{"a":"\\ud800"}',
    ])
      expect(judge(json, doc), doc).toBe('rejected');
  });

  it('checks UTF-8 byte by byte, so a character may be split between tokens but never malformed', () => {
    const m = new Matcher(compileFormat({ type: 'json' }));
    const ok = new TextEncoder().encode('{"k":"é日😀"}');
    let st = m.initial();
    for (const b of ok) {
      st = m.feed(st, b);
      expect(st.length).toBeGreaterThan(0);
    }
    expect(m.canEnd(st)).toBe(true);
    const prefix = m.feedAll(m.initial(), new TextEncoder().encode('{"k":"'));
    for (const bad of [[0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0x80], [0xc3, 0x41]])
      expect(m.feedAll(prefix, bad), bad.join(',')).toEqual([]);
  });

  it('nests objects and arrays at most 64 deep, and refuses schemas that need more', () => {
    const json: OutputFormat = { type: 'json' };
    const nested = (n: number) => `{"a":${'['.repeat(n)}${']'.repeat(n)}}`;
    expect(judge(json, nested(63))).toBe('complete');
    expect(judge(json, nested(64))).toBe('rejected');
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 70; i++) deep = { type: 'object', properties: { x: deep }, required: ['x'] };
    expect(() => compileFormat(schemaFormat(deep))).toThrow(/deeper than 64/);
    for (let i = 0; i < 40; i++) deep = { type: 'array', items: deep };
    expect(() => compileFormat(schemaFormat(deep))).toThrow(/nests deeper than 100/);
  });

  it('limits whitespace to one space between tokens', () => {
    const json: OutputFormat = { type: 'json' };
    expect(judge(json, '{ "a" : [1, 2] }')).toBe('complete');
    expect(judge(json, ' {}')).toBe('complete');
    for (const doc of ['{  "a": 1}', '{\n"a": 1}', '{\t"a": 1}', '{"a":\r1}', '{} ']) expect(judge(json, doc), doc).toBe('rejected');
  });

  it('follows a schema: declared order, required keys, enums, bounds, lengths, nullable, $ref recursion', () => {
    const person = schemaFormat({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 3 },
        age: { type: 'integer', minimum: 0, maximum: 120 },
        mood: { enum: ['happy', 'sad', 1, null] },
        score: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        note: { type: 'string', nullable: true },
      },
      required: ['name', 'age'],
      additionalProperties: false,
    });
    const cases: [string, ReturnType<typeof judge>][] = [
      ['{"name":"Bo","age":7}', 'complete'],
      ['{"name":"Bo","age":120,"mood":"sad","score":0.5,"note":null}', 'complete'],
      ['{"name":"Bo","age":7,"score":1}', 'complete'],
      ['{"name":"Bo","age":7,"note":"x"}', 'complete'],
      ['{"age":7,"name":"Bo"}', 'rejected'], // declared order
      ['{"name":"Bo"}', 'rejected'], // age is required
      ['{"name":"","age":7}', 'rejected'], // minLength
      ['{"name":"Bobby","age":7}', 'rejected'], // maxLength
      ['{"name":"Bo","age":121}', 'rejected'],
      ['{"name":"Bo","age":-1}', 'rejected'],
      ['{"name":"Bo","age":7.5}', 'rejected'],
      ['{"name":"Bo","age":7,"mood":"glad"}', 'rejected'],
      ['{"name":"Bo","age":7,"score":0}', 'rejected'], // exclusive
      ['{"name":"Bo","age":7,"score":1.5}', 'rejected'],
      ['{"name":"Bo","age":7,"extra":1}', 'rejected'],
      ['{"name":"Bo","age":12', 'prefix'],
      ['{"name":"Bo","age":7,"mood":1', 'prefix'],
      ['{"name":"😀","age":7}', 'rejected'], // under a maxLength, only BMP characters (zod counts UTF-16 units)
      ['{"name":"é日","age":7}', 'complete'],
    ];
    for (const [doc, want] of cases) expect(judge(person, doc), doc).toBe(want);
    const tree = schemaFormat({
      $defs: {
        node: {
          type: 'object',
          properties: { v: { type: 'integer' }, kids: { type: 'array', items: { $ref: '#/$defs/node' }, maxItems: 2 } },
          required: ['v'],
          additionalProperties: false,
        },
      },
      $ref: '#/$defs/node',
    });
    expect(judge(tree, '{"v":1,"kids":[{"v":2},{"v":3,"kids":[{"v":4}]}]}')).toBe('complete');
    expect(judge(tree, '{"v":1,"kids":[{"v":2},{"v":3},{"v":4}]}')).toBe('rejected');
  });

  it('bounds numbers exactly as JSON.parse reads them', () => {
    const f = schemaFormat({ type: 'number', minimum: 0.1, exclusiveMaximum: 0.3 });
    expect(judge(f, '0.1')).toBe('complete');
    expect(judge(f, '0.2999')).toBe('complete');
    expect(judge(f, '0.3')).toBe('rejected'); // nothing that starts with 0.3 is below 0.3
    expect(judge(f, '0.2')).toBe('complete');
    expect(judge(f, '0.')).toBe('prefix');
    expect(judge(f, '0.09')).toBe('rejected');
    expect(judge(f, '1')).toBe('rejected');
    expect(judge(f, '-')).toBe('rejected');
    const big = schemaFormat({ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }); // zod's int()
    expect(judge(big, '-123456789012345')).toBe('complete');
    expect(judge(big, '1234567890123456')).toBe('rejected'); // 16 digits: beyond what is written
  });
});

describe('schema compilation', () => {
  it('refuses unsupported keywords with a one-line error naming the keyword and where it is', () => {
    const cases: [unknown, string, string][] = [
      [{ type: 'string', pattern: '^a' }, 'pattern', '#'],
      [{ type: 'object', properties: { when: { type: 'string', format: 'date-time' } } }, 'format', '#/properties/when'],
      [{ type: 'number', multipleOf: 2 }, 'multipleOf', '#'],
      [{ type: 'array', items: { type: 'integer' }, uniqueItems: true }, 'uniqueItems', '#'],
      [{ type: 'array', prefixItems: [] }, 'prefixItems', '#'],
      [{ not: {} }, 'not', '#'],
      [{ type: 'object', patternProperties: {} }, 'patternProperties', '#'],
      [{ type: 'object', minProperties: 1 }, 'minProperties', '#'],
      [{ if: {}, then: {} }, 'if', '#'],
      [{ allOf: [{ type: 'string' }, { maxLength: 2 }] }, 'allOf', '#'],
      [{ oneOf: [{ type: 'string' }, { type: 'string', maxLength: 1 }] }, 'oneOf', '#'],
      [{ type: 'object', anyOf: [{}] }, 'type', '#'],
      [{ $ref: 'https://example.com/s.json' }, '$ref', '#'],
      [{ $ref: '#/$defs/missing' }, '$ref', '#'],
      [{ type: 'str' }, 'type', '#'],
      [{ type: 'object', required: ['a'], additionalProperties: false }, 'required', '#'],
    ];
    for (const [schema, keyword, path] of cases) {
      let err: unknown;
      try {
        compileFormat(schemaFormat(schema as Record<string, unknown>));
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(schema)).toBeInstanceOf(SchemaError);
      expect((err as SchemaError).keyword, JSON.stringify(schema)).toBe(keyword);
      expect((err as SchemaError).path).toBe(path);
      expect((err as SchemaError).message).not.toContain('\n');
      expect((err as SchemaError).message).toContain(keyword);
    }
  });

  it('says when a schema allows no value at all', () => {
    for (const schema of [
      { enum: [] },
      { type: 'integer', minimum: 5, maximum: 4 },
      { type: 'string', minLength: 3, maxLength: 2 },
      { type: 'string', enum: [1, 2] },
      false,
    ])
      expect(() => compileFormat(schemaFormat(schema as Record<string, unknown>)), JSON.stringify(schema)).toThrow(/allows no value/);
  });

  it('accepts the annotations frameworks add, and OpenAPI nullable', () => {
    const g = compileFormat(
      schemaFormat({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'Answer',
        description: 'x',
        type: 'object',
        properties: {
          a: { type: 'string', description: 'd', default: 'x', examples: ['y'], 'x-order': 1 },
          b: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null, title: 'B' },
        },
        required: ['a', 'b'],
        additionalProperties: false,
      }),
    );
    expect(g.nodes.length).toBeGreaterThan(0);
  });
});

describe('token masks', () => {
  it('equal a brute-force check of every token, for the byte and the BPE vocabulary', () => {
    const format = schemaFormat({
      type: 'object',
      properties: {
        city: { type: 'string', maxLength: 8 },
        n: { type: 'integer', minimum: -20, maximum: 300 },
        ok: { type: 'boolean' },
        tags: { type: 'array', items: { enum: ['a', 'bc'] } },
      },
      required: ['city', 'n'],
      additionalProperties: false,
    });
    for (const tok of [bytesTok, bpeTok]) {
      const table = maskTable(grammarFor(format), tokenVocab(tok, tok.vocabSize));
      const m = table.matcher;
      const rng = new Rng(5);
      for (let walk = 0; walk < 6; walk++) {
        let st = m.initial();
        for (let step = 0; step < 40; step++) {
          const e = table.entry(st);
          const brute: number[] = [];
          for (let id = 0; id < tok.vocabSize; id++) {
            const bytes = table.vocab.bytesOf[id];
            if (bytes.length && m.feedAll(st, bytes).length) brute.push(id);
          }
          if (m.canEnd(st)) brute.push(...table.vocab.stopIds);
          expect([...e.ids]).toEqual(brute.sort((a, b) => a - b));
          const body = [...e.ids].filter((id) => !table.vocab.stopIds.includes(id));
          if (!body.length) break;
          st = m.feedAll(st, table.vocab.bytesOf[body[Math.floor(rng.next() * body.length)]]);
        }
      }
    }
  });

  it('fuzzed schemas: every walk that ends validates, and every state reached can still be completed', () => {
    const vocabs = [tokenVocab(bytesTok, bytesTok.vocabSize), tokenVocab(bpeTok, bpeTok.vocabSize)];
    fc.assert(
      fc.property(schemaArb(), fc.integer({ min: 0, max: 1e6 }), (schema, seed) => {
        let g;
        try {
          g = grammarFor(schemaFormat(schema));
        } catch (e) {
          // Only schemas that allow nothing may be refused (the fuzzer builds no unsupported keyword).
          if (e instanceof SchemaError && /allows no value/.test(e.message)) return;
          throw e;
        }
        const example = exampleJson(g, 'hello "world"');
        const ex = validates(schema, example);
        expect(ex.ok, `example: ${JSON.stringify(schema)} ${!ex.ok ? ex.why : ''}`).toBe(true);
        for (const vocab of vocabs) {
          const table = maskTable(g, vocab);
          const rng = new Rng(seed);
          const { bytes, stacks, stopped } = randomWalk(table, rng, 120);
          let doc = bytes;
          if (!stopped) {
            const tail = completion(table, stacks);
            if (!tail) expect.fail(`no completion after ${Buffer.from(bytes).toString()} for ${JSON.stringify(schema)}`);
            doc = [...bytes, ...tail];
          }
          const text = decode(doc);
          const r = validates(schema, text);
          expect(r.ok, `${JSON.stringify(schema)}\n${!r.ok ? r.why : ''}`).toBe(true);
        }
      }),
      fuzzParams(150),
    );
  }, 600_000);
});

describe('generateStream under a constraint', () => {
  const cfg = tinyConfig({
    vocabSize: 258,
    bosTokenId: 256,
    eosTokenId: 257,
    hiddenSize: 16,
    headDim: 4,
    numHeads: 4,
    numKvHeads: 2,
    maxPositions: 512,
  });
  const im = new InferenceModel(LlamaModel.init(cfg, new Rng(3)));
  const prompt = bytesTok.encode('User: give me JSON\nAssistant: ');

  it('replies with documents that validate, with temperature, top-k, top-p and seeds applied', async () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string', maxLength: 10 }, n: { type: 'integer', minimum: 1, maximum: 5 }, flag: { type: 'boolean' } },
      required: ['answer', 'n', 'flag'],
      additionalProperties: false,
    };
    const texts = new Set<string>();
    for (let seed = 0; seed < 8; seed++) {
      const r = await generate(im, bytesTok, prompt, {
        maxTokens: 400,
        temperature: 1,
        topK: 40,
        topP: 0.95,
        seed,
        constraint: formatConstraint(schemaFormat(schema), bytesTok, cfg.vocabSize),
      });
      expect(r.doneReason).toBe('stop');
      expect(validates(schema, r.text).ok, r.text).toBe(true);
      texts.add(r.text);
      const again = await generate(im, bytesTok, prompt, {
        maxTokens: 400,
        temperature: 1,
        topK: 40,
        topP: 0.95,
        seed,
        constraint: formatConstraint(schemaFormat(schema), bytesTok, cfg.vocabSize),
      });
      expect(again.text).toBe(r.text);
    }
    expect(texts.size).toBeGreaterThan(1);
    const greedy = await generate(im, bytesTok, prompt, {
      maxTokens: 400,
      temperature: 0,
      constraint: formatConstraint({ type: 'json' }, bytesTok, cfg.vocabSize),
    });
    expect(greedy.text.startsWith('{')).toBe(true);
  });

  it('cuts a reply that runs out of tokens with doneReason "length" (a prefix of a valid document)', async () => {
    const r = await generate(im, bytesTok, prompt, {
      maxTokens: 5,
      temperature: 1,
      seed: 1,
      constraint: formatConstraint({ type: 'json' }, bytesTok, cfg.vocabSize),
    });
    expect(r.doneReason).toBe('length');
    expect(r.tokens).toHaveLength(5);
    expect(judge({ type: 'json' }, r.text)).not.toBe('rejected');
  });

  it('leaves unconstrained sampling exactly as it was', async () => {
    const a = await generate(im, bytesTok, prompt, { maxTokens: 30, temperature: 0.9, topK: 40, topP: 0.9, seed: 4 });
    const all = { allowed: () => Int32Array.from({ length: 258 }, (_, i) => i), finished: () => false, accept: () => undefined };
    const b = await generate(im, bytesTok, prompt, { maxTokens: 30, temperature: 0.9, topK: 40, topP: 0.9, seed: 4, constraint: all });
    expect(b.text).toBe(a.text);
  });
});
