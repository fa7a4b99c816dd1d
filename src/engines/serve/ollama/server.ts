// `ftlab backend`: the micro model (and LoRA adapters) behind Ollama's REST API, so the official `ollama`
// client and curl commands written for Ollama work unchanged. Generation runs in worker threads.
// Emulated: GET / · /api/version · /api/tags · POST /api/show · GET /api/ps · POST /api/generate ·
// POST /api/chat (NDJSON streaming by default, stream:false) · POST /api/pull (local models only) ·
// GET /v1/models · POST /v1/chat/completions (OpenAI-compatible, SSE when stream:true).
// Structured output: `format` (Ollama) and `response_format` (/v1) constrain decoding (llm/constrained).
// In their own modules: embeddings (embed.ts: /api/embed, /api/embeddings, /v1/embeddings), /v1/completions
// (completions.ts), model management (models-registry.ts: /api/create, /api/copy, DELETE /api/delete).
import { basename } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  CompatError,
  maxNewTokens,
  openAIErrorType,
  plainMessages,
  plainRole,
  stopList,
  unsupportedOpenAIField,
  usageOf,
  wantsStreamUsage,
} from '../openai-compat.js';
import { allowedOrigins, corsDecision } from '../cors.js';
import { StreamWriter, onShutdown, trackRequests } from '../streams.js';
import { checkStructured, ollamaFormatOf, responseFormatOf } from '../structured.js';
import { registerCompletionRoutes } from './completions.js';
import { keepAliveProblem, unloads, type BackendContext } from './context.js';
import { registerEmbedRoutes } from './embed.js';
import { registerModelRoutes, restoreModels } from './models-registry.js';
import { GenerationPool, JobError, QueueFullError } from './pool.js';
import { describeModels, modelfileText, parametersText, withTag, type ModelInfo } from './models.js';
import type { JobInput, JobResult, SamplingRequest } from './protocol.js';
import { renderTemplate, TemplateError } from './template.js';

export { withTag };

/** The Ollama API level this server emulates (reported by /api/version). */
export const OLLAMA_API_VERSION = '0.12.0';

export interface BackendOptions {
  modelDir: string;
  /** Name of the base model, without tag. */
  name: string;
  /** Adapters served as extra models: name (without tag) → adapter folder. */
  adapters: { name: string; dir: string }[];
  workers: number;
  maxQueue: number;
  logLevel?: string;
  /** Extra CORS origins, with OLLAMA_ORIGINS's syntax (default: the OLLAMA_ORIGINS environment variable). */
  origins?: string;
  /**
   * Where models made with /api/create and /api/copy are kept across restarts (`ftlab backend` uses
   * <progress home>/backend/models.json); without it they live as long as the process.
   */
  registryFile?: string;
}

const SHUTTING_DOWN = 'the server is shutting down, please try again';

/** Ollama's stream: one JSON object a line; shutdown mid-stream ends it with an error line. */
function ndjsonWriter(reply: FastifyReply): StreamWriter {
  return new StreamWriter(reply, {
    contentType: 'application/x-ndjson',
    shutdownChunk: () => JSON.stringify({ error: SHUTTING_DOWN }) + '\n',
  });
}

/** OpenAI's stream: `data: {json}` events; shutdown mid-stream ends it with an error event. */
function openaiSseWriter(reply: FastifyReply): StreamWriter {
  return new StreamWriter(reply, {
    contentType: 'text/event-stream',
    shutdownChunk: () => `data: ${JSON.stringify({ error: { message: SHUTTING_DOWN, type: 'api_error', param: null, code: null } })}\n\n`,
  });
}

/** Aborts a job when the client leaves or the server must stop. */
function jobSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  onShutdown(reply, () => controller.abort());
  return controller.signal;
}

class OllamaError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function num(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new OllamaError(400, `option "${field}" must be a number`);
  return v;
}

