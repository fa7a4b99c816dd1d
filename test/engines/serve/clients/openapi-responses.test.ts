// What a client generated from serve's /openapi.json relies on: every answer the server really gives (plain
// and errors, with and without --api-key) validates against the schema the document gives for that route
// and status, with Ajv, and carries no field the document does not list (additionalProperties: false is
// added to every documented object, so an undocumented field fails here instead of surprising a typed client).
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp } from '../../../../src/engines/serve/app.js';
import { OllamaBackend, OpenAICompatibleBackend } from '../../../../src/engines/serve/model-clients.js';
import { API_KEY, MODEL, startServers, type Servers } from './servers.js';

type Schema = Record<string, unknown>;
interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
}

let servers: Servers;
const apps: FastifyInstance[] = [];
beforeAll(async () => {
  servers = await startServers();
}, 60_000);
afterAll(async () => {
  for (const app of apps) await app.close();
  await servers?.close();
});

/** serve with its docs on, in front of ftlab backend (Ollama or /v1), optionally keyed. */
async function serveWithDocs(kind: 'ollama' | 'openai', apiKey?: string): Promise<{ base: string; doc: Doc }> {
  const backend = kind === 'ollama' ? new OllamaBackend(servers.backend) : new OpenAICompatibleBackend(`${servers.backend}/v1`);
  const app = await buildServeApp({ backend, defaultModel: MODEL, version: 't', logLevel: 'silent', apiKey });
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { base, doc: (await (await fetch(`${base}/openapi.json`)).json()) as Doc };
}

