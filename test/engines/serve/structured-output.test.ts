// Structured output over real HTTP on 127.0.0.1, driven by the clients people use: the official `ollama`
// package (`format`), the `openai` package (`response_format`), and LangChain's withStructuredOutput
// (ChatOllama and ChatOpenAI, zod schemas) against `ftlab backend`; `ftlab serve` passing both fields on to
// the backend it fronts; the echo backend's stand-in answers. Every reply must parse and validate against
// its schema: fuzzed schemas and seeds, with the shipped byte-level micro model and a BPE model.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeBackend } from '../../../src/commands/serve.js';
import type { LlamaConfig } from '../../../src/engines/llm/config.js';
import { grammarFor } from '../../../src/engines/llm/constrained/index.js';
import { saveModel } from '../../../src/engines/llm/io.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { llamaParamEntries, ParamSet } from '../../../src/engines/llm/params.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { loadTokenizer } from '../../../src/engines/llm/special-tokens.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { startEchoBackend, type EchoBackend } from '../../../src/engines/serve/echo-backend.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { fuzzParams } from '../../helpers/fuzz.js';
import { maxBytes, schemaArb, validates } from '../llm/constrained-helpers.js';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const MICRO = 'ftlab-micro';
const TINY = 'tiny-bytes';
const BPE = 'tiny-bpe';

