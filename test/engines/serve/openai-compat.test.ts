// The OpenAI features real clients use, on both servers (ftlab backend's /v1 and ftlab serve), over real HTTP
// on 127.0.0.1: the usage chunk of include_usage, max_completion_tokens, /v1/models/{id}, text-part content,
// the developer role, OpenAI's error envelope, and a 400 naming the field for what neither server does.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { startEchoBackend, type EchoBackend } from '../../../src/engines/serve/echo-backend.js';
import { OllamaBackend, OpenAICompatibleBackend } from '../../../src/engines/serve/model-clients.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { parseSse } from './fake-backend.js';
import { writeTinyModel } from './tiny-model.js';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const user = (content: unknown) => [{ role: 'user', content }];

/** The data events of an OpenAI stream, parsed, and whether it ended with [DONE]. */
async function chunks(res: Response): Promise<{ events: Record<string, unknown>[]; done: boolean }> {
  const data = parseSse(await res.text()).map((e) => e.data);
  const done = data.at(-1) === '[DONE]';
  return { events: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d)), done };
}

/** Checks shared by both servers: `base` is the server's root, `model` a model it serves. */
function openAIContract(name: string, setup: () => { base: string; model: string }) {
  describe(name, () => {
    it('stream_options.include_usage ends the stream with a usage chunk (choices: []) before [DONE]', async () => {
      const { base, model } = setup();
      const res = await post(`${base}/v1/chat/completions`, {
        model,
        messages: user('Hello there'),
        stream: true,
        max_tokens: 4,
        seed: 1,
        stream_options: { include_usage: true },
      });
      expect(res.status).toBe(200);
      const { events, done } = await chunks(res);
      expect(done).toBe(true);
      const last = events.at(-1) as {
        choices: unknown[];
        usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      };
      expect(last.choices).toEqual([]);
      expect(last.usage.prompt_tokens).toBeGreaterThan(0);
      expect(last.usage.completion_tokens).toBeGreaterThan(0);
      expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + last.usage.completion_tokens);
      // every other chunk says usage: null, as OpenAI's stream does
      expect(events.slice(0, -1).every((e) => e.usage === null)).toBe(true);
      // without the option there is no usage chunk
      const plain = await chunks(
        await post(`${base}/v1/chat/completions`, { model, messages: user('Hello'), stream: true, max_tokens: 2 }),
      );
      expect(plain.events.every((e) => !('usage' in e))).toBe(true);
    });

    it('honours max_completion_tokens (over max_tokens)', async () => {
      const { base, model } = setup();
      const res = await post(`${base}/v1/chat/completions`, {
        model,
        messages: user('one two three four five six seven eight'),
        max_completion_tokens: 3,
        max_tokens: 50,
        temperature: 0,
      });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.usage.completion_tokens).toBeLessThanOrEqual(3);
      expect(body.usage.completion_tokens).toBeGreaterThan(0);
    });

    it('GET /v1/models/{id} answers with and without the tag, and 404s in OpenAI shape for an unknown id', async () => {
      const { base, model } = setup();
      const bare = model.replace(/:latest$/, '');
      for (const id of [bare, `${bare}:latest`]) {
        const res = await fetch(`${base}/v1/models/${encodeURIComponent(id)}`);
        expect(res.status, id).toBe(200);
        expect(await res.json()).toMatchObject({ id, object: 'model', owned_by: expect.any(String), created: expect.any(Number) });
      }
      const missing = await fetch(`${base}/v1/models/nope-zz`);
      expect(missing.status).toBe(404);
      const { error } = await missing.json();
      expect(error).toMatchObject({ type: 'not_found_error', message: expect.stringContaining('nope-zz'), code: 'model_not_found' });
      expect(error).toHaveProperty('param');
    });

    it('accepts content as text parts and the developer role, with the same reply as plain strings', async () => {
      const { base, model } = setup();
      const ask = (messages: unknown) =>
        post(`${base}/v1/chat/completions`, { model, messages, max_tokens: 5, temperature: 0, seed: 3 }).then(async (r) => {
          expect(r.status).toBe(200);
          return (await r.json()).choices[0].message.content as string;
        });
      const plain = await ask([
        { role: 'system', content: 'be terse' },
        { role: 'user', content: 'What is LoRA?' },
      ]);
      const parts = await ask([
        { role: 'developer', content: [{ type: 'text', text: 'be terse' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is ' },
            { type: 'text', text: 'LoRA?' },
          ],
        },
      ]);
      expect(parts).toBe(plain);
    });

    it('refuses what it cannot do with a 400 naming the field, in OpenAI error shape', async () => {
      const { base, model } = setup();
      const cases: [Record<string, unknown>, string][] = [
        [{ tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }, 'tools'],
        [{ logprobs: true }, 'logprobs'],
        [{ n: 2 }, 'n'],
        // json_object and json_schema are honoured (structured-output.test.ts); an unknown type is not
        [{ response_format: { type: 'xml' } }, 'response_format.type'],
        [{ messages: user([{ type: 'image_url', image_url: { url: 'data:,' } }]) }, 'messages[0].content[0].type'],
      ];
      for (const [extra, param] of cases) {
        const res = await post(`${base}/v1/chat/completions`, { model, messages: user('hi'), max_tokens: 2, ...extra });
        expect(res.status, param).toBe(400);
        const { error } = await res.json();
        expect(error, param).toMatchObject({ type: 'invalid_request_error', param, message: expect.any(String) });
        expect(error).toHaveProperty('code');
      }
    });
  });
}

