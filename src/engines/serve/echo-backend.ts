// A tiny, fast, deterministic stand-in for an Ollama server. The serving lab's grader points a learner's API
// at it (so it can tell whether prompts really reach the backend and can take the backend down on purpose),
// and the serving benchmark puts it behind both APIs so the backend costs the same for each.
// It answers: GET /api/version, /api/tags, POST /api/show, /api/generate, /api/chat (NDJSON or stream:false).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoBackendOptions {
  /** Model names the backend claims to have (Ollama "name:tag"; bare names mean ":latest"). */
  models?: string[];
  /** Milliseconds to wait before answering a generate/chat call. */
  delayMs?: number;
  version?: string;
}

export interface EchoBackend {
  url: string;
  port: number;
  server: Server;
  /** Counts generate/chat calls, so a grader can tell whether a request reached the backend. */
  calls: { generate: number; chat: number };
  close(): Promise<void>;
}

/** The deterministic answer: the prompt's words echoed back, so graders can predict it. */
export function echoAnswer(prompt: string): string {
  return `echo: ${prompt.trim().split(/\s+/).slice(0, 64).join(' ')}`;
}

function countTokens(text: string): number {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length;
}

function normalise(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

export async function startEchoBackend(opts: EchoBackendOptions = {}, port = 0, host = '127.0.0.1'): Promise<EchoBackend> {
  const models = (opts.models ?? ['ftlab-micro']).map(normalise);
  const version = opts.version ?? '0.0.0-echo';
  const calls = { generate: 0, chat: 0 };
  const pending = new Set<NodeJS.Timeout>();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && url === '/') return void res.end('Ollama is running');
    if (req.method === 'GET' && url === '/api/version') return json(res, 200, { version });
    if (req.method === 'GET' && url === '/api/tags') {
      return json(res, 200, {
        models: models.map((m) => ({
          name: m,
          model: m,
          modified_at: '2026-01-01T00:00:00Z',
          size: 1,
          digest: 'echo',
          details: { family: 'echo', format: 'none', parameter_size: '0', quantization_level: 'none' },
        })),
      });
    }
    if (req.method !== 'POST') return json(res, 404, { error: '404 page not found' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      return json(res, 400, { error: 'invalid JSON' });
    }
    const model = String(body.model ?? '');
    if (url === '/api/show') {
      return models.includes(normalise(model))
        ? json(res, 200, { modelfile: '', details: { family: 'echo' } })
        : json(res, 404, { error: `model '${model}' not found` });
    }
    if (url !== '/api/generate' && url !== '/api/chat') return json(res, 404, { error: '404 page not found' });
    if (!models.includes(normalise(model))) return json(res, 404, { error: `model '${model}' not found` });
    const isChat = url === '/api/chat';
    if (isChat) calls.chat++;
    else calls.generate++;
    const messages = (body.messages as { content?: string }[] | undefined) ?? [];
    const prompt = isChat ? String(messages[messages.length - 1]?.content ?? '') : String(body.prompt ?? '');
    let answer = echoAnswer(prompt);
    const options = (body.options ?? {}) as { num_predict?: number };
    let doneReason = 'stop';
    if (typeof options.num_predict === 'number' && options.num_predict >= 0) {
      const words = answer.split(' ');
      if (words.length > options.num_predict) {
        answer = words.slice(0, options.num_predict).join(' ');
        doneReason = 'length';
      }
    }
    if (opts.delayMs) {
      // Tracked so that close() cancels it: a long --delay must not keep the process alive after SIGTERM.
      await new Promise<void>((r) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          r();
        }, opts.delayMs);
        pending.add(timer);
      });
    }
    const promptTokens = countTokens(prompt) + 1;
    const evalCount = countTokens(answer);
    const final = {
      model,
      created_at: new Date().toISOString(),
      done: true,
      done_reason: doneReason,
      total_duration: 1000,
      load_duration: 0,
      prompt_eval_count: promptTokens,
      prompt_eval_duration: 100,
      eval_count: evalCount,
      eval_duration: 900,
    };
    if (body.stream === false) {
      return json(res, 200, isChat ? { ...final, message: { role: 'assistant', content: answer } } : { ...final, response: answer });
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const pieces = answer.split(/(?<= )/);
    for (const piece of pieces) {
      const part = isChat
        ? { model, created_at: final.created_at, message: { role: 'assistant', content: piece }, done: false }
        : { model, created_at: final.created_at, response: piece, done: false };
      res.write(JSON.stringify(part) + '\n');
    }
    res.end(JSON.stringify(isChat ? { ...final, message: { role: 'assistant', content: '' } } : { ...final, response: '' }) + '\n');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!res.headersSent) json(res, 500, { error: 'echo backend failed' });
        else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    server,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of pending) clearTimeout(t);
        pending.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
