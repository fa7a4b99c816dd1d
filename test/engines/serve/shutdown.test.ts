// SIGTERM/SIGINT on the real CLI processes (D8 of the hardening review): in-flight requests get the grace to
// finish, a stream still open at its end gets a final error event (not a cut), new requests get 503, and
// the process exits within the grace. The backend behind `serve` here never stops streaming.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { shutdown } from '../../../src/engines/serve/streams.js';
import { drip, startFakeBackend, token, type FakeBackend } from './fake-backend.js';
import { writeTinyModel } from './tiny-model.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const children: ChildProcess[] = [];
const fakes: FakeBackend[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const f of fakes.splice(0)) await f.close();
});

/** Starts `node dist/cli.js …args` and resolves with the port it reports listening on. */
async function start(
  args: string[],
  pattern: RegExp,
): Promise<{ child: ChildProcess; port: number; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['dist/cli.js', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      stderr += d;
      const m = pattern.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`exited before listening: ${stderr}`)));
  });
  return { child, port, stderr: () => stderr, exited };
}

/** POSTs and collects the body; `onFirst` runs when the first bytes arrive. */
function stream(
  port: number,
  path: string,
  body: unknown,
  onFirst?: () => void,
): Promise<{ status: number; text: string; error?: string }> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          if (!text) onFirst?.();
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', (e) => resolve({ status: res.statusCode ?? 0, text, error: e.message }));
      },
    );
    req.on('error', (e) => resolve({ status: 0, text: '', error: e.message }));
    req.end(JSON.stringify(body));
  });
}

const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms))]);

