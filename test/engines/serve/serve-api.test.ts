// The serving API's whole contract, over real HTTP on 127.0.0.1, in front of the echo backend.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { OllamaBackend } from '../../../src/engines/serve/model-clients.js';
import { echoAnswer, startEchoBackend, type EchoBackend } from '../../../src/engines/serve/echo-backend.js';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

function parseSse(text: string): { event: string; data: string }[] {
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      return { event, data: data.join('\n') };
    });
}

describe('ftlab serve — happy paths', () => {
  let echo: EchoBackend;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    echo = await startEchoBackend({ models: ['ftlab-micro'] });
    app = await buildServeApp({
      backend: new OllamaBackend(echo.url),
      defaultModel: 'ftlab-micro',
      version: 'test',
      logLevel: process.env.DBG ? 'debug' : 'silent',
    });
    base = await listen(app);
  });
  afterAll(async () => {
    await app.close();
    await echo.close();
  });

  it('GET /health reports a reachable backend and an available model', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      status: 'healthy',
      backend: { url: echo.url, kind: 'ollama', reachable: true, version: '0.0.0-echo' },
      model: { name: 'ftlab-micro', available: true },
    });
  });

  it('POST /generate returns the documented shape and really calls the backend', async () => {
    const before = echo.calls.generate;
    const res = await post(`${base}/generate`, { prompt: 'tell me about LoRA adapters' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.model).toBe('ftlab-micro');
    expect(body.prompt).toBe('tell me about LoRA adapters');
    expect(body.response).toBe(echoAnswer('tell me about LoRA adapters'));
    expect(body.done_reason).toBe('stop');
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(typeof body.latency_ms).toBe('number');
    expect(echo.calls.generate).toBe(before + 1);
  });

  it('passes options through (num_predict limits the answer)', async () => {
    const res = await post(`${base}/generate`, { prompt: 'one two three four five', options: { num_predict: 2, temperature: 0 } });
    const body = await res.json();
    expect(body.response).toBe('echo: one');
    expect(body.done_reason).toBe('length');
  });

  it('streams /generate as Server-Sent Events: token events, then done', async () => {
    const res = await post(`${base}/generate`, { prompt: 'stream this please', stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    const tokens = events.filter((e) => e.event === 'token').map((e) => JSON.parse(e.data).response);
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe(echoAnswer('stream this please'));
    const done = events.find((e) => e.event === 'done');
    expect(JSON.parse(done!.data).response).toBe(echoAnswer('stream this please'));
  });

  it('speaks OpenAI chat completions, plain and streamed', async () => {
    const res = await post(`${base}/v1/chat/completions`, { messages: [{ role: 'user', content: 'hello there' }], max_tokens: 50 });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: echoAnswer('hello there') });
    expect(body.choices[0].finish_reason).toBe('stop');
    const streamed = await post(`${base}/v1/chat/completions`, { messages: [{ role: 'user', content: 'hello there' }], stream: true });
    const text = await streamed.text();
    const events = parseSse(text);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const content = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.data).choices[0].delta.content ?? '')
      .join('');
    expect(content).toBe(echoAnswer('hello there'));
  });

  it('works with curl as a learner would call it', async () => {
    // async: the server runs in this process, a sync child would block it
    const { stdout } = await promisify(execFile)('curl', [
      '-s',
      '-X',
      'POST',
      `${base}/generate`,
      '-H',
      'content-type: application/json',
      '-d',
      '{"prompt":"hi from curl"}',
    ]);
    expect(JSON.parse(stdout).response).toBe(echoAnswer('hi from curl'));
  });

  it('exposes Prometheus metrics that move with traffic', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('# TYPE ftlab_serve_http_requests_total counter');
    expect(text).toMatch(/ftlab_serve_http_requests_total\{method="POST",route="\/generate",status="200"\} \d+/);
    expect(text).toMatch(/ftlab_serve_completion_tokens_total \d+/);
    expect(text).toContain('ftlab_serve_backend_duration_seconds_bucket');
  });

  it('serves OpenAPI and the docs page locally', async () => {
    const spec = await (await fetch(`${base}/openapi.json`)).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/health', '/generate', '/v1/chat/completions', '/metrics']));
    const docs = await fetch(`${base}/docs/static/index.html`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});

describe('ftlab serve — errors', () => {
  let echo: EchoBackend;
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    echo = await startEchoBackend({ models: ['ftlab-micro'] });
    app = await buildServeApp({
      backend: new OllamaBackend(echo.url),
      defaultModel: 'ftlab-micro',
      version: 'test',
      logLevel: 'silent',
      bodyLimit: 4096,
      docs: false,
    });
    base = await listen(app);
  });
  afterAll(async () => {
    await app.close();
    await echo.close();
  });

  const expectError = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(body.error.hint.length).toBeGreaterThan(0);
    return body.error;
  };

  it('400 on a missing prompt, a wrong type, an unknown field, invalid JSON and an empty body', async () => {
    const missing = await expectError(await post(`${base}/generate`, {}), 400, 'bad_request');
    expect(missing.message).toContain('prompt');
    await expectError(await post(`${base}/generate`, { prompt: 42 }), 400, 'bad_request');
    const unknown = await expectError(await post(`${base}/generate`, { prompt: 'x', promt: 'y' }), 400, 'bad_request');
    expect(unknown.message).toMatch(/additional/);
    await expectError(await post(`${base}/generate`, '{"prompt": "x",'), 400, 'bad_request');
    await expectError(await post(`${base}/generate`, ''), 400, 'bad_request');
    await expectError(await post(`${base}/generate`, { prompt: 'x', options: { temperature: 9 } }), 400, 'bad_request');
  });

  it('404 with an `ollama pull` hint for an unknown model', async () => {
    const err = await expectError(await post(`${base}/generate`, { prompt: 'x', model: 'llama9:70b' }), 404, 'model_not_found');
    expect(err.hint).toContain('ollama pull llama9:70b');
  });

  it('404 for an unknown route, 413 for a body over the limit, 415 for a non-JSON body', async () => {
    await expectError(await fetch(`${base}/nope`), 404, 'not_found');
    await expectError(await post(`${base}/generate`, { prompt: 'x'.repeat(10_000) }), 413, 'payload_too_large');
    const res = await fetch(`${base}/generate`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    await expectError(res, 415, 'unsupported_media_type');
  });

  it('401 without or with a wrong API key when --api-key is set; health stays open', async () => {
    const keyed = await buildServeApp({
      backend: new OllamaBackend(echo.url),
      defaultModel: 'ftlab-micro',
      version: 't',
      logLevel: 'silent',
      apiKey: 's3cret',
      docs: false,
    });
    const url = await listen(keyed);
    try {
      const none = await post(`${url}/generate`, { prompt: 'x' });
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      await expectError(none, 401, 'unauthorized');
      await expectError(await post(`${url}/generate`, { prompt: 'x' }, { authorization: 'Bearer wrong' }), 401, 'unauthorized');
      expect((await post(`${url}/generate`, { prompt: 'x' }, { authorization: 'Bearer s3cret' })).status).toBe(200);
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      await keyed.close();
    }
  });

  it('503 degraded health and 503 on generate when the backend is down', async () => {
    const down = await buildServeApp({
      backend: new OllamaBackend('http://127.0.0.1:9'),
      defaultModel: 'ftlab-micro',
      version: 't',
      logLevel: 'silent',
      docs: false,
    });
    const url = await listen(down);
    try {
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(503);
      const body = await health.json();
      expect(body.status).toBe('degraded');
      expect(body.backend.reachable).toBe(false);
      expect(body.reason).toMatch(/cannot reach/);
      const err = await expectError(await post(`${url}/generate`, { prompt: 'x' }), 503, 'backend_unreachable');
      expect(err.hint).toMatch(/ollama serve|ftlab backend/);
    } finally {
      await down.close();
    }
  });

  it('503 degraded health when the default model is missing', async () => {
    const other = await buildServeApp({
      backend: new OllamaBackend(echo.url),
      defaultModel: 'missing-model',
      version: 't',
      logLevel: 'silent',
      docs: false,
    });
    const url = await listen(other);
    try {
      const res = await fetch(`${url}/health`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.model).toEqual({ name: 'missing-model', available: false });
    } finally {
      await other.close();
    }
  });

  it('504 when the backend is slower than --timeout', async () => {
    const slow = await startEchoBackend({ delayMs: 500 });
    const app2 = await buildServeApp({
      backend: new OllamaBackend(slow.url),
      defaultModel: 'ftlab-micro',
      version: 't',
      logLevel: 'silent',
      timeoutMs: 100,
      docs: false,
    });
    const url = await listen(app2);
    try {
      await expectError(await post(`${url}/generate`, { prompt: 'x' }), 504, 'backend_timeout');
    } finally {
      await app2.close();
      await slow.close();
    }
  });
});
