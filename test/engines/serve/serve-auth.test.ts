// `serve --api-key`: the key guards every route the app has (enumerated from the app itself, so a route
// added later is covered without touching this file), whatever the spelling of the path, and only the
// documented routes stay open (D1 of the hardening review).
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp, listRoutes } from '../../../src/engines/serve/app.js';
import { OllamaBackend } from '../../../src/engines/serve/model-clients.js';
import { startEchoBackend, type EchoBackend } from '../../../src/engines/serve/echo-backend.js';
import { fuzzParams } from '../../helpers/fuzz.js';

const KEY = 's3cret-key';
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
/** The routes docs/security.md lists as open without the key. */
const OPEN = ['/', '/health', '/metrics', '/docs', '/openapi.json'];

/** One raw request; the path is sent exactly as given (no normalisation, unlike fetch). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    // agent: false: a fresh connection each time, so a stale keep-alive socket cannot fail a request.
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${method} ${path}`)));
    req.on('error', reject);
    req.end(body);
  });
}

const bodyFor = (path: string) =>
  path.includes('chat') ? JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }) : JSON.stringify({ prompt: 'hi' });

describe('serve --api-key', () => {
  let echo: EchoBackend;
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    echo = await startEchoBackend();
    app = await buildServeApp({
      backend: new OllamaBackend(echo.url),
      defaultModel: 'ftlab-micro',
      version: 't',
      logLevel: 'silent',
      apiKey: KEY,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await echo.close();
  });

  it('marks exactly the documented routes as open', () => {
    const routes = listRoutes(app);
    expect(routes.length).toBeGreaterThan(10);
    const open = new Set(routes.filter((r) => r.public).map((r) => r.url));
    for (const url of open)
      expect(
        OPEN.some((o) => url === o || url.startsWith('/docs/')),
        `${url} is open`,
      ).toBe(true);
    for (const url of ['/generate', '/v1/chat/completions', '/v1/models'])
      expect(routes.filter((r) => r.url === url).every((r) => !r.public)).toBe(true);
  });

  it('every registered route × every method: no key → 401 unless open; with the key → never 401', async () => {
    const routes = listRoutes(app);
    const urls = [...new Set(routes.map((r) => r.url)), '/no-such-route'];
    for (const url of urls) {
      const path = url.replace(/:[^/]+/g, 'x').replace(/\*$/, 'index.html');
      for (const method of METHODS) {
        // Open per the docs, not per the app's own flag, so a wrongly marked route fails here.
        const isOpen = (method === 'GET' || method === 'HEAD') && (OPEN.includes(url) || url.startsWith('/docs/'));
        const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? bodyFor(path) : undefined;
        const without = await send(port, method, path, {}, body);
        if (!isOpen) {
          expect(without.status, `${method} ${path} without key`).toBe(401);
          expect(without.headers['www-authenticate']).toBe('Bearer');
          if (method !== 'HEAD') expect(JSON.parse(without.body).error.code).toBe('unauthorized');
        }
        const wrong = await send(port, method, path, { authorization: 'Bearer nope' }, body);
        if (!isOpen) expect(wrong.status, `${method} ${path} wrong key`).toBe(401);
        const withKey = await send(port, method, path, { authorization: `Bearer ${KEY}` }, body);
        expect(withKey.status, `${method} ${path} with key`).not.toBe(401);
      }
    }
  });

  it('the open routes answer without a key; /health then hides where the backend is', async () => {
    for (const path of OPEN) {
      const res = await send(port, 'GET', path);
      expect(res.status, path).toBeLessThan(400);
    }
    const health = await send(port, 'GET', '/health');
    expect(health.status).toBe(200);
    const body = JSON.parse(health.body);
    expect(body.backend.url).toBeUndefined();
    expect(health.body).not.toContain(echo.url);
    expect(body.backend.reachable).toBe(true);
  });

  it('accepts the key with any case of "Bearer", and refuses a prefix, an extension, other schemes and an empty key', async () => {
    const ok = (auth: string) => send(port, 'POST', '/generate', { authorization: auth }, bodyFor('/generate')).then((r) => r.status);
    expect(await ok(`Bearer ${KEY}`)).toBe(200);
    expect(await ok(`bearer ${KEY}`)).toBe(200);
    for (const bad of [
      `Bearer ${KEY.slice(0, -1)}`,
      `Bearer ${KEY}x`,
      `Bearer  `,
      'Bearer',
      KEY,
      `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}`,
      `Token ${KEY}`,
    ]) {
      expect(await ok(bad), bad).toBe(401);
    }
  });

  it('no spelling of a protected path gets around the key (fuzzed percent-encodings, slashes, dots, queries)', async () => {
    const targets = [
      { method: 'POST', path: '/generate' },
      { method: 'POST', path: '/v1/chat/completions' },
      { method: 'GET', path: '/v1/models' },
    ];
    const spelling = fc.record({
      target: fc.constantFrom(...targets),
      // for each character: keep, %XX upper, %xx lower, or %25XX (double encoding)
      encodings: fc.array(fc.constantFrom('keep', 'upper', 'lower', 'double'), { minLength: 24, maxLength: 24 }),
      suffix: fc.constantFrom('', '/', '?', '?x=1', '#x', ';x', '%00', '%2F', '/.'),
      prefix: fc.constantFrom('', '/', '/.', '/x/..', '/%2e'),
      method: fc.constantFrom('default', 'HEAD', 'PUT'),
    });
    await fc.assert(
      fc.asyncProperty(spelling, async ({ target, encodings, suffix, prefix, method }) => {
        const encoded = [...target.path]
          .map((ch, i) => {
            const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
            switch (encodings[i]) {
              case 'upper':
                return `%${hex.toUpperCase()}`;
              case 'lower':
                return `%${hex}`;
              case 'double':
                return `%25${hex}`;
              default:
                return ch;
            }
          })
          .join('');
        // A request target must start with "/" (else it is not a path at all and the server answers 400).
        const path = (prefix || encoded.startsWith('/') ? prefix : '/') + encoded + suffix;
        const m = method === 'default' ? target.method : method;
        const res = await send(port, m, path, {}, m === 'POST' || m === 'PUT' ? bodyFor(target.path) : undefined);
        expect(res.status < 200 || res.status >= 300, `${m} ${path} answered ${res.status} without the key: ${res.body.slice(0, 80)}`).toBe(
          true,
        );
        expect(res.body).not.toContain('echo:');
      }),
      fuzzParams(150),
    );
  });
});

describe('serve --api-key: the log', () => {
  it('logs requests but never the key, right or wrong (the real CLI at --log-level debug)', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const echo = await startEchoBackend();
    const child = spawn(
      process.execPath,
      ['dist/cli.js', 'serve', '--port', '0', '--ollama-host', echo.url, '--log-level', 'debug', '--api-key', KEY, '--grace', '200'],
      {
        cwd: fileURLToPath(new URL('../../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (d) => {
          log += d;
          const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
          if (m) resolve(Number(m[1]));
        });
        void exited.then(() => reject(new Error(log)));
      });
      expect((await send(port, 'POST', '/generate', { authorization: `Bearer ${KEY}` }, bodyFor('/generate'))).status).toBe(200);
      expect((await send(port, 'POST', '/generate', { authorization: 'Bearer wrong-guess-123' }, bodyFor('/generate'))).status).toBe(401);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toMatch(/"url":"\/generate"/);
      expect(log).toContain('"statusCode":401');
      expect(log).not.toContain(KEY);
      expect(log).not.toContain('wrong-guess-123');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await echo.close();
    }
  });
});