function samplingFrom(options: unknown): SamplingRequest {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) throw new OllamaError(400, 'options must be an object');
  const o = options as Record<string, unknown>;
  let stop: string[] | undefined;
  if (o.stop !== undefined && o.stop !== null) {
    const list = typeof o.stop === 'string' ? [o.stop] : o.stop;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string'))
      throw new OllamaError(400, 'option "stop" must be a list of strings');
    stop = list as string[];
  }
  const topK = num(o.top_k, 'top_k');
  const seed = num(o.seed, 'seed');
  const numPredict = num(o.num_predict, 'num_predict');
  return {
    temperature: num(o.temperature, 'temperature'),
    top_p: num(o.top_p, 'top_p'),
    top_k: topK === undefined ? undefined : Math.trunc(topK),
    seed: seed === undefined ? undefined : Math.trunc(seed),
    num_predict: numPredict === undefined ? undefined : Math.trunc(numPredict),
    stop,
  };
}

/** Ollama's /api/chat messages: content is a string; roles are compared without case, as Ollama does. */
function messagesFrom(value: unknown): { role: 'system' | 'user' | 'assistant'; content: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OllamaError(400, 'messages must be a list');
  return value.map((m, i) => {
    if (!m || typeof m !== 'object') throw new OllamaError(400, `messages[${i}] must be an object`);
    const { role, content, images } = m as { role?: unknown; content?: unknown; images?: unknown };
    if (content !== undefined && content !== null && typeof content !== 'string')
      throw new OllamaError(400, `messages[${i}].content must be a string`);
    if (Array.isArray(images) && images.length) throw new OllamaError(400, 'this model does not support images (no vision capability)');
    return { role: plainRole(role, `messages[${i}].role`), content: (content as string | undefined) ?? '' };
  });
}

/**
 * Ollama request fields that ask for a capability the micro model lacks: Ollama answers 400 for them
 * rather than ignoring them, and so does this server.
 */
function refuseMissingCapabilities(body: Record<string, unknown>, model: string): void {
  if (Array.isArray(body.tools) && body.tools.length) throw new OllamaError(400, `"${model}" does not support tools`);
  if (body.think !== undefined && body.think !== null && body.think !== false)
    throw new OllamaError(400, `"${model}" does not support thinking`);
  if (Array.isArray(body.images) && body.images.length)
    throw new OllamaError(400, `"${model}" does not support images (no vision capability)`);
  if (typeof body.suffix === 'string' && body.suffix) throw new OllamaError(400, `"${model}" does not support insert`);
  if (
    body.raw === true &&
    ((typeof body.system === 'string' && body.system) || (typeof body.template === 'string' && body.template) || body.context !== undefined)
  )
    throw new OllamaError(400, 'raw mode does not support template, system, or context');
  if (body.logprobs === true) throw new OllamaError(400, 'logprobs are not supported by this server');
  if (body.top_logprobs !== undefined && (typeof body.top_logprobs !== 'number' || body.top_logprobs < 0 || body.top_logprobs > 20))
    throw new OllamaError(400, 'top_logprobs must be between 0 and 20');
  const keepAlive = keepAliveProblem(body.keep_alive);
  if (keepAlive) throw new OllamaError(400, keepAlive);
}

/**
 * Ollama's `format` ("json" or a JSON schema) on a generation job: decoding is then constrained to it. A
 * schema the engine cannot honour is a 400 naming the keyword, before the job is queued.
 */
function withFormat(input: JobInput, value: unknown): JobInput {
  const format = ollamaFormatOf(value);
  if (!format || input.kind === 'embed') return input;
  checkStructured(format, 'format');
  return { ...input, format };
}

/** A request's own `template` rendered into the exact prompt (then encoded as raw), or undefined without one. */
function templated(body: Record<string, unknown>, prompt: string, model: ModelInfo): JobInput | undefined {
  if (body.template === undefined || body.template === null || body.template === '') return undefined;
  if (typeof body.template !== 'string') throw new OllamaError(400, 'template must be a string');
  try {
    const system = (body.system as string | undefined) ?? model.spec.system;
    return { kind: 'generate', prompt: renderTemplate(body.template, { System: system, Prompt: prompt }), raw: true };
  } catch (err) {
    throw err instanceof TemplateError ? new OllamaError(400, err.message) : err;
  }
}

