// A tiny, fast, deterministic stand-in for an Ollama server. The serving lab's grader points a learner's API
// at it (so it can tell whether prompts really reach the backend and can take the backend down on purpose),
// and the serving benchmark puts it behind both APIs so the backend costs the same for each.
// It keeps Ollama's contract where a client can see it, so code tested against it works against Ollama:
// GET|HEAD / · GET /api/version · /api/tags · /api/ps · POST /api/show · /api/generate · /api/chat (NDJSON or
// stream:false, durations in nanoseconds, num_predict, stop, the empty-prompt "load" and keep_alive 0
// "unload" answers, Ollama's 400s) · GET /v1/models[/{id}] · POST /v1/chat/completions (SSE with
// include_usage) · 405 for a wrong method, a JSON 404 for an unknown path, CORS as OLLAMA_ORIGINS says.
// The "model" echoes the last prompt's words: `echo: <words>`, one token a word. A structured request
// (`format`, `response_format`) gets a small valid JSON document instead, the echo in its strings.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowedOrigins, corsDecision } from './cors.js';
import {
  CompatError,
  maxNewTokens,
  openAIErrorType,
  plainMessages,
  stopList,
  unsupportedOpenAIField,
  usageOf,
  wantsStreamUsage,
} from './openai-compat.js';
import { exampleFor } from '../llm/constrained/index.js';
import { checkStructured, ollamaFormatOf, responseFormatOf, type OutputFormat } from './structured.js';

