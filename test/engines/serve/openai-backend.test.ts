// `ftlab serve --backend openai`: the serving API in front of an OpenAI-compatible server (here ftlab
// backend's own /v1 routes, as vLLM or llama.cpp's server would offer them).
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { OpenAICompatibleBackend } from '../../../src/engines/serve/model-clients.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { writeTinyModel } from './tiny-model.js';

describe('ftlab serve in front of an OpenAI-compatible server', () => {
  let backend: FastifyInstance;
  let api: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    ({ app: backend } = await buildBackendApp({ modelDir: writeTinyModel(), name: 'ftlab-micro', adapters: [], workers: 1, maxQueue: 8 }));
    await backend.listen({ host: '127.0.0.1', port: 0 });
    const v1 = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/v1`;
    api = await buildServeApp({
      backend: new OpenAICompatibleBackend(v1),
      defaultModel: 'ftlab-micro:latest',
      version: 't',
      logLevel: 'silent',
      docs: false,
    });
    await api.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await api.close();
    await backend.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('reports health from /v1/models', async () => {
    const res = await fetch(`${base}/health`);
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.backend).toMatchObject({ kind: 'openai', reachable: true, version: 'openai-compatible' });
    expect(body.model).toEqual({ name: 'ftlab-micro:latest', available: true });
  });

  it('generates, plain and streamed, with usage from the server', async () => {
    const res = await post('/generate', { prompt: 'What is LoRA?', options: { num_predict: 6, seed: 1 } });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(6);
    const streamed = await post('/generate', { prompt: 'What is LoRA?', stream: true, options: { num_predict: 6, seed: 1 } });
    const text = await streamed.text();
    expect(text).toContain('event: done');
    const done = JSON.parse(/event: done\ndata: (.*)\n/.exec(text)![1]);
    expect(done.response).toBe(body.response);
  });

  it('maps an unknown model to 404 and a dead server to 503', async () => {
    const missing = await post('/generate', { prompt: 'x', model: 'nope' });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('model_not_found');
    const dead = await buildServeApp({
      backend: new OpenAICompatibleBackend('http://127.0.0.1:9/v1'),
      defaultModel: 'm',
      version: 't',
      logLevel: 'silent',
      docs: false,
    });
    await dead.listen({ host: '127.0.0.1', port: 0 });
    try {
      const r = await fetch(`http://127.0.0.1:${(dead.server.address() as AddressInfo).port}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"x"}',
      });
      expect(r.status).toBe(503);
      expect((await r.json()).error.code).toBe('backend_unreachable');
    } finally {
      await dead.close();
    }
  });
});
