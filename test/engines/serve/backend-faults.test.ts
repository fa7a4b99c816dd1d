// Fault injection between `ftlab serve` and its backend (D5, D6, D7 of the hardening review): every way a
// model server can fail reaches the client with the right status or event and the backend's own reason,
// both response modes agree, --timeout bounds the gaps between tokens (not the answer), and streams close
// the socket when the client asked for "Connection: close".
import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { OllamaBackend, OpenAICompatibleBackend } from '../../../src/engines/serve/model-clients.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { doneLine, drip, parseSse, startFakeBackend, token, type FakeBackend, type FakeHandler } from './fake-backend.js';
import { writeTinyModel } from './tiny-model.js';

const apps: FastifyInstance[] = [];
const fakes: FakeBackend[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  for (const f of fakes.splice(0)) await f.close();
});

/** serve in front of a fake backend whose generate/chat calls `handle` answers. */
async function serveWith(handle: FakeHandler, o: { timeoutMs?: number; openai?: boolean } = {}): Promise<string> {
  const fake = await startFakeBackend((req, res, body) => {
    if (req.url === '/api/generate' || req.url === '/api/chat' || req.url === '/v1/chat/completions') {
      handle(req, res, body);
      return true;
    }
    return false;
  });
  fakes.push(fake);
  const backend = o.openai ? new OpenAICompatibleBackend(`${fake.url}/v1`) : new OllamaBackend(fake.url);
  const app = await buildServeApp({ backend, defaultModel: 'm', version: 't', logLevel: 'silent', docs: false, timeoutMs: o.timeoutMs });
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Both modes of /generate: the JSON error of stream:false, and what stream:true ends with. */
async function bothModes(
  base: string,
): Promise<{ plain: { status: number; error: { code: string; message: string } }; streamed: { status: number; text: string } }> {
  const p = await post(`${base}/generate`, { prompt: 'x' });
  const plain = { status: p.status, error: (await p.json()).error };
  const s = await post(`${base}/generate`, { prompt: 'x', stream: true });
  return { plain, streamed: { status: s.status, text: await s.text() } };
}

/** The error a started SSE stream ended with. */
function finalError(text: string): { code: string; message: string } {
  const events = parseSse(text);
  const last = events.at(-1)!;
  expect(last.event, text).toBe('error');
  expect(events.some((e) => e.event === 'done')).toBe(false);
  return JSON.parse(last.data).error;
}

describe('D5: backend failures are passed on truthfully', () => {
  it("a 200 whose body is an error object is a 502 with the backend's reason, in both modes and on chat", async () => {
    const base = await serveWith((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"error":"model exploded"}');
    });
    const { plain, streamed } = await bothModes(base);
    expect(plain.status).toBe(502);
    expect(plain.error.code).toBe('backend_error');
    expect(plain.error.message).toContain('model exploded');
    // Nothing was streamed yet, so stream:true gets the same status (not a 200 with an empty answer).
    expect(streamed.status).toBe(502);
    expect(JSON.parse(streamed.text).error.message).toContain('model exploded');
    const chat = await post(`${base}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }] });
    expect(chat.status).toBe(502);
    expect((await chat.json()).error.message).toContain('model exploded');
  });

  it('an error line in the middle of a stream ends it with that reason', async () => {
    const base = await serveWith((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write(token('partial '));
      res.end('{"error":"out of memory"}\n');
    });
    const { plain, streamed } = await bothModes(base);
    expect(plain.status).toBe(502);
    expect(plain.error.message).toContain('out of memory');
    expect(streamed.status).toBe(200);
    expect(streamed.text).toContain('event: token');
    expect(finalError(streamed.text)).toEqual(expect.objectContaining({ code: 'backend_error', message: plain.error.message }));
  });

  it('a garbage line fails both modes alike with 502 and says which line, instead of being skipped', async () => {
    const base = await serveWith((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(token('ok') + 'this is not json\n' + token('x') + doneLine());
    });
    const { plain, streamed } = await bothModes(base);
    expect(plain.status).toBe(502);
    expect(plain.error.message).toContain('not JSON');
    expect(plain.error.message).toContain('this is not json');
    expect(finalError(streamed.text)).toEqual(expect.objectContaining({ code: 'backend_error', message: plain.error.message }));
  });

  it('a stream that ends without done is an error in both modes; no done_reason is made up', async () => {
    const base = await serveWith((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.end(token('half an ') + token('answer'));
    });
    const { plain, streamed } = await bothModes(base);
    expect(plain.status).toBe(502);
    expect(plain.error.message).toMatch(/without its final "done"/);
    expect(finalError(streamed.text).message).toBe(plain.error.message);
  });

  it('broken chunked framing is a 502 (the backend answered), not 503 "unreachable"', async () => {
    const base = await serveWith((_req, res) => {
      // Take over the socket and send a chunk size that is not hexadecimal.
      const socket = res.socket!;
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ntransfer-encoding: chunked\r\n\r\n');
      socket.end(`${token('a').length.toString(16)}\r\n${token('a')}\r\nZZ\r\nnot a chunk\r\n`);
    });
    const { plain, streamed } = await bothModes(base);
    expect(plain.status).toBe(502);
    expect(plain.error.code).toBe('backend_error');
    expect(plain.error.message).toMatch(/broke off/);
    expect(finalError(streamed.text).code).toBe('backend_error');
  });

  it('the backend\'s 503 "busy" stays a 503 with Retry-After (its own, or 1 s), in both modes', async () => {
    // eslint-disable-next-line prefer-const -- the fake backend's handler reads it; the test sets it halfway
    let retryAfter: string | undefined;
    const base = await serveWith((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) });
      res.end('{"error":"server busy, please try again. maximum pending requests exceeded (2)"}');
    });
    const plain = await post(`${base}/generate`, { prompt: 'x' });
    expect(plain.status).toBe(503);
    expect(plain.headers.get('retry-after')).toBe('1');
    const body = (await plain.json()).error;
    expect(body.code).toBe('backend_busy');
    expect(body.message).toContain('maximum pending requests exceeded');
    retryAfter = '7';
    const streamed = await post(`${base}/generate`, { prompt: 'x', stream: true });
    expect(streamed.status).toBe(503);
    expect(streamed.headers.get('retry-after')).toBe('7');
    expect((await streamed.json()).error.code).toBe('backend_busy');
  });

  it('the real `ftlab backend` at its queue limit gives 503 backend_busy through serve', async () => {
    const { app: backendApp } = await buildBackendApp({ modelDir: writeTinyModel(), name: 'm', adapters: [], workers: 1, maxQueue: 1 });
    apps.push(backendApp);
    await backendApp.listen({ host: '127.0.0.1', port: 0 });
    const app = await buildServeApp({
      backend: new OllamaBackend(`http://127.0.0.1:${(backendApp.server.address() as AddressInfo).port}`),
      defaultModel: 'm',
      version: 't',
      logLevel: 'silent',
      docs: false,
    });
    apps.push(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => post(`${base}/generate`, { prompt: 'busy', options: { num_predict: 200 } })),
    );
    const busy = results.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const r of busy) {
      expect(r.headers.get('retry-after')).toBe('1');
      expect((await r.json()).error.code).toBe('backend_busy');
    }
    expect(results.every((r) => r.status === 200 || r.status === 503)).toBe(true);
  });

  it('an OpenAI-compatible backend: an error event mid-stream or a garbage event is a 502 with its reason', async () => {
    let mode: 'error' | 'garbage' | 'cut' = 'error';
    const base = await serveWith(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const piece = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] })}\n\n`;
        if (mode === 'error') res.end(piece + `data: ${JSON.stringify({ error: { message: 'context overflow', type: 'api_error' } })}\n\n`);
        else if (mode === 'garbage') res.end(piece + 'data: {nope\n\n');
        else res.end(piece);
      },
      { openai: true },
    );
    const err = async () => {
      const r = await post(`${base}/generate`, { prompt: 'x' });
      expect(r.status).toBe(502);
      return (await r.json()).error.message as string;
    };
    expect(await err()).toContain('context overflow');
    mode = 'garbage';
    expect(await err()).toContain('not JSON');
    mode = 'cut';
    expect(await err()).toMatch(/without a finish_reason/);
  });
});

describe('D6: --timeout bounds the wait for each token, not the whole answer', () => {
  it('a backend streaming a token every 40 ms for longer than the timeout completes, in both modes', async () => {
    const parts = Array.from({ length: 12 }, (_, i) => token(`t${i} `));
    const base = await serveWith(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        drip(res, [...parts, doneLine()], 40, () => res.end());
      },
      { timeoutMs: 250 },
    );
    // 13 parts × 40 ms ≈ 520 ms: twice the timeout, with every gap well under it.
    const plain = await post(`${base}/generate`, { prompt: 'x' });
    expect(plain.status).toBe(200);
    expect((await plain.json()).response).toBe(parts.map((_, i) => `t${i} `).join(''));
    const streamed = await (await post(`${base}/generate`, { prompt: 'x', stream: true })).text();
    expect(parseSse(streamed).at(-1)!.event).toBe('done');
  });

  it('a backend that goes silent mid-stream is cut with a message that says so', async () => {
    const base = await serveWith(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        res.write(token('one '));
        res.write(token('two '));
        // …and then nothing, with the connection open.
      },
      { timeoutMs: 200 },
    );
    const { plain, streamed } = await bothModes(base);
    expect(plain.status).toBe(504);
    expect(plain.error.code).toBe('backend_timeout');
    expect(plain.error.message).toMatch(/stopped sending tokens for 200 ms in the middle of the answer/);
    expect(streamed.text).toContain('"response":"two "');
    expect(finalError(streamed.text)).toEqual(expect.objectContaining({ code: 'backend_timeout', message: plain.error.message }));
  });

  it('a backend that sends nothing at all times out "with no first token"', async () => {
    const base = await serveWith(() => undefined, { timeoutMs: 150 });
    const { plain, streamed } = await bothModes(base);
    expect(plain.status).toBe(504);
    expect(plain.error.message).toMatch(/sent nothing for 150 ms \(no first token\)/);
    expect(streamed.status).toBe(504);
  });
});

/** Sends a raw HTTP/1.1 request with Connection: close and reads until the server closes (hang guard 5 s); bytes as latin1. */
function untilEof(port: number, path: string, body: string): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const guard = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, 5000);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => {
      clearTimeout(guard);
      socket.end();
      resolve({ text, closedByServer: true });
    });
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

describe('D7: streams honour "Connection: close" and close the socket after the last event', () => {
  let backend: FastifyInstance;
  let serve: FastifyInstance;
  beforeAll(async () => {
    ({ app: backend } = await buildBackendApp({ modelDir: writeTinyModel(), name: 'm', adapters: [], workers: 1, maxQueue: 8 }));
    await backend.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}`;
    serve = await buildServeApp({ backend: new OllamaBackend(url), defaultModel: 'm', version: 't', logLevel: 'silent', docs: false });
    await serve.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await serve.close();
    await backend.close();
  });

  const chat = JSON.stringify({
    model: 'm',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    max_tokens: 5,
    options: { num_predict: 5 },
  });
  const cases: [string, () => number, string, string, RegExp][] = [
    [
      'serve /generate',
      () => (serve.server.address() as AddressInfo).port,
      '/generate',
      JSON.stringify({ prompt: 'hi', stream: true, options: { num_predict: 5 } }),
      /event: done\ndata: .*\n\n$/,
    ],
    [
      'serve /v1/chat/completions',
      () => (serve.server.address() as AddressInfo).port,
      '/v1/chat/completions',
      JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: true, max_tokens: 5 }),
      /data: \[DONE\]\n\n$/,
    ],
    [
      'backend /v1/chat/completions',
      () => (backend.server.address() as AddressInfo).port,
      '/v1/chat/completions',
      chat,
      /data: \[DONE\]\n\n$/,
    ],
    ['backend /api/chat', () => (backend.server.address() as AddressInfo).port, '/api/chat', chat, /"done":true[^\n]*\n$/],
    [
      'backend /api/generate',
      () => (backend.server.address() as AddressInfo).port,
      '/api/generate',
      JSON.stringify({ model: 'm', prompt: 'hi', options: { num_predict: 5 } }),
      /"done":true[^\n]*\n$/,
    ],
  ];
  for (const [name, port, path, body, last] of cases) {
    it(name, async () => {
      const { text, closedByServer } = await untilEof(port(), path, body);
      expect(closedByServer, text).toBe(true);
      const [head, ...rest] = text.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 200/);
      expect(head.toLowerCase()).not.toContain('keep-alive');
      // De-chunk the body and check it is complete: the last event/line arrived before the close.
      const raw = rest.join('\r\n\r\n');
      let decoded = '';
      for (let at = 0; at < raw.length;) {
        const nl = raw.indexOf('\r\n', at);
        const size = parseInt(raw.slice(at, nl), 16);
        if (!size) break;
        decoded += raw.slice(nl + 2, nl + 2 + size);
        at = nl + 2 + size + 2;
      }
      expect(Buffer.from(decoded, 'latin1').toString('utf8')).toMatch(last);
    });
  }
});
