// Embeddings over real HTTP on 127.0.0.1 with the official clients: ollama.embed / ollama.embeddings and
// openai.embeddings.create against ftlab backend (/api/embed, /api/embeddings, /v1/embeddings), and
// openai.embeddings.create against ftlab serve in front of it (Ollama and OpenAI-compatible model clients).
// The tiny test model uses the byte tokenizer, so token counts are known exactly.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from '../../../src/commands/serve.js';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { writeTinyModel } from './tiny-model.js';

const HIDDEN = 16; // tiny-model.ts's hidden size
const CONTEXT = 256;
const apps: FastifyInstance[] = [];
let backend: string;
let serveOllama: string;
let serveOpenAI: string;

async function listen(app: FastifyInstance): Promise<string> {
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const { app } = await buildBackendApp({ modelDir: writeTinyModel(), name: 'm', adapters: [], workers: 2, maxQueue: 32 });
  backend = await listen(app);
  const serve = (kind: 'ollama' | 'openai', url: string) =>
    buildServeApp({ backend: makeBackend(kind, url), defaultModel: 'm', version: 't', logLevel: 'silent', docs: false }).then(listen);
  serveOllama = await serve('ollama', backend);
  serveOpenAI = await serve('openai', `${backend}/v1`);
}, 60_000);
afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
});

const ollama = () => new Ollama({ host: backend });
const openai = (base: string) => new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 30_000 });
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const close = (a: number[], b: number[], digits = 6) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i], digits));
};