export interface EchoBackendOptions {
  /** Model names the backend claims to have (Ollama "name:tag"; bare names mean ":latest"). */
  models?: string[];
  /** Milliseconds to wait before answering a generate/chat call. */
  delayMs?: number;
  version?: string;
  /** Extra CORS origins (OLLAMA_ORIGINS syntax); default: the OLLAMA_ORIGINS environment variable. */
  origins?: string;
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

/** A client mistake, answered in the route's error shape (Ollama's {error} or OpenAI's envelope). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

const ROUTES: Record<string, string[]> = {
  '/': ['GET', 'HEAD'],
  '/api/version': ['GET', 'HEAD'],
  '/api/tags': ['GET', 'HEAD'],
  '/api/ps': ['GET', 'HEAD'],
  '/api/show': ['POST'],
  '/api/generate': ['POST'],
  '/api/chat': ['POST'],
  '/api/pull': ['POST'],
  '/v1/models': ['GET', 'HEAD'],
  '/v1/chat/completions': ['POST'],
};
const routeOf = (path: string) => (path.startsWith('/v1/models/') && path.length > 11 ? '/v1/models/:id' : path);
ROUTES['/v1/models/:id'] = ['GET', 'HEAD'];

interface Answer {
  text: string;
  doneReason: 'stop' | 'length';
  promptTokens: number;
  evalTokens: number;
}

/**
 * The echo of `prompt` with Ollama's options applied: num_predict words at most, cut before a stop string.
 * With a format, the words are those of a valid document (a cut one, like a real model's, may not parse).
 */
function answerFor(prompt: string, numPredict: unknown, stop: string[] | undefined, format?: OutputFormat): Answer {
  let words = (format ? exampleFor(format, echoAnswer(prompt)) : echoAnswer(prompt)).split(' ');
  let doneReason: Answer['doneReason'] = 'stop';
  if (typeof numPredict === 'number' && numPredict >= 0 && words.length > numPredict) {
    words = words.slice(0, numPredict);
    doneReason = 'length';
  }
  let text = words.join(' ');
  const cuts = (stop ?? [])
    .filter((s) => s)
    .map((s) => text.indexOf(s))
    .filter((i) => i >= 0);
  if (cuts.length) {
    text = text.slice(0, Math.min(...cuts));
    doneReason = 'stop';
  }
  return { text, doneReason, promptTokens: countTokens(prompt) + 1, evalTokens: countTokens(text) };
}

function optionsOf(value: unknown): { num_predict?: unknown; stop?: string[] } {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, 'options must be an object');
  const o = value as Record<string, unknown>;
  const stop = o.stop === undefined || o.stop === null ? undefined : typeof o.stop === 'string' ? [o.stop] : o.stop;
  if (stop !== undefined && (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string')))
    throw new HttpError(400, 'option "stop" must be a list of strings');
  if (o.num_predict !== undefined && typeof o.num_predict !== 'number') throw new HttpError(400, 'option "num_predict" must be a number');
  return { num_predict: o.num_predict, stop: stop as string[] | undefined };
}

const unloads = (k: unknown) => k === 0 || (typeof k === 'string' && /^0+(\.0+)?(ns|us|µs|ms|s|m|h)?$/.test(k.trim()));

export async function startEchoBackend(opts: EchoBackendOptions = {}, port = 0, host = '127.0.0.1'): Promise<EchoBackend> {
  const models = (opts.models ?? ['ftlab-micro']).map(normalise);
  const version = opts.version ?? '0.0.0-echo';
  const calls = { generate: 0, chat: 0 };
  const pending = new Set<NodeJS.Timeout>();
  const lastUsed = new Map<string, number>();
  const origins = allowedOrigins(opts.origins);
  const started = new Date().toISOString();
  const createdSec = Math.floor(Date.parse(started) / 1000);

  const json = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  const wait = () =>
    opts.delayMs
      ? new Promise<void>((r) => {
          // Tracked so that close() cancels it: a long --delay must not keep the process alive after SIGTERM.
          const timer = setTimeout(() => {
            pending.delete(timer);
            r();
          }, opts.delayMs);
          pending.add(timer);
        })
      : Promise.resolve();

  const modelOf = (value: unknown): string => {
    if (typeof value !== 'string' || !value) throw new HttpError(400, 'model is required', 'model');
    if (!models.includes(normalise(value))) throw new HttpError(404, `model '${value}' not found`, 'model');
    return value;
  };

  const tag = (name: string) => ({
    name,
    model: name,
    modified_at: started,
    size: 1,
    digest: 'e'.repeat(64),
    details: { parent_model: '', format: 'echo', family: 'echo', families: ['echo'], parameter_size: '0', quantization_level: 'none' },
  });

  const parse = (raw: string): Record<string, unknown> => {
    if (!raw.trim()) throw new HttpError(400, 'missing request body');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (e) {
      throw new HttpError(400, `invalid JSON: ${(e as Error).message}`);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'request body must be a JSON object');
    return body as Record<string, unknown>;
  };

  /** Ollama's /api/generate and /api/chat. */
  const ollamaTurn = async (res: ServerResponse, body: Record<string, unknown>, isChat: boolean) => {
    const model = modelOf(body.model);
    const options = optionsOf(body.options);
    const format = ollamaFormatOf(body.format);
    if (format) checkStructured(format, 'format');
    let prompt: string;
    let empty: boolean;
    if (isChat) {
      if (body.messages !== undefined && body.messages !== null && !Array.isArray(body.messages))
        throw new HttpError(400, 'messages must be a list');
      const messages = (body.messages as { content?: unknown }[] | undefined) ?? [];
      const last = messages.at(-1)?.content;
      if (last !== undefined && last !== null && typeof last !== 'string')
        throw new HttpError(400, `messages[${messages.length - 1}].content must be a string`);
      prompt = (last as string | undefined) ?? '';
      empty = !messages.length;
    } else {
      if (body.prompt !== undefined && typeof body.prompt !== 'string') throw new HttpError(400, 'prompt must be a string');
      prompt = (body.prompt as string | undefined) ?? '';
      empty = !prompt;
    }
    const key = normalise(model);
    const base = { model, created_at: new Date().toISOString() };
    const blank = isChat ? { message: { role: 'assistant', content: '' } } : { response: '' };
    if (empty) {
      if (unloads(body.keep_alive)) {
        lastUsed.delete(key);
        return json(res, 200, { ...base, ...blank, done: true, done_reason: 'unload' });
      }
      lastUsed.set(key, Date.now());
      return json(res, 200, { ...base, ...blank, done: true, done_reason: 'load' });
    }
    if (isChat) calls.chat++;
    else calls.generate++;
    lastUsed.set(key, Date.now());
    const t0 = process.hrtime.bigint();
    await wait();
    const a = answerFor(prompt, options.num_predict, options.stop, format);
    const total = Number(process.hrtime.bigint() - t0);
    // Nanoseconds, as Ollama reports them, and consistent: prompt + eval ≤ total.
    const final = {
      ...base,
      done: true,
      done_reason: a.doneReason,
      total_duration: total,
      load_duration: 0,
      prompt_eval_count: a.promptTokens,
      prompt_eval_duration: Math.floor(total / 10),
      eval_count: a.evalTokens,
      eval_duration: Math.floor((total * 8) / 10),
    };
    if (body.stream === false) {
      return json(res, 200, isChat ? { ...final, message: { role: 'assistant', content: a.text } } : { ...final, response: a.text });
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (const piece of a.text.split(/(?<= )/).filter(Boolean)) {
      const part = isChat
        ? { ...base, message: { role: 'assistant', content: piece }, done: false }
        : { ...base, response: piece, done: false };
      res.write(JSON.stringify(part) + '\n');
    }
    res.end(JSON.stringify({ ...final, ...blank }) + '\n');
  };

  /** OpenAI's /v1/chat/completions. */
  const openaiChat = async (res: ServerResponse, body: Record<string, unknown>) => {
    const model = modelOf(body.model);
    const refused = unsupportedOpenAIField(body, { structured: true });
    if (refused) throw refused;
    const messages = plainMessages(body.messages);
    if (!messages.length) throw new HttpError(400, 'messages must not be empty', 'messages');
    const format = responseFormatOf(body.response_format);
    if (format) checkStructured(format, format.type === 'json' ? 'response_format' : 'response_format.json_schema.schema');
    calls.chat++;
    lastUsed.set(normalise(model), Date.now());
    await wait();
    const a = answerFor(messages[messages.length - 1].content, maxNewTokens(body), stopList(body.stop), format);
    const id = `chatcmpl-echo${calls.chat}`;
    const created = Math.floor(Date.now() / 1000);
    const finish = a.doneReason;
    const usage = usageOf(a.promptTokens, a.evalTokens);
    if (body.stream !== true) {
      return json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        system_fingerprint: 'fp_echo',
        choices: [{ index: 0, message: { role: 'assistant', content: a.text }, finish_reason: finish }],
        usage,
      });
    }
    const withUsage = wantsStreamUsage(body);
    const chunk = (delta: Record<string, string>, reason: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: reason }], ...(withUsage ? { usage: null } : {}) })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const pieces = a.text.split(/(?<= )/).filter(Boolean);
    res.write(chunk({ role: 'assistant', content: pieces[0] ?? '' }, null));
    for (const piece of pieces.slice(1)) res.write(chunk({ content: piece }, null));
    res.write(chunk({}, finish));
    if (withUsage) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, raw: string, path: string) => {
    const method = req.method ?? 'GET';
    const route = routeOf(path);
    const allowed = ROUTES[route];
    if (!allowed) throw new HttpError(404, `404 page not found: ${method} ${path} is not a route of ftlab echo-backend`);
    if (!allowed.includes(method)) {
      res.setHeader('allow', allowed.join(', '));
      throw new HttpError(405, `405 method not allowed: ${method} ${path} (use ${allowed.filter((m) => m !== 'HEAD').join(' or ')})`);
    }
    const modelList = models.map(tag);
    switch (route) {
      case '/':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 17 });
        return void res.end(method === 'HEAD' ? undefined : 'Ollama is running');
      case '/api/version':
        return json(res, 200, { version });
      case '/api/tags':
        return json(res, 200, { models: modelList });
      case '/api/ps':
        return json(res, 200, {
          models: modelList
            .filter((m) => lastUsed.has(m.name))
            .map((m) => ({
              ...m,
              expires_at: new Date(lastUsed.get(m.name)! + 5 * 60_000).toISOString(),
              size_vram: 0,
              context_length: 4096,
            })),
        });
      case '/v1/models':
        return json(res, 200, {
          object: 'list',
          data: models.map((id) => ({ id, object: 'model', created: createdSec, owned_by: 'library' })),
        });
      case '/v1/models/:id': {
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        if (!models.includes(normalise(id))) throw new HttpError(404, `model '${id}' not found`, 'model');
        return json(res, 200, { id, object: 'model', created: createdSec, owned_by: 'library' });
      }
    }
    const body = parse(raw);
    if (route === '/api/show') {
      const model = modelOf(body.model ?? body.name);
      return json(res, 200, {
        modelfile: `FROM ${normalise(model)}\n`,
        parameters: '',
        template: '{{ .Prompt }}',
        details: tag(normalise(model)).details,
        model_info: { 'general.architecture': 'echo' },
        capabilities: ['completion'],
        modified_at: started,
      });
    }
    if (route === '/api/pull') {
      modelOf(body.model ?? body.name);
      return json(res, 200, { status: 'success' });
    }
    if (route === '/v1/chat/completions') return openaiChat(res, body);
    return ollamaTurn(res, body, route === '/api/chat');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const cors = corsDecision(
        req.method ?? 'GET',
        req.headers.origin,
        origins,
        req.headers['access-control-request-method'] as string | undefined,
      );
      for (const [name, value] of Object.entries(cors.headers)) res.setHeader(name, value);
      if (cors.status) return void res.writeHead(cors.status).end();
      if (req.method === 'OPTIONS') return void res.writeHead(204).end();
      handle(req, res, Buffer.concat(chunks).toString('utf8'), path).catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        const status = err instanceof HttpError || err instanceof CompatError ? err.status : 500;
        const message = err instanceof HttpError || err instanceof CompatError ? err.message : 'echo backend failed';
        const param = err instanceof HttpError || err instanceof CompatError ? err.param : null;
        if (path.startsWith('/v1/')) json(res, status, { error: { message, type: openAIErrorType(status), param, code: null } });
        else json(res, status, { error: message });
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
