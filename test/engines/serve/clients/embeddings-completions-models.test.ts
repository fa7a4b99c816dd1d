// The routes beyond chat, through the real clients over HTTP on 127.0.0.1: embeddings (`openai`
// embeddings.create, `ollama` embed/embeddings, LangChain OpenAIEmbeddings/OllamaEmbeddings), OpenAI's legacy
// completions (`openai` completions.create, LangChain's OpenAI LLM) on ftlab backend and on ftlab serve in
// front of it, and Ollama's model management (`ollama` create with FROM/SYSTEM and with the LoRA lab's
// adapter, copy, delete) on ftlab backend. One model, so every server must give the same vectors and texts.
import { OllamaEmbeddings } from '@langchain/ollama';
import { OpenAI as LangChainOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER, API_KEY, MODEL, startServers, type Servers } from './servers.js';

let servers: Servers;
let ollama: Ollama;
beforeAll(async () => {
  servers = await startServers();
  ollama = new Ollama({ host: servers.backend });
}, 60_000);
afterAll(async () => {
  await servers?.close();
});

const HIDDEN = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../../../labs/lora/base/config.json', import.meta.url)), 'utf8')) as {
    hidden_size: number;
  }
).hidden_size;
const TEXTS = ['What is LoRA?', 'My parcel has not arrived.'];
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const expectClose = (a: number[], b: number[], digits = 5) => {
  expect(a).toHaveLength(b.length);
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i], digits));
};

const targets = [
  { name: 'ftlab backend /v1', base: () => servers.backend, key: 'unused' },
  { name: 'ftlab serve --backend ollama', base: () => servers.serveOllama, key: 'unused' },
  { name: 'ftlab serve --backend openai', base: () => servers.serveOpenAI, key: 'unused' },
  { name: 'ftlab serve --api-key', base: () => servers.serveKeyed, key: API_KEY },
];
const sdk = (base: string, apiKey: string) => new OpenAI({ baseURL: `${base}/v1`, apiKey, maxRetries: 0 });

/** The backend's own vectors (Ollama's /api/embed), which every route and server must reproduce. */
let reference: number[][] | undefined;
async function referenceVectors(): Promise<number[][]> {
  reference ??= (await ollama.embed({ model: MODEL, input: TEXTS })).embeddings;
  return reference;
}

describe('ollama client → ftlab backend: embed and embeddings', () => {
  it('embed: one unit vector per text, of the model width; the legacy embeddings route is the same before normalising', async () => {
    const vectors = await referenceVectors();
    expect(vectors).toHaveLength(2);
    for (const v of vectors) {
      expect(v).toHaveLength(HIDDEN);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(vectors[0]).not.toEqual(vectors[1]);
    const single = await ollama.embed({ model: MODEL, input: TEXTS[1] });
    expectClose(single.embeddings[0], vectors[1]);
    const legacy = (await ollama.embeddings({ model: MODEL, prompt: TEXTS[0] })).embedding;
    expectClose(
      legacy.map((x) => x / norm(legacy)),
      vectors[0],
    );
    const unknown = await ollama.embed({ model: 'nope', input: 'x' }).catch((e: unknown) => e as { status_code?: number });
    expect(unknown).toMatchObject({ status_code: 404 });
    const badKeepAlive = await ollama.embed({ model: MODEL, input: 'x', keep_alive: '2d' }).catch((e: unknown) => e);
    expect(badKeepAlive).toMatchObject({ status_code: 400, error: 'time: unknown unit "d" in duration "2d"' });
  });

  it('LangChain OllamaEmbeddings gives the same vectors', async () => {
    const vectors = await referenceVectors();
    const lc = new OllamaEmbeddings({ baseUrl: servers.backend, model: MODEL });
    const docs = await lc.embedDocuments(TEXTS);
    docs.forEach((v, i) => expectClose(v, vectors[i]));
    expectClose(await lc.embedQuery(TEXTS[0]), vectors[0]);
  });
});

describe.each(targets)('openai SDK and LangChain → $name: embeddings and completions', ({ base, key }) => {
  it('embeddings.create: the backend model vectors (base64 as the SDK asks, and float), usage, dimensions', async () => {
    const vectors = await referenceVectors();
    const client = sdk(base(), key);
    const r = await client.embeddings.create({ model: MODEL, input: TEXTS });
    expect(r.object).toBe('list');
    expect(r.data.map((d) => d.index)).toEqual([0, 1]);
    r.data.forEach((d, i) => expectClose(d.embedding, vectors[i]));
    expect(r.usage.prompt_tokens).toBeGreaterThan(0);
    expect(r.usage.total_tokens).toBe(r.usage.prompt_tokens);
    const floats = await client.embeddings.create({ model: MODEL, input: TEXTS[0], encoding_format: 'float' });
    expectClose(floats.data[0].embedding, vectors[0]);
    const cut = await client.embeddings.create({ model: MODEL, input: TEXTS[0], dimensions: 8 });
    expect(cut.data[0].embedding).toHaveLength(8);
    expect(norm(cut.data[0].embedding)).toBeCloseTo(1, 5);
  });

  it('LangChain OpenAIEmbeddings gives the same vectors', async () => {
    const vectors = await referenceVectors();
    const lc = new OpenAIEmbeddings({ model: MODEL, apiKey: key, configuration: { baseURL: `${base()}/v1` }, maxRetries: 0 });
    (await lc.embedDocuments(TEXTS)).forEach((v, i) => expectClose(v, vectors[i]));
    expectClose(await lc.embedQuery(TEXTS[1]), vectors[1]);
  });

  it('completions.create: the same greedy text as the chat route, plain, streamed with usage, and one choice per prompt', async () => {
    const client = sdk(base(), key);
    const chat = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: TEXTS[0] }],
      max_tokens: 10,
      temperature: 0,
    });
    const r = await client.completions.create({ model: MODEL, prompt: TEXTS[0], max_tokens: 10, temperature: 0 });
    expect(r.object).toBe('text_completion');
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0].text).toBe(chat.choices[0].message.content);
    expect(['stop', 'length']).toContain(r.choices[0].finish_reason);
    expect(r.usage).toEqual(chat.usage);
    const stream = await client.completions.create({
      model: MODEL,
      prompt: TEXTS[0],
      max_tokens: 10,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(r.choices[0].text);
    expect(usage).toEqual(r.usage);
    const two = await client.completions.create({ model: MODEL, prompt: TEXTS, max_tokens: 4, temperature: 0 });
    expect(two.choices.map((c) => c.index)).toEqual([0, 1]);
    const err = await client.completions.create({ model: MODEL, prompt: 'x', n: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err).toMatchObject({ param: 'n', type: 'invalid_request_error' });
  });

  it("LangChain's OpenAI (completions) LLM: invoke gives the same text", async () => {
    const client = sdk(base(), key);
    const direct = await client.completions.create({ model: MODEL, prompt: TEXTS[0], max_tokens: 10, temperature: 0 });
    const llm = new LangChainOpenAI({
      model: MODEL,
      apiKey: key,
      configuration: { baseURL: `${base()}/v1` },
      maxTokens: 10,
      temperature: 0,
      maxRetries: 0,
    });
    expect(await llm.invoke(TEXTS[0])).toBe(direct.choices[0].text);
  });
});