describe('ftlab serve on SIGTERM', () => {
  it('ends an endless stream with a final error event, answers a waiting request 503, and exits 0 within the grace', async () => {
    // A backend that streams a token every 50 ms forever (generate), or never answers (chat).
    const fake = await startFakeBackend((req, res) => {
      if (req.url === '/api/generate') {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        drip(
          res,
          Array.from({ length: 100_000 }, () => token('tick ')),
          50,
        );
        return true;
      }
      return req.url === '/api/chat';
    });
    fakes.push(fake);
    const grace = 800;
    const serve = await start(
      ['serve', '--port', '0', '--ollama-host', fake.url, '--log-level', 'silent', '--grace', String(grace)],
      /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    );
    let resolveFirst!: () => void;
    const firstToken = new Promise<void>((r) => (resolveFirst = r));
    const streamed = stream(serve.port, '/generate', { prompt: 'x', stream: true }, () => resolveFirst());
    const waiting = stream(serve.port, '/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] });
    await within(firstToken, 10_000, 'the first token');
    const sentAt = Date.now();
    serve.child.kill('SIGTERM');
    const s = await within(streamed, 10_000, 'the end of the stream');
    expect(s.error).toBeUndefined();
    expect(s.text).toContain('event: token');
    const last = s.text.trim().split('\n\n').at(-1)!;
    expect(last).toMatch(/^event: error\ndata: /);
    expect(JSON.parse(last.split('data: ')[1]).error.code).toBe('shutting_down');
    const w = await within(waiting, 10_000, 'the answer to the waiting request');
    expect(w.status).toBe(503);
    expect(JSON.parse(w.text).error.code).toBe('shutting_down');
    const code = await within(serve.exited, grace + 5000, 'exit');
    // Hang guard, not a benchmark: the grace plus start-up noise on a busy machine.
    expect(Date.now() - sentAt).toBeLessThan(grace + 5000);
    expect(code).toBe(0);
    expect(serve.stderr()).toContain('SIGTERM received');
    expect(serve.stderr()).toMatch(/ending 2 unfinished requests with an error/);
  });

  it('a second SIGINT does not wait for the rest of the grace', async () => {
    const fake = await startFakeBackend((req, res) => {
      if (req.url !== '/api/generate') return false;
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      drip(
        res,
        Array.from({ length: 100_000 }, () => token('tick ')),
        50,
      );
      return true;
    });
    fakes.push(fake);
    const serve = await start(
      ['serve', '--port', '0', '--ollama-host', fake.url, '--log-level', 'silent', '--grace', '60000'],
      /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    );
    let resolveFirst!: () => void;
    const first = new Promise<void>((r) => (resolveFirst = r));
    const streamed = stream(serve.port, '/generate', { prompt: 'x', stream: true }, () => resolveFirst());
    await within(first, 10_000, 'the first token');
    serve.child.kill('SIGINT');
    await within(
      (async () => {
        for (let i = 0; i < 200 && !serve.stderr().includes('SIGINT received'); i++) await new Promise((r) => setTimeout(r, 25));
      })(),
      10_000,
      'the shutdown message',
    );
    serve.child.kill('SIGINT');
    const s = await within(streamed, 10_000, 'the end of the stream');
    expect(s.text.trim().split('\n\n').at(-1)).toMatch(/^event: error/);
    expect(await within(serve.exited, 10_000, 'exit')).toBe(0);
  });
});

describe('ftlab backend on SIGTERM', () => {
  it('exits 0 within the grace; a stream in flight ends with done or an error line, never cut', async () => {
    const modelDir = writeTinyModel();
    const grace = 500;
    const backend = await start(
      ['backend', '--port', '0', '--model', modelDir, '--grace', String(grace)],
      /on http:\/\/127\.0\.0\.1:(\d+)/,
    );
    let resolveFirst!: () => void;
    const first = new Promise<void>((r) => (resolveFirst = r));
    const streamed = stream(backend.port, '/api/generate', { model: 'ftlab-micro', prompt: 'x', options: { num_predict: 200 } }, () =>
      resolveFirst(),
    );
    await within(first, 10_000, 'the first line');
    backend.child.kill('SIGTERM');
    const s = await within(streamed, 10_000, 'the end of the stream');
    expect(s.error).toBeUndefined();
    const last = JSON.parse(s.text.trim().split('\n').at(-1)!);
    expect(last.done === true || /shutting down/.test(last.error), JSON.stringify(last)).toBe(true);
    expect(await within(backend.exited, grace + 5000, 'exit')).toBe(0);
  });

  it('ends streams that are still open at the end of the grace with an error line (NDJSON) or event (SSE), in process', async () => {
    const modelDir = writeTinyModel();
    const cases = [
      {
        path: '/api/chat',
        body: { model: 'm', messages: [{ role: 'user', content: 'x' }], options: { num_predict: 200 } },
        last: (t: string) => JSON.parse(t.trim().split('\n').at(-1)!),
      },
      {
        path: '/v1/chat/completions',
        body: { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true, max_tokens: 200 },
        last: (t: string) => JSON.parse(t.trim().split('\n\n').at(-1)!.slice(6)),
      },
    ];
    for (const c of cases) {
      const { app } = await buildBackendApp({ modelDir, name: 'm', adapters: [], workers: 1, maxQueue: 8 });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const port = (app.server.address() as AddressInfo).port;
      // Grace 0: the cut comes as soon as the first bytes are out, usually long before 200 tokens exist.
      let cut: ReturnType<typeof shutdown> | undefined;
      const res = await stream(port, c.path, c.body, () => (cut ??= shutdown(app, { name: 'test', graceMs: 0 })));
      await cut!.closed;
      expect(res.error).toBeUndefined();
      const text = res.text.trim();
      // Either the answer was complete before the cut, or the stream's last word says why it stopped.
      const last = text.endsWith('[DONE]') ? { done: true } : c.last(text);
      const message = typeof last.error === 'string' ? last.error : last.error?.message;
      expect(last.done === true || /shutting down/.test(message), text.slice(-200)).toBe(true);
      expect((await stream(port, c.path, c.body)).status).toBe(0); // closed: nothing listens any more
    }
  });
});
