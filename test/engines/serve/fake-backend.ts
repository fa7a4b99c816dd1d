// A model server under the test's control, on 127.0.0.1:0: every request is handed to `handle`, which can
// answer anything a broken or slow backend might (error bodies, garbage lines, silence, bad framing).
// /api/version and /api/tags answer like Ollama unless `handle` returns true for them first.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeBackend {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export type FakeHandler = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void | boolean;

export async function startFakeBackend(handle: FakeHandler): Promise<FakeBackend> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        /* the tests send JSON */
      }
      if (handle(req, res, body) === true) return;
      if (res.headersSent || res.writableEnded) return;
      if (req.url === '/api/version') return void res.end('{"version":"0.0.0-fake"}');
      if (req.url === '/api/tags') return void res.end('{"models":[{"name":"m:latest","model":"m:latest"}]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes `parts` `every` ms apart, then calls `then`; stops when the client goes away. */
export function drip(res: ServerResponse, parts: string[], every: number, then?: () => void): void {
  let i = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    if (i < parts.length) res.write(parts[i++]);
    else {
      clearInterval(timer);
      then?.();
    }
  }, every);
  res.on('close', () => clearInterval(timer));
}

export const token = (text: string) =>
  JSON.stringify({ model: 'm', response: text, message: { role: 'assistant', content: text }, done: false }) + '\n';
export const doneLine = (reason = 'stop') =>
  JSON.stringify({
    model: 'm',
    response: '',
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: reason,
    prompt_eval_count: 3,
    eval_count: 2,
  }) + '\n';

/** Parses an SSE body into events. */
export function parseSse(text: string): { event: string; data: string }[] {
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
