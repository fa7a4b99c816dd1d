// Property-based fuzz of both servers over real HTTP on 127.0.0.1: random and mutated JSON bodies per route,
// content types, authorization headers and odd or encoded paths. Properties: no 5xx (the backends here are
// healthy, so none of the documented backend 5xx apply), every error follows the server's error contract,
// and the server still answers a real request afterwards. Runs are fixed-seed (FUZZ_RUNS / FUZZ_SEED to widen).
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { OllamaBackend } from '../../../src/engines/serve/model-clients.js';
import { startEchoBackend, type EchoBackend } from '../../../src/engines/serve/echo-backend.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { fuzzParams } from '../../helpers/fuzz.js';
import { writeTinyModel } from './tiny-model.js';

interface Answer {
  status: number;
  type: string;
  body: string;
}

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
      res.on('error', () => resolve(undefined));
    });
    req.setTimeout(10_000, () => req.destroy());
    // A header value Node refuses to send, or a reset while sending a refused body: no answer to judge.
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/** A valid body for a route, then mutated: fields dropped, replaced by any JSON value, or extra ones added. */
function bodyArb(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const mutated = fc
    .record({
      drop: fc.subarray(Object.keys(valid)),
      replace: fc.dictionary(fc.constantFrom(...Object.keys(valid), 'options', 'stream', 'model'), fc.jsonValue({ maxDepth: 3 })),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
    })
    .map(({ drop, replace, extra }) => {
      const out: Record<string, unknown> = { ...valid, ...replace, ...extra };
      for (const k of drop) delete out[k];
      return JSON.stringify(out);
    });
  return fc.oneof(
    { weight: 5, arbitrary: mutated },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 64 }) },
    { weight: 1, arbitrary: mutated.chain((s) => fc.nat({ max: s.length }).map((n) => s.slice(0, n))) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(valid)) },
  );
}

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/JSON',
  'multipart/form-data; boundary=x',
  '',
);
const oddPath = (path: string) =>
  fc.constantFrom(
    path,
    `${path}/`,
    `/.${path}`,
    `${path}?x=%zz`,
    `${path}%00`,
    path.replace('/', '/%2F'),
    path.toUpperCase(),
    `//${path.slice(1)}`,
    `${path}/..`,
    `/%${path.slice(1)}`,
    `${path}#f`,
  );

describe('fuzz: ftlab serve', () => {
  let echo: EchoBackend;
  let app: FastifyInstance;
  let port: number;
  const KEY = 'fuzz-key';
  beforeAll(async () => {
    echo = await startEchoBackend();
    app = await buildServeApp({
      backend: new OllamaBackend(echo.url),
      defaultModel: 'ftlab-micro',
      version: 't',
      logLevel: 'silent',
      apiKey: KEY,
      docs: false,
      bodyLimit: 64 * 1024,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await echo.close();
  });

  it('no 5xx, every error is {error:{code,message,hint,type,param}}, still healthy after', async () => {
    const routes = [
      { path: '/generate', valid: { prompt: 'hi', stream: false, options: { num_predict: 3 } } },
      { path: '/generate', valid: { prompt: 'hi', stream: true } },
      { path: '/v1/chat/completions', valid: { messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 } },
      { path: '/v1/models', valid: {} },
      { path: '/health', valid: {} },
    ];
    const request = fc.constantFrom(...routes).chain((r) =>
      fc.record({
        path: oddPath(r.path),
        method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
        body: bodyArb(r.valid),
        type: contentTypes,
        auth: fc.constantFrom(
          `Bearer ${KEY}`,
          `Bearer ${KEY}`,
          `bearer ${KEY}`,
          'Bearer wrong',
          '',
          `Basic ${KEY}`,
          `Bearer ${KEY} extra`,
          `Bearer ${'x'.repeat(5000)}`,
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ path, method, body, type, auth }) => {
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        if (auth) headers.authorization = auth;
        const res = await send(port, method, path, headers, method === 'GET' || method === 'DELETE' ? undefined : body);
        if (!res) return;
        expect(res.status, `${method} ${path} ${body.slice(0, 80)}`).toBeLessThan(500);
        if (res.status >= 400) {
          const parsed = JSON.parse(res.body);
          expect(parsed.error).toEqual({
            code: expect.any(String),
            message: expect.any(String),
            hint: expect.any(String),
            type: expect.any(String),
            param: parsed.error.param === null ? null : expect.any(String),
          });
        }
        if (res.type.startsWith('text/event-stream')) expect(res.body).toMatch(/event: (done|error)\ndata: .*\n\n$/);
      }),
      fuzzParams(120),
    );
    const ok = await send(
      port,
      'POST',
      '/generate',
      { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      '{"prompt":"still alive"}',
    );
    expect(JSON.parse(ok!.body).response).toBe('echo: still alive');
  });
});

describe('fuzz: ftlab backend', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    ({ app } = await buildBackendApp({ modelDir: writeTinyModel(), name: 'm', adapters: [], workers: 1, maxQueue: 64 }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
  });

  it('no 5xx, errors in Ollama\'s {error:"…"} or OpenAI\'s {error:{message}} shape, still serving after', async () => {
    const routes = [
      { path: '/api/generate', valid: { model: 'm', prompt: 'hi', stream: false, options: { num_predict: 3 } } },
      { path: '/api/generate', valid: { model: 'm', prompt: 'hi', options: { num_predict: 3 } } },
      { path: '/api/chat', valid: { model: 'm', messages: [{ role: 'user', content: 'hi' }], options: { num_predict: 3 } } },
      { path: '/api/show', valid: { model: 'm' } },
      { path: '/api/pull', valid: { model: 'm', stream: false } },
      { path: '/v1/chat/completions', valid: { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 } },
      { path: '/v1/chat/completions', valid: { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, stream: true } },
      { path: '/v1/models/m', valid: {} },
      { path: '/api/tags', valid: {} },
    ];
    const request = fc.constantFrom(...routes).chain((r) =>
      fc.record({
        path: oddPath(r.path),
        method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
        body: bodyArb(r.valid),
        type: contentTypes,
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ path, method, body, type }) => {
        const res = await send(port, method, path, type ? { 'content-type': type } : {}, method === 'GET' ? undefined : body);
        if (!res) return;
        expect(res.status, `${method} ${path} ${body.slice(0, 80)}`).toBeLessThan(500);
        if (res.status === 404 && res.type.startsWith('text/plain')) {
          expect(res.body).toBe('404 page not found'); // Ollama's own answer for an unknown route
          return;
        }
        if (res.status >= 400) {
          const error = JSON.parse(res.body).error;
          if (path.startsWith('/v1/')) expect(error).toEqual(expect.objectContaining({ message: expect.any(String) }));
          else expect(typeof error === 'string' || typeof error?.message === 'string', res.body).toBe(true);
        }
        // A streamed answer ends with its final object or an error line, never in the middle.
        if (res.status === 200 && res.type.startsWith('application/x-ndjson')) {
          const last = JSON.parse(res.body.trim().split('\n').at(-1)!);
          expect(last.done === true || last.status === 'success' || typeof last.error === 'string', res.body.slice(-200)).toBe(true);
        }
      }),
      fuzzParams(120),
    );
    const ok = await send(
      port,
      'POST',
      '/api/generate',
      { 'content-type': 'application/json' },
      '{"model":"m","prompt":"ok","stream":false,"options":{"num_predict":2}}',
    );
    expect(JSON.parse(ok!.body).done).toBe(true);
  });
});
