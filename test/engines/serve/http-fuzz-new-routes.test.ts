// Property-based fuzz of the embeddings, completions and model-management routes over real HTTP on
// 127.0.0.1: valid bodies mutated (fields dropped, replaced by any JSON value, extra ones added), any JSON,
// broken JSON, odd content types. Properties: never a 5xx (the backends here are healthy), every error in the
// route's shape (Ollama's {error:"…"} on /api/*, OpenAI's {error:{message,type,param}} on /v1/* of the
// backend, serve's {error:{code,message,hint,type,param}}), and the servers still answer afterwards.
// Fixed seed (FUZZ_RUNS / FUZZ_SEED to widen).
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from '../../../src/commands/serve.js';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { fuzzParams } from '../../helpers/fuzz.js';
import { writeTinyAdapter } from './tiny-adapter.js';
import { writeTinyModel } from './tiny-model.js';

interface Answer {
  status: number;
  type: string;
  body: string;
}

function send(port: number, method: string, path: string, type: string, body: string | undefined): Promise<Answer | undefined> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    // Node sends a DELETE body without framing unless told its length (it would read as a second request)
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: text }));
      res.on('error', () => resolve(undefined));
    });
    req.setTimeout(20_000, () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

function bodyArb(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  const mutated = fc
    .record({
      drop: fc.subarray(keys),
      replace: fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 })),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
    })
    .map(({ drop, replace, extra }) => {
      const out: Record<string, unknown> = { ...valid, ...replace, ...extra };
      for (const k of drop) delete out[k];
      return JSON.stringify(out);
    });
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 48 }) },
    { weight: 1, arbitrary: mutated.chain((s) => fc.nat({ max: s.length }).map((n) => s.slice(0, n))) },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(valid)) },
  );
}

const contentTypes = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', '');

const apps: FastifyInstance[] = [];
let backendPort: number;
let servePort: number;
let adapterDir: string;

beforeAll(async () => {
  const modelDir = writeTinyModel();
  adapterDir = writeTinyAdapter(modelDir);
  // no registry file: fuzzed creates live only as long as this server
  const { app } = await buildBackendApp({ modelDir, name: 'm', adapters: [], workers: 1, maxQueue: 64 });
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  backendPort = (app.server.address() as AddressInfo).port;
  const serve = await buildServeApp({
    backend: makeBackend('ollama', `http://127.0.0.1:${backendPort}`),
    defaultModel: 'm',
    version: 't',
    logLevel: 'silent',
    docs: false,
  });
  apps.push(serve);
  await serve.listen({ host: '127.0.0.1', port: 0 });
  servePort = (serve.server.address() as AddressInfo).port;
}, 60_000);
afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
});

describe('fuzz: the new routes of ftlab backend', () => {
  it("no 5xx; errors in Ollama's or OpenAI's shape; still serving after", async () => {
    const routes = [
      { method: 'POST', path: '/api/embed', valid: { model: 'm', input: ['a', 'b'], truncate: true, dimensions: 4, keep_alive: '5m' } },
      { method: 'POST', path: '/api/embeddings', valid: { model: 'm', prompt: 'hi', options: { temperature: 0 } } },
      { method: 'POST', path: '/v1/embeddings', valid: { model: 'm', input: ['a', [104, 105]], encoding_format: 'base64', dimensions: 3 } },
      { method: 'POST', path: '/v1/completions', valid: { model: 'm', prompt: ['a', 'b'], max_tokens: 2, stop: ['x'], seed: 1 } },
      {
        method: 'POST',
        path: '/v1/completions',
        valid: { model: 'm', prompt: 'a', max_tokens: 2, stream: true, stream_options: { include_usage: true } },
      },
      {
        method: 'POST',
        path: '/api/create',
        valid: { model: 'f', from: 'm', adapters: { a: '' }, system: 's', parameters: { temperature: 0.1, stop: ['x'] }, stream: false },
      },
      { method: 'POST', path: '/api/create', valid: { model: 'g', modelfile: 'FROM m\nPARAMETER top_k 3\nSYSTEM """x"""', stream: true } },
      { method: 'POST', path: '/api/copy', valid: { source: 'm', destination: 'c' } },
      { method: 'DELETE', path: '/api/delete', valid: { model: 'c' } },
    ];
    const requestArb = fc
      .constantFrom(...routes)
      .chain((r) => fc.record({ route: fc.constant(r), body: bodyArb(r.valid), type: contentTypes }));
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ route, body, type }) => {
        // the adapter path exists only at run time
        const text = body.replace('"a":""', `"a":${JSON.stringify(adapterDir)}`);
        const res = await send(backendPort, route.method, route.path, type, text);
        if (!res) return;
        expect(res.status, `${route.path} ${text.slice(0, 120)}`).toBeLessThan(500);
        if (res.status >= 400) {
          const parsed = JSON.parse(res.body);
          if (route.path.startsWith('/v1/')) expect(parsed.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
          else expect(parsed).toEqual({ error: expect.any(String) });
        }
        if (res.type.startsWith('text/event-stream')) expect(res.body).toMatch(/data: \[DONE\]\n\n$/);
      }),
      fuzzParams(80),
    );
    // still serving, and the base model is still the base model (deleting it is allowed, so ask a copy)
    const ok = await send(backendPort, 'POST', '/api/embed', 'application/json', '{"model":"m","input":"alive"}');
    expect(ok?.status === 200 || ok?.status === 404).toBe(true);
    const tags = await send(backendPort, 'GET', '/api/tags', '', undefined);
    expect(tags?.status).toBe(200);
  });
});

describe('fuzz: the new routes of ftlab serve', () => {
  it('no 5xx; every error is {error:{code,message,hint,type,param}}', async () => {
    const routes = [
      { path: '/v1/completions', valid: { prompt: 'hi', max_tokens: 2, temperature: 0, stop: 'x' } },
      { path: '/v1/completions', valid: { prompt: ['a', 'b'], max_tokens: 2, stream: true, stream_options: { include_usage: true } } },
      { path: '/v1/embeddings', valid: { input: ['a', 'b'], encoding_format: 'float', dimensions: 4 } },
    ];
    const requestArb = fc
      .constantFrom(...routes)
      .chain((r) => fc.record({ route: fc.constant(r), body: bodyArb(r.valid), type: contentTypes }));
    await fc.assert(
      fc.asyncProperty(requestArb, async ({ route, body, type }) => {
        const res = await send(servePort, 'POST', route.path, type, body);
        if (!res) return;
        // the backend may have been left without "m" by the backend fuzz (a fuzzed delete): 404 is fine
        expect(res.status, `${route.path} ${body.slice(0, 120)}`).toBeLessThan(500);
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
        if (res.type.startsWith('text/event-stream')) expect(res.body).toMatch(/(data: \[DONE\]|event: error\ndata: .*)\n\n$/);
      }),
      fuzzParams(60),
    );
  });
});