/** A small random Llama over `tok` with a long context, so that every bounded schema can be completed. */
function writeModel(tok: Tokenizer, seed: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-structured-'));
  const config: LlamaConfig = {
    vocabSize: tok.vocabSize,
    hiddenSize: 16,
    intermediateSize: 32,
    numLayers: 1,
    numHeads: 2,
    numKvHeads: 2,
    headDim: 8,
    maxPositions: 1536,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
    bosTokenId: tok.bosId ?? tok.eosId,
    eosTokenId: tok.eosId,
  };
  const params = new ParamSet(llamaParamEntries(config));
  const rng = new Rng(seed);
  for (const spec of params.specs) {
    const view = params.view(spec.name);
    for (let i = 0; i < view.length; i++) view[i] = spec.name.includes('norm') ? 1 : rng.normal() * 0.3;
  }
  saveModel(dir, new LlamaModel(config, params, null), tok);
  return dir;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A classification as LangChain users write it: an enum, a bounded integer, a flag, a short text. */
const Ticket = z.object({
  sentiment: z.enum(['positive', 'negative', 'neutral']).describe('how the customer feels'),
  stars: z.number().int().min(1).max(5),
  urgent: z.boolean(),
  summary: z.string().max(6),
});
const ticketSchema = z.toJSONSchema(Ticket) as Record<string, unknown>;

describe('structured output over HTTP', () => {
  const apps: FastifyInstance[] = [];
  let backend: string; // the shipped micro model (byte vocabulary, 256-token context) and two tiny models
  let serveOllama: string;
  let serveOpenAI: string;
  let echo: EchoBackend;
  let ollama: Ollama;
  let openai: OpenAI;

  beforeAll(async () => {
    const { app } = await buildBackendApp({
      modelDir: repo('labs/lora/base'),
      name: MICRO,
      adapters: [],
      workers: 1,
      maxQueue: 64,
      logLevel: 'silent',
    });
    apps.push(app);
    backend = await listen(app);
    // The tiny models are other base folders: a backend of their own each.
    for (const [name, tok] of [
      [TINY, Tokenizer.bytes()],
      [BPE, loadTokenizer(repo('test/engines/llm/fixtures/tokenizers/llama3'))],
    ] as const) {
      const { app: a } = await buildBackendApp({
        modelDir: writeModel(tok, 9),
        name,
        adapters: [],
        workers: 1,
        maxQueue: 64,
        logLevel: 'silent',
      });
      apps.push(a);
      tinyHosts[name] = await listen(a);
    }
    const serve = async (kind: 'ollama' | 'openai', url: string) => {
      const a = await buildServeApp({
        backend: makeBackend(kind, url),
        defaultModel: MICRO,
        version: 'test',
        logLevel: 'silent',
        docs: false,
      });
      apps.push(a);
      return listen(a);
    };
    serveOllama = await serve('ollama', backend);
    serveOpenAI = await serve('openai', `${backend}/v1`);
    echo = await startEchoBackend({ models: [MICRO] });
    ollama = new Ollama({ host: backend });
    openai = new OpenAI({ baseURL: `${backend}/v1`, apiKey: 'sk-unused', maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await echo?.close();
    for (const a of [...apps].reverse()) await a.close();
  });
  const tinyHosts: Record<string, string> = {};

  it('ollama client: format "json" gives a JSON object, streamed or not, for generate and chat', async () => {
    // Free-form JSON has no bound on its length: a reply may run out of tokens ("length"); the others parse.
    let complete = 0;
    for (const seed of [1, 2, 3]) {
      const g = await ollama.generate({ model: MICRO, prompt: 'Reply in JSON.', format: 'json', stream: false, options: { seed } });
      expect(['stop', 'length']).toContain(g.done_reason);
      if (g.done_reason === 'stop') {
        complete++;
        expect(JSON.parse(g.response ?? '')).toBeInstanceOf(Object);
      }
      const client = new Ollama({ host: tinyHosts[TINY] });
      const parts: string[] = [];
      let last;
      for await (const p of await client.chat({
        model: TINY,
        messages: [{ role: 'user', content: 'JSON please' }],
        format: 'json',
        stream: true,
        options: { seed },
      })) {
        parts.push(p.message.content);
        last = p;
      }
      expect(last!.done).toBe(true);
      expect(['stop', 'length']).toContain(last!.done_reason);
      if (last!.done_reason === 'stop') {
        complete++;
        expect(JSON.parse(parts.join(''))).toBeInstanceOf(Object);
      }
    }
    expect(complete).toBeGreaterThan(0);
  });

  it('fuzzed schemas and seeds: every reply parses and validates (ollama client, byte and BPE models)', async () => {
    await fc.assert(
      fc.asyncProperty(
        schemaArb({ bounded: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(TINY, BPE),
        async (schema, seed, model) => {
          let g;
          try {
            g = grammarFor({ type: 'json_schema', schema });
          } catch {
            return; // a schema that allows no value: its 400 is tested below
          }
          expect(maxBytes(g)).toBeLessThan(1400);
          const client = new Ollama({ host: tinyHosts[model] });
          const r = await client.chat({
            model,
            messages: [{ role: 'user', content: 'Fill the form.' }],
            format: schema,
            stream: false,
            options: { seed, temperature: 1 },
          });
          expect(r.done_reason).toBe('stop');
          const v = validates(schema, r.message.content);
          expect(v.ok, `${model} ${JSON.stringify(schema)}: ${v.ok ? '' : v.why}`).toBe(true);
        },
      ),
      fuzzParams(24),
    );
  }, 120_000);

  it('openai client: response_format json_schema and json_object, streamed and not', async () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 10 }, population: { type: 'integer', minimum: 0 }, capital: { type: 'boolean' } },
      required: ['city', 'population', 'capital'],
      additionalProperties: false,
    };
    for (const [host, model] of [
      [backend, MICRO],
      [tinyHosts[BPE], BPE],
    ] as const) {
      const client = new OpenAI({ baseURL: `${host}/v1`, apiKey: 'sk-unused', maxRetries: 0 });
      for (const seed of [5, 6]) {
        const r = await client.chat.completions.create({
          model,
          seed,
          messages: [{ role: 'user', content: 'A city as JSON' }],
          response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
        });
        expect(r.choices[0].finish_reason).toBe('stop');
        const v = validates(schema, r.choices[0].message.content!);
        expect(v.ok, v.ok ? '' : v.why).toBe(true);
        const stream = await client.chat.completions.create({
          model,
          seed,
          stream: true,
          messages: [{ role: 'user', content: 'A city as JSON' }],
          response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
        });
        let text = '';
        let finish: string | null = null;
        for await (const c of stream) {
          text += c.choices[0]?.delta?.content ?? '';
          finish = c.choices[0]?.finish_reason ?? finish;
        }
        expect(finish).toBe('stop');
        expect(text).toBe(r.choices[0].message.content);
        const obj = await client.chat.completions.create({
          model,
          seed,
          messages: [{ role: 'user', content: 'JSON' }],
          response_format: { type: 'json_object' },
        });
        if (obj.choices[0].finish_reason === 'stop') expect(JSON.parse(obj.choices[0].message.content!)).toBeInstanceOf(Object);
      }
    }
  });

  it('a reply cut by num_predict / max_tokens ends with "length" (and may not parse)', async () => {
    const g = await ollama.generate({
      model: MICRO,
      prompt: 'JSON',
      format: ticketSchema,
      stream: false,
      options: { num_predict: 4, seed: 1 },
    });
    expect(g.done_reason).toBe('length');
    expect(g.eval_count).toBe(4);
    const r = await openai.chat.completions.create({
      model: MICRO,
      max_completion_tokens: 4,
      messages: [{ role: 'user', content: 'JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 't', schema: ticketSchema } },
    });
    expect(r.choices[0].finish_reason).toBe('length');
    expect(r.usage?.completion_tokens).toBe(4);
  });

  it('a schema keyword it cannot honour is a 400 naming the keyword, in each protocol', async () => {
    const schema = { type: 'object', properties: { when: { type: 'string', format: 'date-time' } } };
    await expect(ollama.chat({ model: MICRO, messages: [{ role: 'user', content: 'x' }], format: schema })).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringMatching(/"format" at #\/properties\/when/),
    });
    const err = await openai.chat.completions
      .create({
        model: MICRO,
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ status: 400, param: 'response_format.json_schema.schema', type: 'invalid_request_error' });
    expect((err as Error).message).toMatch(/"format"/);
    const bad = await post(`${backend}/api/generate`, { model: MICRO, prompt: 'x', format: 'yaml' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/format must be "json" or a JSON schema object/);
    const pattern = await post(`${backend}/api/generate`, { model: MICRO, prompt: 'x', format: { type: 'string', pattern: 'a+' } });
    expect(pattern.status).toBe(400);
    expect((await pattern.json()).error).toMatch(/"pattern"/);
  });

  it('LangChain withStructuredOutput: ChatOllama and ChatOpenAI return objects the zod schema accepts', async () => {
    const prompt = 'Classify: my parcel arrived broken';
    const g = grammarFor({ type: 'json_schema', schema: ticketSchema });
    // the micro model's context (256) must hold the prompt and the longest reply the schema allows
    expect(maxBytes(g) + 60).toBeLessThan(256);
    for (const seed of [1, 2, 3]) {
      const viaOllama = new ChatOllama({ baseUrl: backend, model: MICRO, seed, temperature: 0.8 }).withStructuredOutput(Ticket);
      const a = await viaOllama.invoke(prompt);
      expect(Ticket.parse(a)).toEqual(a);
      const viaOpenAI = new ChatOpenAI({
        model: MICRO,
        apiKey: 'sk-unused',
        configuration: { baseURL: `${backend}/v1` },
        temperature: 0.8,
        maxRetries: 0,
        modelKwargs: { seed },
      }).withStructuredOutput(Ticket, { name: 'ticket' });
      const b = await viaOpenAI.invoke(prompt);
      expect(Ticket.parse(b)).toEqual(b);
    }
  });

  it('ftlab serve passes format and response_format on, to an Ollama and to an OpenAI-compatible backend', async () => {
    const schema = {
      type: 'object',
      properties: { ok: { type: 'boolean' }, n: { type: 'integer', minimum: 1, maximum: 9 } },
      required: ['ok', 'n'],
      additionalProperties: false,
    };
    for (const serve of [serveOllama, serveOpenAI]) {
      const client = new OpenAI({ baseURL: `${serve}/v1`, apiKey: 'sk-unused', maxRetries: 0 });
      const r = await client.chat.completions.create({
        model: MICRO,
        seed: 3,
        messages: [{ role: 'user', content: 'JSON' }],
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
      });
      const v = validates(schema, r.choices[0].message.content!);
      expect(v.ok, `${serve}: ${v.ok ? '' : v.why}`).toBe(true);
      const gen = await (await post(`${serve}/generate`, { prompt: 'JSON', format: schema, options: { seed: 4 } })).json();
      expect(validates(schema, gen.response).ok, gen.response).toBe(true);
      // The backend's 400 comes through as serve's 400 with its reason.
      const refused = await post(`${serve}/v1/chat/completions`, {
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'string', pattern: 'x' } } },
      });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error.message).toMatch(/"pattern"/);
      const malformed = await post(`${serve}/v1/chat/completions`, {
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema' },
      });
      expect(malformed.status).toBe(400);
      expect((await malformed.json()).error.param).toBe('response_format.json_schema');
    }
  });

  it('the echo backend answers structured requests with a valid document holding the echo', async () => {
    const client = new Ollama({ host: echo.url });
    const r = await client.chat({
      model: MICRO,
      messages: [{ role: 'user', content: 'hello there' }],
      format: ticketSchema,
      stream: false,
    });
    expect(Ticket.parse(JSON.parse(r.message.content))).toMatchObject({ summary: 'echo: ' });
    const j = await client.generate({ model: MICRO, prompt: 'hi', format: 'json', stream: false });
    expect(JSON.parse(j.response ?? '')).toEqual({ response: 'echo: hi' });
    const oa = new OpenAI({ baseURL: `${echo.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const c = await oa.chat.completions.create({
      model: MICRO,
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 't', schema: ticketSchema } },
    });
    expect(Ticket.safeParse(JSON.parse(c.choices[0].message.content!)).success).toBe(true);
    const refused = await post(`${echo.url}/api/chat`, {
      model: MICRO,
      messages: [{ role: 'user', content: 'x' }],
      format: { type: 'string', pattern: 'x' },
    });
    expect(refused.status).toBe(400);
  });
});
