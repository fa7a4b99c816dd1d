// Robustness of `ftlab serve`: a fuzz of malformed requests, a backend killed mid-stream, and the real
// CLI process shutting down gracefully.
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { OllamaBackend } from '../../../src/engines/serve/model-clients.js';
import { startEchoBackend, type EchoBackend } from '../../../src/engines/serve/echo-backend.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Small deterministic PRNG so a failing fuzz case can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rawRequest(port: number, payload: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.setTimeout(300, () => socket.destroy());
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('close', () => resolve(out));
    socket.on('error', () => resolve(out));
    socket.end(payload);
  });
}

describe('ftlab serve — fuzz', () => {
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
      bodyLimit: 16 * 1024,
      docs: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await echo.close();
  });

  it('survives thousands of malformed bodies, headers and paths; every JSON answer is a 4xx error object', async () => {
    const rand = mulberry32(20261122);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const junkString = (n: number) => Array.from({ length: n }, () => String.fromCharCode(Math.floor(rand() * 0x2fff))).join('');
    const bodies = [
      () => '{',
      () => '[]',
      () => 'null',
      () => '"prompt"',
      () => JSON.stringify({ prompt: junkString(20) }).slice(0, Math.floor(rand() * 20)),
      () => JSON.stringify({ prompt: rand() * 100 }),
      () => JSON.stringify({ prompt: '', stream: 'yes' }),
      () => JSON.stringify({ prompt: 'x', options: { top_k: -1, stop: [1, 2] } }),
      () => JSON.stringify({ prompt: 'x', model: '' }),
      () => JSON.stringify({ prompt: { nested: true } }),
      () => '{"prompt":"x"}'.repeat(2),
      () => junkString(64),
      () => JSON.stringify({ messages: 'nope' }),
      () => JSON.stringify({ messages: [{ role: 'wizard', content: 'x' }] }),
      () => JSON.stringify({ prompt: 'x', __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
    ];
    const paths = [
      '/generate',
      '/v1/chat/completions',
      '/health',
      '/%',
      '/generate?x=%zz',
      '/../../etc/passwd',
      '/generate/' + 'a'.repeat(300),
      '/metrics?',
      '//generate',
    ];
    const contentTypes = [
      'application/json',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      '',
      'application/json\u0000',
    ];
    const statuses = new Map<number, number>();
    const N = 2000;
    const batch = 50;
    for (let i = 0; i < N; i += batch) {
      await Promise.all(
        Array.from({ length: batch }, async () => {
          const mode = rand();
          let text: string;
          if (mode < 0.15) {
            // raw garbage on the socket: broken request lines and headers
            const garbage = pick([
              `POST /generate HTTP/1.1\r\nHost: x\r\nContent-Length: 99999\r\n\r\n{`,
              `GET ${junkString(10)} HTTP/1.1\r\n\r\n`,
              `POST /generate HTTP/1.1\r\nContent-Length: -5\r\n\r\n`,
              `POST /generate HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`,
              `\u0000\u0001\u0002 garbage\r\n\r\n`,
              `POST /generate HTTP/1.1\r\nHost: x\r\n${'X-Long: ' + 'a'.repeat(20000)}\r\n\r\n`,
            ]);
            text = await rawRequest(port, Buffer.from(garbage, 'latin1'));
            const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status) expect(status).toBeGreaterThanOrEqual(400);
            return;
          }
          const body = pick(bodies)();
          const ct = pick(contentTypes);
          const headers: Record<string, string> = ct && !ct.includes('\u0000') ? { 'content-type': ct } : {};
          const res = await fetch(`http://127.0.0.1:${port}${pick(paths)}`, { method: rand() < 0.8 ? 'POST' : 'PUT', headers, body }).catch(
            () => undefined,
          );
          if (!res) return;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(res.status, `status for body ${body.slice(0, 60)}`).toBeLessThan(500);
          if (res.headers.get('content-type')?.includes('json')) {
            const parsed = await res.json();
            if (res.status >= 400)
              expect(parsed.error, JSON.stringify(parsed)).toEqual(
                expect.objectContaining({ code: expect.any(String), hint: expect.any(String) }),
              );
          } else await res.arrayBuffer();
        }),
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // still healthy and serving real requests
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const ok = await fetch(`http://127.0.0.1:${port}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt":"still alive"}',
    });
    expect((await ok.json()).response).toBe('echo: still alive');
    // memory bounded: after the fuzz the heap is not holding on to request data
    global.gc?.();
    expect(process.memoryUsage().heapUsed).toBeLessThan(400 * 1024 * 1024);
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
  });
});

describe('ftlab serve — backend failures mid-stream', () => {
  it('a backend killed mid-stream ends the SSE stream with an error event, and the API stays up', async () => {
    // A backend that sends two NDJSON parts and then dies.
    const dying = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/api/version') return res.end('{"version":"x"}');
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write('{"model":"m","response":"partial ","done":false}\n');
        setTimeout(() => {
          res.write('{"model":"m","response":"answer","done":false}\n');
          setTimeout(() => res.socket?.destroy(), 20);
        }, 20);
      });
    });
    await new Promise<void>((r) => dying.listen(0, '127.0.0.1', () => r()));
    const backendUrl = `http://127.0.0.1:${(dying.address() as AddressInfo).port}`;
    const app = await buildServeApp({
      backend: new OllamaBackend(backendUrl),
      defaultModel: 'm',
      version: 't',
      logLevel: 'silent',
      docs: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"x","stream":true}',
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('event: token');
      expect(text).toContain('event: error');
      const errorData = JSON.parse(/event: error\ndata: (.*)\n/.exec(text)![1]);
      expect(errorData.error.code).toMatch(/backend_/);
      // Non-streamed call to the same dying backend: a clean 5xx JSON error, not a hang.
      const plain = await fetch(`http://127.0.0.1:${port}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"x","stream":false}',
      });
      expect(plain.status).toBeGreaterThanOrEqual(500);
      expect((await plain.json()).error.code).toMatch(/backend_/);
    } finally {
      await app.close();
      dying.closeAllConnections();
      await new Promise<void>((r) => dying.close(() => r()));
    }
  });

  it('a client that disconnects mid-stream aborts the backend request', async () => {
    let backendClosed = false;
    const slow = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        const timer = setInterval(() => res.write('{"model":"m","response":"tick ","done":false}\n'), 20);
        res.on('close', () => {
          clearInterval(timer);
          backendClosed = true;
        });
      });
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const app = await buildServeApp({
      backend: new OllamaBackend(`http://127.0.0.1:${(slow.address() as AddressInfo).port}`),
      defaultModel: 'm',
      version: 't',
      logLevel: 'silent',
      docs: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    try {
      await new Promise<void>((resolve) => {
        const req = httpRequest(
          { host: '127.0.0.1', port, path: '/generate', method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          },
        );
        req.end('{"prompt":"x","stream":true}');
      });
      for (let i = 0; i < 50 && !backendClosed; i++) await new Promise((r) => setTimeout(r, 20));
      expect(backendClosed).toBe(true);
    } finally {
      await app.close();
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });
});

describe('ftlab serve — the CLI process', () => {
  let echo: EchoBackend;
  beforeAll(async () => {
    echo = await startEchoBackend();
  });
  afterAll(async () => {
    await echo.close();
  });

  it('starts, answers, and on SIGTERM finishes the in-flight request before exiting 0', async () => {
    const slowEcho = await startEchoBackend({ delayMs: 400 });
    const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', '0', '--ollama-host', slowEcho.url, '--log-level', 'silent'], {
      cwd: root,
    });
    let stderr = '';
    const listening = new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const port = await listening;
    const inflight = fetch(`http://127.0.0.1:${port}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt":"finish me"}',
    });
    // SIGTERM once the request is in flight at the backend (it answers after 400 ms).
    for (let i = 0; i < 400 && slowEcho.calls.generate + slowEcho.calls.chat === 0; i++) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGTERM');
    const res = await inflight;
    expect(res.status).toBe(200);
    expect((await res.json()).response).toBe('echo: finish me');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(stderr).toContain('SIGTERM received');
    await slowEcho.close();
  });

  it('says clearly when the port is taken and suggests another', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as AddressInfo).port;
    const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', String(taken), '--ollama-host', echo.url], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    blocker.close();
    expect(code).toBe(1);
    expect(stderr).toContain(`port ${taken} on 127.0.0.1 is already in use`);
    expect(stderr).toMatch(/hint: try --port \d+/);
  });

  it('rejects bad flags with exit 2', async () => {
    const child = spawn(process.execPath, ['dist/cli.js', 'serve', '--port', 'eighty'], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('invalid port "eighty"');
  });
});