describe('ftlab backend: /api/embed (ollama.embed)', () => {
  it('one vector per input, unit length, deterministic, a batch equal to single requests', async () => {
    const texts = ['the parcel is late', 'What is LoRA?', 'refund please'];
    const batch = await ollama().embed({ model: 'm', input: texts });
    expect(batch.model).toBe('m');
    expect(batch.embeddings).toHaveLength(3);
    for (const v of batch.embeddings) {
      expect(v).toHaveLength(HIDDEN);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    // every text with BOS: bytes + 1 each
    expect(batch.prompt_eval_count).toBe(texts.reduce((s, t) => s + Buffer.byteLength(t) + 1, 0));
    expect(batch.total_duration).toBeGreaterThan(0);
    expect(batch.load_duration).toBe(0);
    for (const [i, text] of texts.entries()) {
      const single = await ollama().embed({ model: 'm', input: text });
      expect(single.embeddings).toEqual([batch.embeddings[i]]);
    }
    expect(dot(batch.embeddings[0], batch.embeddings[1])).toBeLessThan(0.9999);
  });

  it('dimensions keeps the first N values, normalised again; out of range is a 400', async () => {
    const full = (await ollama().embed({ model: 'm', input: 'hello' })).embeddings[0];
    const cut = (await ollama().embed({ model: 'm', input: 'hello', dimensions: 5 })).embeddings[0];
    const n = norm(full.slice(0, 5));
    close(
      cut,
      full.slice(0, 5).map((x) => x / n),
      5,
    );
    for (const dimensions of [0, HIDDEN + 1, 2.5])
      await expect(ollama().embed({ model: 'm', input: 'hello', dimensions })).rejects.toMatchObject({
        status_code: 400,
        error: expect.stringMatching(/dimensions must be a whole number from 1 to 16/),
      });
  });

  it('truncate (default true) cuts a long input at the end; truncate:false refuses it as Ollama does', async () => {
    const long = 'ab'.repeat(CONTEXT);
    const cut = await ollama().embed({ model: 'm', input: long });
    expect(cut.prompt_eval_count).toBe(CONTEXT);
    const prefix = await ollama().embed({ model: 'm', input: long.slice(0, CONTEXT - 1) });
    expect(cut.embeddings).toEqual(prefix.embeddings);
    await expect(ollama().embed({ model: 'm', input: long, truncate: false })).rejects.toMatchObject({
      status_code: 400,
      error: expect.stringMatching(/^input exceeds maximum context length/),
    });
  });

  it('no input loads the model (embeddings: []); bad inputs and unknown models get Ollama-shaped errors', async () => {
    expect((await ollama().embed({ model: 'm', input: '' })).embeddings).toEqual([]);
    expect((await ollama().embed({ model: 'm', input: [] })).embeddings).toEqual([]);
    await expect(ollama().embed({ model: 'm', input: ['ok', ''] })).rejects.toMatchObject({
      status_code: 400,
      error: 'input[1] is empty: there is nothing to embed',
    });
    await expect(ollama().embed({ model: 'm', input: [1, 2] as unknown as string[] })).rejects.toMatchObject({ status_code: 400 });
    await expect(ollama().embed({ model: 'nope', input: 'x' })).rejects.toMatchObject({
      status_code: 404,
      error: "model 'nope' not found",
    });
    const res = await fetch(`${backend}/api/embed`, { method: 'POST', body: '{"input":"x"}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'model is required' });
  });
});

describe('ftlab backend: /api/embeddings (the legacy route, ollama.embeddings)', () => {
  it('returns the pooled vector before normalisation, in the direction of /api/embed', async () => {
    const legacy = (await ollama().embeddings({ model: 'm', prompt: 'hello world' })).embedding;
    const embed = (await ollama().embed({ model: 'm', input: 'hello world' })).embeddings[0];
    expect(legacy).toHaveLength(HIDDEN);
    expect(norm(legacy)).not.toBeCloseTo(1, 3);
    close(
      legacy.map((x) => x / norm(legacy)),
      embed,
      5,
    );
    expect((await ollama().embeddings({ model: 'm', prompt: '' })).embedding).toEqual([]);
  });
});

describe('/v1/embeddings (openai.embeddings.create)', () => {
  it('ftlab backend: base64 (the SDK default) and float agree with /api/embed; usage counts tokens', async () => {
    const texts = ['alpha', 'beta gamma'];
    const reference = (await ollama().embed({ model: 'm', input: texts })).embeddings;
    const viaBase64 = await openai(backend).embeddings.create({ model: 'm', input: texts });
    const viaFloat = await openai(backend).embeddings.create({ model: 'm', input: texts, encoding_format: 'float' });
    for (const r of [viaBase64, viaFloat]) {
      expect(r.object).toBe('list');
      expect(r.model).toBe('m');
      expect(r.data.map((d) => [d.object, d.index])).toEqual([
        ['embedding', 0],
        ['embedding', 1],
      ]);
      expect(r.usage).toEqual({ prompt_tokens: 6 + 11, total_tokens: 6 + 11 });
      r.data.forEach((d, i) => close(d.embedding, reference[i], 6));
    }
    // token ids are accepted (the tiny model's byte tokenizer: "alpha" = its bytes)
    const ids = await openai(backend).embeddings.create({ model: 'm', input: [[...Buffer.from('alpha')]], encoding_format: 'float' });
    close(ids.data[0].embedding, reference[0], 6);
    const cut = await openai(backend).embeddings.create({ model: 'm', input: 'alpha', dimensions: 4, encoding_format: 'float' });
    expect(cut.data[0].embedding).toHaveLength(4);
    expect(norm(cut.data[0].embedding)).toBeCloseTo(1, 5);
  });

  it('ftlab backend: OpenAI errors for empty, too long and unknown', async () => {
    const c = openai(backend);
    await expect(c.embeddings.create({ model: 'm', input: '' })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(c.embeddings.create({ model: 'm', input: [] })).rejects.toMatchObject({ status: 400, param: 'input' });
    // OpenAI refuses too long an input rather than cutting it
    await expect(c.embeddings.create({ model: 'm', input: 'x'.repeat(CONTEXT) })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/input exceeds maximum context length/),
    });
    await expect(c.embeddings.create({ model: 'nope', input: 'x' })).rejects.toMatchObject({
      status: 404,
      error: { type: 'not_found_error', code: 'model_not_found' },
    });
    await expect(c.embeddings.create({ model: 'm', input: 'x', encoding_format: 'int8' as 'float' })).rejects.toMatchObject({
      status: 400,
      param: 'encoding_format',
    });
  });

  it('ftlab serve forwards to its backend (Ollama and OpenAI-compatible clients) and gives the same vectors', async () => {
    const texts = ['alpha', 'beta gamma'];
    const reference = (await ollama().embed({ model: 'm', input: texts })).embeddings;
    for (const base of [serveOllama, serveOpenAI]) {
      const r = await openai(base).embeddings.create({ input: texts, model: 'm' });
      expect(r.data).toHaveLength(2);
      r.data.forEach((d, i) => close(d.embedding, reference[i], 6));
      expect(r.usage.prompt_tokens).toBe(17);
      const cut = await openai(base).embeddings.create({ input: 'alpha', model: 'm', dimensions: 3, encoding_format: 'float' });
      expect(cut.data[0].embedding).toHaveLength(3);
      await expect(openai(base).embeddings.create({ input: [[1, 2]], model: 'm' })).rejects.toMatchObject({
        status: 400,
        param: 'input[0]',
      });
      await expect(openai(base).embeddings.create({ input: 'x', model: 'nope' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
      await expect(openai(base).embeddings.create({ input: 'x'.repeat(CONTEXT), model: 'm' })).rejects.toBeInstanceOf(
        OpenAI.BadRequestError,
      );
    }
  });
});