export async function buildBackendApp(o: BackendOptions): Promise<{
  app: FastifyInstance;
  pool: GenerationPool;
  /** Every model served, by name with tag (the command line's, then the registry's); live. */
  models: ReadonlyMap<string, ModelInfo>;
  /** Registry entries skipped at start, one line each. */
  notes: string[];
}> {
  const models = describeModels(o);
  const defaultBase = models.get(withTag(o.name))!;
  const notes = o.registryFile ? restoreModels(o.registryFile, models) : [];
  const pool = new GenerationPool(
    [...models.values()].map((m) => m.spec),
    o.workers,
    o.maxQueue,
  );
  await pool.ready();
  let firstLoadReported = false;
  const lastUsed = new Map<string, number>();

  const app = Fastify({
    bodyLimit: 8 * 1024 * 1024,
    logger: !o.logLevel || o.logLevel === 'silent' ? false : { level: o.logLevel, stream: process.stderr },
    // Shutdown drains in-flight requests first (serveUntilSignal); only idle keep-alive sockets close at once.
    forceCloseConnections: 'idle',
    // A client gets 60 s to send its whole request (headers and body), so a trickled body cannot hold a
    // connection forever; answers (streams) are not limited by this.
    requestTimeout: 60_000,
    return503OnClosing: false,
    frameworkErrors: (err, _req, reply) => void (reply as FastifyReply).code(400).send({ error: err.message }),
  });
  app.removeContentTypeParser('text/plain');
  // Bodies are parsed by parseBody (also JSON ones), so an empty or broken body gets Ollama's own message.
  app.removeContentTypeParser('application/json');
  // Ollama accepts JSON bodies whatever the content type says (curl -d sends form encoding by default).
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const parseBody = (req: FastifyRequest): Record<string, unknown> => {
    let body: unknown = req.body;
    if (typeof body === 'string') {
      if (!body.trim()) throw new OllamaError(400, 'missing request body');
      try {
        body = JSON.parse(body);
      } catch (e) {
        throw new OllamaError(400, `invalid JSON: ${(e as Error).message}`);
      }
    }
    if (body === undefined || body === null) throw new OllamaError(400, 'missing request body');
    if (typeof body !== 'object' || Array.isArray(body)) throw new OllamaError(400, 'request body must be a JSON object');
    return body as Record<string, unknown>;
  };

  const resolveModel = (value: unknown): ModelInfo => {
    if (typeof value !== 'string' || !value) throw new OllamaError(400, 'model is required');
    const info = models.get(withTag(value));
    if (!info) throw new OllamaError(404, `model '${value}' not found`);
    return info;
  };

  // Decided on the matched route, not the raw URL (which may be percent-encoded).
  const isOpenAI = (req: FastifyRequest) => (req.routeOptions.url ?? '').startsWith('/v1/');
  // Every route's method and pattern, so that a known path asked with the wrong method gets 405 (as Ollama
  // answers) rather than 404, and an unknown one a JSON 404 that the ollama and openai clients can read.
  const known: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (r) => {
    const pattern = new RegExp(`^${r.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`);
    for (const method of [r.method].flat()) known.push({ method, pattern });
  });
  const noRoute = (req: FastifyRequest, reply: FastifyReply) => {
    let path = req.url.split('?')[0];
    try {
      path = decodeURIComponent(path);
    } catch {
      /* a malformed escape: match the raw path */
    }
    const methods = [...new Set(known.filter((k) => k.pattern.test(path)).map((k) => k.method))];
    const openai = path.startsWith('/v1/');
    const send = (status: number, message: string) =>
      openai
        ? reply.code(status).send({ error: { message, type: openAIErrorType(status), param: null, code: null } })
        : reply.code(status).send({ error: message });
    if (methods.length) {
      reply.header('allow', methods.join(', '));
      return send(405, `405 method not allowed: ${req.method} ${path} (use ${methods.filter((m) => m !== 'HEAD').join(' or ')})`);
    }
    return send(404, `404 page not found: ${req.method} ${path} is not a route of ftlab backend (its routes: docs/serving.md)`);
  };
  const origins = allowedOrigins(o.origins);
  app.addHook('onRequest', async (req, reply) => {
    const cors = corsDecision(req.method, req.headers.origin, origins, req.headers['access-control-request-method'] as string | undefined);
    // On the raw response, so that streamed (hijacked) replies carry them too.
    for (const [name, value] of Object.entries(cors.headers)) reply.raw.setHeader(name, value);
    if (cors.status) return reply.code(cors.status).send();
    return undefined;
  });

  app.setErrorHandler((err, req, reply) => {
    // No route matched (e.g. PUT /v1/chat/completions): the body was parsed anyway, but its errors do not
    // matter; the answer is the unknown route's.
    if (!req.routeOptions.url) return noRoute(req, reply);
    let status = 500;
    let message = 'internal error';
    let param: string | null = null;
    if (err instanceof OllamaError) ({ status, message } = err);
    else if (err instanceof CompatError) ({ status, message, param } = err);
    else if (err instanceof QueueFullError) {
      status = 503;
      message = err.message;
    } else if (err instanceof JobError) {
      status = err.status === 499 ? 400 : err.status;
      message = err.message;
    } else {
      const e = err as { statusCode?: number; message?: string; code?: string };
      if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') status = 413;
      else if (typeof e.statusCode === 'number' && e.statusCode < 500) status = e.statusCode;
      message = e.message ?? message;
      if (status >= 500) req.log.error({ err }, 'backend error');
    }
    if (isOpenAI(req)) {
      return reply.code(status).send({
        error: {
          message,
          type: openAIErrorType(status),
          param,
          code: status === 404 && /^model /.test(message) ? 'model_not_found' : null,
        },
      });
    }
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler(noRoute);
  trackRequests(app, (reply) => void reply.code(503).send({ error: SHUTTING_DOWN }));

  const tagEntry = (name: string, m: ModelInfo) => ({
    name,
    model: name,
    modified_at: m.modifiedAt,
    size: m.size,
    digest: m.digest,
    details: {
      parent_model: m.parent,
      format: 'safetensors',
      family: m.family,
      families: [m.family],
      parameter_size: m.parameterSize,
      quantization_level: 'F32',
    },
  });

  app.get('/', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('Ollama is running'));
  // Browsers send a preflight to any route; the CORS hook answers it (204) or refuses it (403) first.
  app.options('/*', async (_req, reply) => reply.code(204).send());
  app.get('/api/version', async () => ({ version: OLLAMA_API_VERSION }));
  app.get('/api/tags', async () => ({ models: [...models].map(([name, m]) => tagEntry(name, m)) }));
  app.get('/api/ps', async () => ({
    models: [...models]
      .filter(([name]) => lastUsed.has(name))
      .map(([name, m]) => ({
        ...tagEntry(name, m),
        expires_at: new Date(lastUsed.get(name)! + 5 * 60_000).toISOString(),
        size_vram: 0,
        context_length: m.contextLength,
      })),
  }));
  app.post('/api/show', async (req) => {
    const body = parseBody(req);
    const m = resolveModel(body.model ?? body.name);
    return {
      license: m.license ?? "MIT (ftlab micro model, trained from ftlab's own text)",
      modelfile: modelfileText(m),
      parameters: parametersText(m),
      ...(m.spec.system !== undefined ? { system: m.spec.system } : {}),
      template: '{{ if .System }}System: {{ .System }}\n{{ end }}User: {{ .Prompt }}\nAssistant: ',
      details: tagEntry(m.spec.name, m).details,
      model_info: { 'general.architecture': 'llama', 'general.parameter_count': m.parameterSize, 'llama.context_length': m.contextLength },
      capabilities: ['completion'],
      modified_at: m.modifiedAt,
    };
  });
  app.post('/api/pull', async (req, reply) => {
    const body = parseBody(req);
    const name = (body.model ?? body.name) as string;
    resolveModel(name);
    // Local models are always "pulled"; answer as Ollama does for an up-to-date model.
    if (body.stream === false) return { status: 'success' };
    reply.type('application/x-ndjson');
    return '{"status":"pulling manifest"}\n{"status":"verifying sha256 digest"}\n{"status":"success"}\n';
  });

  const created = () => new Date().toISOString();

  /** Runs a job and writes it as Ollama NDJSON (or a single object when stream:false). */
  async function ollamaJob(
    req: FastifyRequest,
    reply: FastifyReply,
    model: ModelInfo,
    requested: string,
    input: JobInput,
    options: SamplingRequest,
    stream: boolean,
    chat: boolean,
  ) {
    lastUsed.set(model.spec.name, Date.now());
    const signal = jobSignal(reply);
    const started = process.hrtime.bigint();
    const piece = (text: string) =>
      chat
        ? { model: requested, created_at: created(), message: { role: 'assistant', content: text }, done: false }
        : { model: requested, created_at: created(), response: text, done: false };
    const out = stream ? ndjsonWriter(reply) : undefined;
    let result: JobResult;
    try {
      result = await pool.submit(model.spec.name, input, options, {
        signal,
        onPiece: out ? (text) => out.write(JSON.stringify(piece(text)) + '\n') : undefined,
      });
    } catch (err) {
      if (signal.aborted && !out?.started) throw new OllamaError(503, SHUTTING_DOWN);
      if (!out?.started) throw err;
      out.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + '\n');
      return reply;
    }
    // Stopped by shutdown or a client that left: a partial answer is not an answer. A started stream has
    // had its last line (the shutdown error) or nobody reads it any more.
    if (signal.aborted) {
      if (out?.started) return reply;
      throw new OllamaError(503, SHUTTING_DOWN);
    }
    const loadNs = firstLoadReported ? 0 : pool.loadNs;
    firstLoadReported = true;
    const totalNs = Number(process.hrtime.bigint() - started) + loadNs;
    const counters = {
      done_reason: result.doneReason === 'abort' ? 'stop' : result.doneReason,
      total_duration: totalNs,
      load_duration: loadNs,
      prompt_eval_count: result.promptTokens,
      prompt_eval_duration: result.promptEvalNs,
      eval_count: result.evalTokens,
      eval_duration: result.evalNs,
    };
    const final = chat
      ? {
          model: requested,
          created_at: created(),
          message: { role: 'assistant', content: stream ? '' : result.text },
          done: true,
          ...counters,
        }
      : { model: requested, created_at: created(), response: stream ? '' : result.text, done: true, ...counters, context: result.context };
    if (!out) return final;
    out.end(JSON.stringify(final) + '\n');
    return reply;
  }

  app.post('/api/generate', async (req, reply) => {
    const body = parseBody(req);
    const requested = body.model as string;
    const model = resolveModel(requested);
    if (body.prompt !== undefined && typeof body.prompt !== 'string') throw new OllamaError(400, 'prompt must be a string');
    if (body.system !== undefined && typeof body.system !== 'string') throw new OllamaError(400, 'system must be a string');
    refuseMissingCapabilities(body, requested);
    const options = samplingFrom(body.options);
    const prompt = (body.prompt as string | undefined) ?? '';
    if (!prompt) {
      // Ollama loads the model and answers at once when there is nothing to complete, or unloads it
      // when keep_alive is 0 (its documented "unload a model" request).
      if (unloads(body.keep_alive)) {
        lastUsed.delete(model.spec.name);
        return { model: requested, created_at: created(), response: '', done: true, done_reason: 'unload' };
      }
      lastUsed.set(model.spec.name, Date.now());
      return { model: requested, created_at: created(), response: '', done: true, done_reason: 'load' };
    }
    return ollamaJob(
      req,
      reply,
      model,
      requested,
      withFormat(
        templated(body, prompt, model) ?? { kind: 'generate', prompt, system: body.system as string | undefined, raw: body.raw === true },
        body.format,
      ),
      options,
      body.stream !== false,
      false,
    );
  });

  app.post('/api/chat', async (req, reply) => {
    const body = parseBody(req);
    const requested = body.model as string;
    const model = resolveModel(requested);
    refuseMissingCapabilities(body, requested);
    const messages = messagesFrom(body.messages);
    const options = samplingFrom(body.options);
    if (!messages.length) {
      if (unloads(body.keep_alive)) {
        lastUsed.delete(model.spec.name);
        return { model: requested, created_at: created(), message: { role: 'assistant', content: '' }, done: true, done_reason: 'unload' };
      }
      lastUsed.set(model.spec.name, Date.now());
      return { model: requested, created_at: created(), message: { role: 'assistant', content: '' }, done: true, done_reason: 'load' };
    }
    return ollamaJob(
      req,
      reply,
      model,
      requested,
      withFormat({ kind: 'chat', messages }, body.format),
      options,
      body.stream !== false,
      true,
    );
  });

  // --- OpenAI-compatible routes ---------------------------------------------------------------
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [...models].map(([name, m]) => ({
      id: name,
      object: 'model',
      created: Math.floor(Date.parse(m.modifiedAt) / 1000),
      // Ollama's owner of a model without a namespace
      owned_by: 'library',
    })),
  }));
  app.get<{ Params: { model: string } }>('/v1/models/:model', async (req) => {
    const m = resolveModel(req.params.model);
    // Ollama echoes the id as the client asked for it ("ftlab-micro", not "ftlab-micro:latest").
    return { id: req.params.model, object: 'model', created: Math.floor(Date.parse(m.modifiedAt) / 1000), owned_by: 'library' };
  });

  app.post('/v1/chat/completions', async (req, reply) => {
    const body = parseBody(req);
    const requested = body.model as string;
    const model = resolveModel(requested);
    const refused = unsupportedOpenAIField(body, { structured: true });
    if (refused) throw refused;
    const messages = plainMessages(body.messages);
    if (!messages.length) throw new CompatError('messages must not be empty', 'messages');
    const format = responseFormatOf(body.response_format);
    if (format) checkStructured(format, format.type === 'json' ? 'response_format' : 'response_format.json_schema.schema');
    const options = samplingFrom({
      temperature: body.temperature,
      top_p: body.top_p,
      seed: body.seed,
      num_predict: maxNewTokens(body),
      stop: stopList(body.stop),
    });
    const includeUsage = wantsStreamUsage(body);
    lastUsed.set(model.spec.name, Date.now());
    const id = `chatcmpl-${Math.floor(Math.random() * 1e9)}`;
    const createdAt = Math.floor(Date.now() / 1000);
    const stream = body.stream === true;
    const signal = jobSignal(reply);
    const out = stream ? openaiSseWriter(reply) : undefined;
    const event = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
    const sse = (data: unknown) => out?.write(event(data));
    const chunk = (delta: Record<string, string>, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created: createdAt,
      model: requested,
      system_fingerprint: 'fp_ftlab',
      choices: [{ index: 0, delta, finish_reason: finish }],
      // With include_usage every chunk but the last carries usage: null (OpenAI's stream contract).
      ...(includeUsage ? { usage: null } : {}),
    });
    let first = true;
    let result: JobResult;
    try {
      result = await pool.submit(model.spec.name, { kind: 'chat', messages, format }, options, {
        signal,
        onPiece: stream
          ? (text) => {
              sse(chunk(first ? { role: 'assistant', content: text } : { content: text }, null));
              first = false;
            }
          : undefined,
      });
    } catch (err) {
      if (signal.aborted && !out?.started) throw new OllamaError(503, SHUTTING_DOWN);
      if (!out?.started) throw err;
      out.end(event({ error: { message: (err as Error).message, type: 'api_error', param: null, code: null } }));
      return reply;
    }
    if (signal.aborted) {
      if (out?.started) return reply;
      throw new OllamaError(503, SHUTTING_DOWN);
    }
    const finish = result.doneReason === 'length' ? 'length' : 'stop';
    const usage = usageOf(result.promptTokens, result.evalTokens);
    if (!stream) {
      return {
        id,
        object: 'chat.completion',
        created: createdAt,
        model: requested,
        system_fingerprint: 'fp_ftlab',
        choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: finish }],
        usage,
      };
    }
    if (first) sse(chunk({ role: 'assistant', content: '' }, null));
    sse(chunk({}, finish));
    if (includeUsage) sse({ id, object: 'chat.completion.chunk', created: createdAt, model: requested, choices: [], usage });
    out!.end(event('[DONE]'));
    return reply;
  });

  const context: BackendContext = { parseBody, resolveModel, jobSignal, pool, models, lastUsed };
  registerEmbedRoutes(app, context);
  registerCompletionRoutes(app, context);
  registerModelRoutes(app, context, o.registryFile, defaultBase);

  app.addHook('onClose', async () => {
    await pool.close();
  });
  return { app, pool, models, notes };
}

/** "name=DIR" or "DIR" (named after the folder) → adapter entry. */
export function parseAdapterFlag(value: string): { name: string; dir: string } {
  const eq = value.indexOf('=');
  if (eq > 0) return { name: value.slice(0, eq), dir: value.slice(eq + 1) };
  return { name: basename(value.replace(/\/+$/, '')), dir: value };
}