/** The schema with additionalProperties: false on every object that lists its properties and says nothing else. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, closed(s)])) : closed(v);
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });

/** Checks a real answer against the document's schema for its route, status and media type. */
async function conforms(doc: Doc, path: string, method: string, res: Response): Promise<void> {
  const responses = doc.paths[path]?.[method]?.responses;
  expect(responses, `${method} ${path} is documented`).toBeDefined();
  const status = String(res.status);
  const documented = responses[status] ?? responses[`${status[0]}XX`];
  expect(documented, `${method} ${path} documents ${status}`).toBeDefined();
  const type = (res.headers.get('content-type') ?? '').split(';')[0];
  const media = documented.content?.[type];
  expect(media, `${method} ${path} ${status} documents ${type}`).toBeDefined();
  if (type !== 'application/json') return;
  const body: unknown = await res.json();
  const validate = ajv.compile(closed(media!.schema) as Schema);
  expect(validate(body), `${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`).toBe(true);
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe.each(['ollama', 'openai'] as const)('serve --backend %s: real answers match /openapi.json', (kind) => {
  it('without a key: health, generate, chat, models, metrics and the error answers', async () => {
    const { base, doc } = await serveWithDocs(kind);
    await conforms(doc, '/health', 'get', await fetch(`${base}/health`));
    await conforms(doc, '/generate', 'post', await post(`${base}/generate`, { prompt: 'What is LoRA?', options: { num_predict: 4 } }));
    await conforms(doc, '/generate', 'post', await post(`${base}/generate`, { prompt: 'x', stream: true, options: { num_predict: 2 } }));
    await conforms(doc, '/generate', 'post', await post(`${base}/generate`, { prompt: 42 }));
    await conforms(doc, '/generate', 'post', await post(`${base}/generate`, { prompt: 'x', model: 'nope-zz' }));
    const chat = { messages: [{ role: 'user', content: 'What is LoRA?' }], max_tokens: 4 };
    await conforms(doc, '/v1/chat/completions', 'post', await post(`${base}/v1/chat/completions`, chat));
    await conforms(doc, '/v1/chat/completions', 'post', await post(`${base}/v1/chat/completions`, { ...chat, stream: true }));
    await conforms(doc, '/v1/chat/completions', 'post', await post(`${base}/v1/chat/completions`, { ...chat, n: 2 }));
    await conforms(doc, '/v1/chat/completions', 'post', await post(`${base}/v1/chat/completions`, { messages: [] }));
    await conforms(doc, '/v1/models', 'get', await fetch(`${base}/v1/models`));
    await conforms(doc, '/v1/models/{model}', 'get', await fetch(`${base}/v1/models/${MODEL}`));
    await conforms(doc, '/v1/models/{model}', 'get', await fetch(`${base}/v1/models/nope-zz`));
    await conforms(doc, '/metrics', 'get', await fetch(`${base}/metrics`));
    const completion = { prompt: 'What is LoRA?', max_tokens: 4 };
    await conforms(doc, '/v1/completions', 'post', await post(`${base}/v1/completions`, completion));
    await conforms(doc, '/v1/completions', 'post', await post(`${base}/v1/completions`, { ...completion, stream: true }));
    await conforms(doc, '/v1/completions', 'post', await post(`${base}/v1/completions`, { ...completion, n: 2 }));
    await conforms(doc, '/v1/embeddings', 'post', await post(`${base}/v1/embeddings`, { input: ['a', 'b'] }));
    await conforms(doc, '/v1/embeddings', 'post', await post(`${base}/v1/embeddings`, { input: 'a', encoding_format: 'base64' }));
    await conforms(doc, '/v1/embeddings', 'post', await post(`${base}/v1/embeddings`, { input: 'a', model: 'nope-zz' }));
    await conforms(doc, '/v1/embeddings', 'post', await post(`${base}/v1/embeddings`, {}));
  });

  it('with --api-key: the 401s and the keyed answers', async () => {
    const { base, doc } = await serveWithDocs(kind, API_KEY);
    const key = { authorization: `Bearer ${API_KEY}` };
    await conforms(doc, '/health', 'get', await fetch(`${base}/health`));
    await conforms(doc, '/v1/models', 'get', await fetch(`${base}/v1/models`));
    await conforms(doc, '/v1/models', 'get', await fetch(`${base}/v1/models`, { headers: key }));
    await conforms(
      doc,
      '/v1/models/{model}',
      'get',
      await fetch(`${base}/v1/models/${MODEL}`, { headers: { authorization: 'Bearer no' } }),
    );
    await conforms(doc, '/generate', 'post', await post(`${base}/generate`, { prompt: 'x' }));
    await conforms(doc, '/generate', 'post', await post(`${base}/generate`, { prompt: 'x', options: { num_predict: 2 } }, key));
    await conforms(doc, '/v1/chat/completions', 'post', await post(`${base}/v1/chat/completions`, { messages: [] }));
    await conforms(doc, '/v1/completions', 'post', await post(`${base}/v1/completions`, { prompt: 'x' }));
    await conforms(doc, '/v1/embeddings', 'post', await post(`${base}/v1/embeddings`, { input: 'x' }));
    await conforms(doc, '/v1/embeddings', 'post', await post(`${base}/v1/embeddings`, { input: 'x' }, key));
  });
});

describe('serve in front of a backend that is down: the 503s match /openapi.json', () => {
  it('health, generate, chat and models', async () => {
    const app = await buildServeApp({
      backend: new OllamaBackend('http://127.0.0.1:9'),
      defaultModel: MODEL,
      version: 't',
      logLevel: 'silent',
    });
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as Doc;
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(503);
    await conforms(doc, '/health', 'get', health);
    for (const [path, method, res] of [
      ['/generate', 'post', await post(`${base}/generate`, { prompt: 'x' })],
      ['/v1/chat/completions', 'post', await post(`${base}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }] })],
      ['/v1/models', 'get', await fetch(`${base}/v1/models`)],
      ['/v1/models/{model}', 'get', await fetch(`${base}/v1/models/${MODEL}`)],
    ] as const) {
      expect(res.status, path).toBe(503);
      await conforms(doc, path, method, res);
    }
  });
});

it('serve /v1/models is what the backend serves: both models, the default first, in the backend spelling', async () => {
  const res = await fetch(`${servers.serveOllama}/v1/models`);
  const { data } = (await res.json()) as { data: { id: string; created: number; owned_by: string }[] };
  const backend = (await (await fetch(`${servers.backend}/api/tags`)).json()) as { models: { name: string; modified_at: string }[] };
  expect(data.map((m) => m.id).sort()).toEqual(backend.models.map((m) => m.name).sort());
  expect(data[0].id).toBe(`${MODEL}:latest`);
  for (const m of data) {
    const tag = backend.models.find((b) => b.name === m.id)!;
    expect(m.created).toBe(Math.floor(Date.parse(tag.modified_at) / 1000));
    expect(m.owned_by).toBe('library');
  }
});

it('the check itself fails on an undocumented field, a missing field, an undocumented status or media type', async () => {
  const { doc } = await serveWithDocs('ollama');
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const model = { id: MODEL, object: 'model', created: 1, owned_by: 'library' };
  await conforms(doc, '/v1/models/{model}', 'get', json(200, model));
  for (const res of [
    json(200, { ...model, extra: 1 }),
    json(200, { id: MODEL, object: 'model', created: 1 }),
    json(200, { ...model, created: 'yesterday' }),
    json(302, model),
    new Response('ok', { status: 200, headers: { 'content-type': 'text/html' } }),
  ])
    await expect(conforms(doc, '/v1/models/{model}', 'get', res)).rejects.toThrow();
});