describe('OpenAI compatibility', () => {
  let backend: FastifyInstance;
  let backendUrl: string;
  let echo: EchoBackend;
  let serveOnEcho: FastifyInstance;
  let serveOnEchoUrl: string;
  let serveOnOpenAI: FastifyInstance;
  let serveOnOpenAIUrl: string;
  beforeAll(async () => {
    ({ app: backend } = await buildBackendApp({ modelDir: writeTinyModel(), name: 'ftlab-micro', adapters: [], workers: 1, maxQueue: 16 }));
    backendUrl = await listen(backend);
    echo = await startEchoBackend({ models: ['ftlab-micro'] });
    serveOnEcho = await buildServeApp({ backend: new OllamaBackend(echo.url), defaultModel: 'ftlab-micro', version: 't', docs: false });
    serveOnEchoUrl = await listen(serveOnEcho);
    // serve in front of the built-in backend's /v1, whose /v1/models lists "ftlab-micro:latest"
    serveOnOpenAI = await buildServeApp({
      backend: new OpenAICompatibleBackend(`${backendUrl}/v1`),
      defaultModel: 'ftlab-micro',
      version: 't',
      docs: false,
    });
    serveOnOpenAIUrl = await listen(serveOnOpenAI);
  }, 60_000);
  afterAll(async () => {
    await serveOnOpenAI?.close();
    await serveOnEcho?.close();
    await echo?.close();
    await backend?.close();
  });

  openAIContract('ftlab backend /v1', () => ({ base: backendUrl, model: 'ftlab-micro' }));
  openAIContract('ftlab serve in front of an Ollama backend', () => ({ base: serveOnEchoUrl, model: 'ftlab-micro' }));
  openAIContract('ftlab serve in front of an OpenAI-compatible backend', () => ({ base: serveOnOpenAIUrl, model: 'ftlab-micro' }));

  it('serve /health matches model ids with and without the tag, for both backend kinds', async () => {
    for (const defaultModel of ['ftlab-micro', 'ftlab-micro:latest']) {
      for (const backendOf of [() => new OllamaBackend(backendUrl), () => new OpenAICompatibleBackend(`${backendUrl}/v1`)]) {
        const b = backendOf();
        const app = await buildServeApp({ backend: b, defaultModel, version: 't', docs: false });
        try {
          const res = await fetch(`${await listen(app)}/health`);
          const body = await res.json();
          expect(res.status, `${b.kind} ${defaultModel}: ${JSON.stringify(body)}`).toBe(200);
          expect(body.model).toEqual({ name: defaultModel, available: true });
        } finally {
          await app.close();
        }
      }
    }
    // and a model that is not there is still reported as missing
    const app = await buildServeApp({
      backend: new OpenAICompatibleBackend(`${backendUrl}/v1`),
      defaultModel: 'other',
      version: 't',
      docs: false,
    });
    try {
      expect((await fetch(`${await listen(app)}/health`)).status).toBe(503);
    } finally {
      await app.close();
    }
  });

  it('serve errors carry OpenAI type and param next to ftlab code and hint', async () => {
    const res = await post(`${serveOnEchoUrl}/v1/chat/completions`, { messages: [] });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toEqual({
      code: 'bad_request',
      message: expect.any(String),
      hint: expect.any(String),
      type: 'invalid_request_error',
      param: 'messages',
    });
    const missing = await post(`${serveOnEchoUrl}/generate`, {});
    expect((await missing.json()).error).toMatchObject({ param: 'prompt', type: 'invalid_request_error' });
  });

  it('backend /api/chat: roles without case, Ollama 400s for tools and think, keep_alive 0 unloads', async () => {
    const chat = await post(`${backendUrl}/api/chat`, {
      model: 'ftlab-micro',
      messages: [{ role: 'USER', content: 'hi' }],
      stream: false,
      options: { num_predict: 2 },
    });
    expect(chat.status).toBe(200);
    const tools = await post(`${backendUrl}/api/chat`, {
      model: 'ftlab-micro',
      messages: user('hi'),
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    expect(tools.status).toBe(400);
    expect((await tools.json()).error).toBe('"ftlab-micro" does not support tools');
    const think = await post(`${backendUrl}/api/chat`, { model: 'ftlab-micro', messages: user('hi'), think: true });
    expect(think.status).toBe(400);
    expect((await think.json()).error).toBe('"ftlab-micro" does not support thinking');
    // "json" and JSON schemas are honoured (structured-output.test.ts); anything else is a 400
    const format = await post(`${backendUrl}/api/generate`, { model: 'ftlab-micro', prompt: 'x', format: 'yaml' });
    expect(format.status).toBe(400);
    expect((await format.json()).error).toMatch(/format/);
    const raw = await post(`${backendUrl}/api/generate`, { model: 'ftlab-micro', prompt: 'x', raw: true, system: 'y' });
    expect(raw.status).toBe(400);
    expect((await post(`${backendUrl}/api/generate`, { model: 'ftlab-micro', prompt: 'x', keep_alive: true })).status).toBe(400);

    await post(`${backendUrl}/api/generate`, { model: 'ftlab-micro' });
    expect((await (await fetch(`${backendUrl}/api/ps`)).json()).models).toHaveLength(1);
    for (const [path, body] of [
      ['/api/generate', { model: 'ftlab-micro', keep_alive: 0 }],
      ['/api/chat', { model: 'ftlab-micro', messages: [], keep_alive: '0s' }],
    ] as const) {
      const res = await post(`${backendUrl}${path}`, body);
      expect(await res.json()).toMatchObject({ done: true, done_reason: 'unload' });
    }
    expect((await (await fetch(`${backendUrl}/api/ps`)).json()).models).toEqual([]);
  });
});