describe('ollama client → ftlab backend: create, copy, delete', () => {
  const adapterDir = fileURLToPath(new URL('../../../../labs/lora/solution/adapter', import.meta.url));
  const options = { temperature: 0, num_predict: 24 };

  it('create FROM a served model with a SYSTEM: listed, shown, and it answers as the base with that system', async () => {
    expect(await ollama.create({ model: 'terse', from: MODEL, system: 'Answer briefly.', stream: false })).toMatchObject({
      status: 'success',
    });
    expect((await ollama.list()).models.map((m) => m.name)).toContain('terse:latest');
    const shown = await ollama.show({ model: 'terse' });
    expect(shown.system).toBe('Answer briefly.');
    expect(shown.modelfile).toMatch(/^SYSTEM /m);
    const made = await ollama.generate({ model: 'terse', prompt: TEXTS[0], options });
    const base = await ollama.generate({ model: MODEL, prompt: TEXTS[0], system: 'Answer briefly.', options });
    expect(made.response).toBe(base.response);
    // and through serve, by name
    const viaServe = await sdk(servers.serveOllama, 'unused').models.retrieve('terse');
    expect(viaServe.id).toBe('terse');
  });

  it("create with the LoRA lab's adapter folder: a servable model that answers like the --adapter one", async () => {
    const progress: string[] = [];
    for await (const p of await ollama.create({ model: 'support-made', from: MODEL, adapters: { adapter: adapterDir }, stream: true }))
      progress.push(p.status);
    expect(progress.at(-1)).toBe('success');
    const made = await ollama.generate({ model: 'support-made', prompt: TEXTS[1], options });
    const given = await ollama.generate({ model: ADAPTER, prompt: TEXTS[1], options });
    expect(made.response).toBe(given.response);
    expect(made.response).toMatch(/^category: /);
  });

  it('copy and delete: the copy answers like its source; deleted, it is gone (404), and deleting again is a 404', async () => {
    await ollama.copy({ source: 'terse', destination: 'terse-copy' });
    const names = () => ollama.list().then((l) => l.models.map((m) => m.name));
    expect(await names()).toEqual(expect.arrayContaining(['terse:latest', 'terse-copy:latest']));
    const a = await ollama.generate({ model: 'terse-copy', prompt: TEXTS[0], options });
    const b = await ollama.generate({ model: 'terse', prompt: TEXTS[0], options });
    expect(a.response).toBe(b.response);
    await ollama.delete({ model: 'terse-copy' });
    expect(await names()).not.toContain('terse-copy:latest');
    const gone = await ollama.generate({ model: 'terse-copy', prompt: 'x' }).catch((e: unknown) => e);
    expect(gone).toMatchObject({ status_code: 404 });
    const again = await ollama.delete({ model: 'terse-copy' }).catch((e: unknown) => e);
    expect(again).toMatchObject({ status_code: 404 });
    const missing = await ollama.copy({ source: 'nope', destination: 'x' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ status_code: 404 });
  });
});
