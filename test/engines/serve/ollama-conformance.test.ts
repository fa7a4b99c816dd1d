// One Ollama conformance suite, run against `ftlab backend` and `ftlab echo-backend` alike (the echo backend
// is offered as an Ollama stand-in, so it must pass the same checks), over real HTTP on 127.0.0.1.
// Durations in nanoseconds, /api/ps, HEAD /, stop, num_predict, the load/unload answers, Ollama's 400s and
// 404s, 405 for a wrong method, a JSON 404 for an unknown path, /v1, and CORS with OLLAMA_ORIGINS semantics.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoBackend, type EchoBackend } from '../../../src/engines/serve/echo-backend.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { parseSse } from './fake-backend.js';
import { writeTinyModel } from './tiny-model.js';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

interface Target {
  base: string;
  model: string;
  /** A lower bound for total_duration (ns) that only a nanosecond clock passes: the server is slowed down. */
  minTotalNs: number;
}

function conformance(name: string, target: () => Target) {
  describe(name, () => {
    it('GET and HEAD / say "Ollama is running"; version, tags with details.parent_model, show', async () => {
      const { base, model } = target();
      const root = await fetch(base);
      expect(root.status).toBe(200);
      expect(await root.text()).toBe('Ollama is running');
      expect((await fetch(base, { method: 'HEAD' })).status).toBe(200);
      expect((await (await fetch(`${base}/api/version`)).json()).version).toEqual(expect.any(String));
      const tags = (await (await fetch(`${base}/api/tags`)).json()).models as Record<string, unknown>[];
      expect(tags.length).toBeGreaterThan(0);
      for (const m of tags) {
        expect(m).toMatchObject({
          name: expect.any(String),
          model: expect.any(String),
          digest: expect.any(String),
          size: expect.any(Number),
        });
        expect(m.details).toMatchObject({ parent_model: expect.any(String), family: expect.any(String), format: expect.any(String) });
      }
      const show = await post(`${base}/api/show`, { model });
      expect(show.status).toBe(200);
      expect((await show.json()).details).toMatchObject({ parent_model: expect.any(String) });
      const missing = await post(`${base}/api/show`, { model: 'nope' });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: "model 'nope' not found" });
    });

    it('generate: durations in nanoseconds, counters, /api/ps lists the model, then keep_alive 0 unloads it', async () => {
      const { base, model, minTotalNs } = target();
      const t0 = process.hrtime.bigint();
      const res = await post(`${base}/api/generate`, {
        model,
        prompt: 'Why is the sky blue?',
        stream: false,
        options: { num_predict: 4, seed: 1 },
      });
      const elapsed = Number(process.hrtime.bigint() - t0);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({ model, done: true, response: expect.any(String) });
      for (const k of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration', 'prompt_eval_count', 'eval_count'])
        expect(Number.isInteger(body[k]), k).toBe(true);
      expect(body.total_duration).toBeGreaterThanOrEqual(minTotalNs);
      expect(body.total_duration).toBeLessThanOrEqual(elapsed + body.load_duration);
      expect(body.prompt_eval_duration + body.eval_duration).toBeLessThanOrEqual(body.total_duration);
      expect(body.eval_count).toBeLessThanOrEqual(4);
      const ps = (await (await fetch(`${base}/api/ps`)).json()).models;
      expect(ps).toEqual([expect.objectContaining({ name: `${model}:latest`, expires_at: expect.any(String), size_vram: 0 })]);
      const unload = await post(`${base}/api/generate`, { model, keep_alive: 0 });
      expect(await unload.json()).toMatchObject({ done: true, done_reason: 'unload' });
      expect((await (await fetch(`${base}/api/ps`)).json()).models).toEqual([]);
    });

    it('an empty prompt (or no messages) answers one "load" object, not a stream', async () => {
      const { base, model } = target();
      for (const [path, body] of [
        ['/api/generate', { model }],
        ['/api/chat', { model, messages: [] }],
      ] as const) {
        const res = await post(`${base}${path}`, body);
        expect(res.headers.get('content-type')).toMatch(/application\/json/);
        expect(await res.json()).toMatchObject({ model, done: true, done_reason: 'load' });
      }
    });

    it('stop: the reply ends before the stop text, with done_reason "stop"; streaming ends in a done line', async () => {
      const { base, model } = target();
      const ask = async (options: Record<string, unknown>) =>
        (await (await post(`${base}/api/generate`, { model, prompt: 'Why is the sky blue?', stream: false, options })).json()) as {
          response: string;
          done_reason: string;
        };
      const free = await ask({ temperature: 0, num_predict: 12 });
      expect(free.response.length).toBeGreaterThan(3);
      const stop = free.response.slice(2, 4);
      const cut = await ask({ temperature: 0, num_predict: 12, stop: [stop] });
      expect(cut.response).toBe(free.response.slice(0, free.response.indexOf(stop)));
      expect(cut.done_reason).toBe('stop');
      const stream = await post(`${base}/api/chat`, {
        model,
        messages: [{ role: 'user', content: 'hi there' }],
        options: { num_predict: 3 },
      });
      expect(stream.headers.get('content-type')).toMatch(/application\/x-ndjson/);
      const lines = (await stream.text())
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.at(-1)).toMatchObject({ done: true, done_reason: expect.any(String), eval_count: expect.any(Number) });
      expect(lines.slice(0, -1).every((l) => l.done === false && typeof l.message.content === 'string')).toBe(true);
    });

    it("Ollama's errors: bad body 400, missing model 400, unknown model 404, wrong method 405, unknown path JSON 404", async () => {
      const { base, model } = target();
      const bad = await post(`${base}/api/generate`, { model, prompt: 123 });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ error: 'prompt must be a string' });
      const noModel = await post(`${base}/api/chat`, { messages: [{ role: 'user', content: 'x' }] });
      expect(noModel.status).toBe(400);
      expect(await noModel.json()).toEqual({ error: 'model is required' });
      const unknown = await post(`${base}/api/generate`, { model: 'llama3.2', prompt: 'x' });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ error: "model 'llama3.2' not found" });
      const empty = await fetch(`${base}/api/generate`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toEqual({ error: 'missing request body' });
      const wrong = await fetch(`${base}/api/chat`);
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toContain('POST');
      expect((await wrong.json()).error).toMatch(/^405 method not allowed/);
      for (const path of ['/api/nope', '/v1/responses']) {
        const nope = await post(`${base}${path}`, {});
        expect(nope.status, path).toBe(404);
        expect(nope.headers.get('content-type'), path).toMatch(/application\/json/);
        const error = (await nope.json()).error;
        expect(typeof error === 'string' ? error : error.message, path).toMatch(/404/);
      }
    });

    it('/v1: models, chat, and a stream ending in [DONE]', async () => {
      const { base, model } = target();
      const list = await (await fetch(`${base}/v1/models`)).json();
      expect(list.object).toBe('list');
      expect(list.data.map((m: { id: string }) => m.id)).toContain(`${model}:latest`);
      const chat = await post(`${base}/v1/chat/completions`, { model, messages: [{ role: 'user', content: 'hello you' }], max_tokens: 3 });
      expect(chat.status).toBe(200);
      expect(await chat.json()).toMatchObject({ object: 'chat.completion', choices: [{ message: { role: 'assistant' } }], usage: {} });
      const stream = await post(`${base}/v1/chat/completions`, {
        model,
        messages: [{ role: 'user', content: 'hello' }],
        max_tokens: 3,
        stream: true,
      });
      const data = parseSse(await stream.text()).map((e) => e.data);
      expect(data.at(-1)).toBe('[DONE]');
      expect(JSON.parse(data[0]).choices[0].delta.role).toBe('assistant');
    });

    it("CORS as Ollama: localhost origins allowed, others 403, preflight answered, OLLAMA_ORIGINS's extra list honoured", async () => {
      const { base } = target();
      const local = await fetch(`${base}/api/tags`, { headers: { origin: 'http://localhost:5173' } });
      expect(local.status).toBe(200);
      expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const stream = await post(
        `${base}/api/generate`,
        { model: target().model, prompt: 'x y', options: { num_predict: 2 } },
        { origin: 'http://127.0.0.1:3000' },
      );
      expect(stream.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
      await stream.text();
      const evil = await fetch(`${base}/api/tags`, { headers: { origin: 'https://evil.example' } });
      expect(evil.status).toBe(403);
      const pre = await fetch(`${base}/api/chat`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:8080',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/Content-Type/i);
      // configured with origins "https://app.example.com" (OLLAMA_ORIGINS syntax)
      const extra = await fetch(`${base}/api/version`, { headers: { origin: 'https://app.example.com' } });
      expect(extra.status).toBe(200);
      expect(extra.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    });
  });
}

describe('Ollama conformance', () => {
  let backend: FastifyInstance;
  let backendUrl: string;
  let echo: EchoBackend;
  beforeAll(async () => {
    ({ app: backend } = await buildBackendApp({
      modelDir: writeTinyModel(),
      name: 'ftlab-micro',
      adapters: [],
      workers: 1,
      maxQueue: 16,
      origins: 'https://app.example.com',
    }));
    await backend.listen({ host: '127.0.0.1', port: 0 });
    backendUrl = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
    echo = await startEchoBackend({ models: ['ftlab-micro'], delayMs: 5, origins: 'https://app.example.com' });
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await echo?.close();
  });

  // The tiny model generates a token in well over 10 µs; a 5 ms delay makes the echo backend's total ≥ 5e6 ns.
  conformance('ftlab backend', () => ({ base: backendUrl, model: 'ftlab-micro', minTotalNs: 10_000 }));
  // The echo backend waits 5 ms (a timer, which Node may fire up to 1 ms before a monotonic clock says 5 ms).
  conformance('ftlab echo-backend', () => ({ base: echo.url, model: 'ftlab-micro', minTotalNs: 4_000_000 }));
});
