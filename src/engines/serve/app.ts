// The serving lab's HTTP API: the course's "FastAPI in front of Ollama" example, done properly.
// Routes: GET /health, POST /generate (JSON or SSE), POST /v1/chat/completions (OpenAI-compatible),
// GET /v1/models, GET /metrics (Prometheus), GET /docs + /openapi.json. Every error is
// {error:{code,message,hint}} with a fitting status.
// Access: with --api-key every route needs the key unless it is marked `config: { public: true }`; the check
// runs on the route Fastify matched (after it decoded the path), so no spelling of a path gets around it,
// and a route added later is protected unless someone decides otherwise. See docs/security.md.
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type RouteOptions } from 'fastify';
import { ApiError, classifyBackendError, modelNotFound, ShutdownReason, shuttingDown, TimeoutReason } from './errors.js';
import { createMetrics, type ServeMetrics } from './metrics.js';
import {
  sameOllamaModel,
  type BackendModel,
  type ChatMessage,
  type GenerationOptions,
  type GenerationResult,
  type ModelBackend,
} from './model-clients.js';
import { CompatError, maxNewTokens, plainMessages, stopList, unsupportedOpenAIField, usageOf, wantsStreamUsage } from './openai-compat.js';
import { completionOptions, completionPrompts, runCompletion } from './completions.js';
import { float32Base64 } from './ollama/embed.js';
import {
  chatBodySchema,
  chatResponseSchema,
  completionBodySchema,
  completionResponseSchema,
  embeddingBodySchema,
  embeddingResponseSchema,
  errorSchema,
  generateBodySchema,
  generateResponseSchema,
  healthResponseSchema,
  modelListSchema,
  modelSchema,
} from './schemas.js';
import { onShutdown, StreamWriter, trackRequests } from './streams.js';
import { ollamaFormatOf, responseFormatOf } from './structured.js';

export interface ServeAppOptions {
  backend: ModelBackend;
  /** Model used when a request names none. */
  defaultModel: string;
  /** When set, every route but the public ones (/, /health, /metrics, /docs, /openapi.json) needs `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Longest wait for the backend's first token, and for each next one (not the whole answer), in ms. */
  timeoutMs?: number;
  /** pino level; 'silent' disables logs. */
  logLevel?: string;
  /** Serve /docs (swagger-ui); tests may skip it for speed. */
  docs?: boolean;
  version: string;
}

interface GenerateBody {
  prompt: string;
  model?: string;
  system?: string;
  stream?: boolean;
  options?: GenerationOptions;
  /** Structured output, as Ollama's `format`: "json" or a JSON schema. */
  format?: 'json' | Record<string, unknown>;
}

interface ChatBody {
  model?: string;
  /** Content may be a list of text parts; roles include developer and tool (see openai-compat.ts). */
  messages: { role: string; content: unknown }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  seed?: number;
  stop?: string | string[];
  response_format?: { type: string; json_schema?: { name: string; schema?: Record<string, unknown> } };
  [field: string]: unknown;
}

/** A route that answers without the API key. Everything else needs it. */
const PUBLIC = { public: true } as const;

export interface RouteInfo {
  method: string;
  url: string;
  public: boolean;
}
const routeLists = new WeakMap<FastifyInstance, RouteOptions[]>();

/** Every route the app registered (HEAD ones included), so tests can check them all. */
export function listRoutes(app: FastifyInstance): RouteInfo[] {
  return (routeLists.get(app) ?? []).flatMap((r) =>
    [r.method].flat().map((method) => ({ method, url: r.url, public: isPublic(r.config) })),
  );
}

function isPublic(config: unknown): boolean {
  return (config as { public?: boolean } | undefined)?.public === true;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export async function buildServeApp(opts: ServeAppOptions): Promise<FastifyInstance> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const metrics: ServeMetrics = createMetrics();
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    logger: opts.logLevel === 'silent' || !opts.logLevel ? false : { level: opts.logLevel, stream: process.stderr },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    // Requests that arrive while shutting down get our own 503 (JSON contract), see trackRequests.
    return503OnClosing: false,
    // Malformed URLs and similar are answered before routing; keep the error contract there too.
    frameworkErrors: (err, _req, reply) => {
      const apiErr = new ApiError(400, 'bad_request', `malformed request: ${err.message}`, 'check the URL and headers');
      void (reply as FastifyReply).code(400).send(apiErr.toBody());
    },
    forceCloseConnections: 'idle',
    // A client gets 60 s to send its whole request (headers and body), so a trickled body cannot hold a
    // connection forever; answers (streams) are not limited by this.
    requestTimeout: 60_000,
  });

  // Only JSON bodies are accepted; a text/plain body gets 415 rather than a confusing schema error.
  app.removeContentTypeParser('text/plain');

  const routes: RouteOptions[] = [];
  routeLists.set(app, routes);
  app.addHook('onRoute', (r: RouteOptions) => {
    // The docs (swagger-ui's routes) describe the API and hold no data: open. Decided once, on the route
    // pattern at registration; requests are then checked against the route they matched.
    if (r.url === '/docs' || r.url.startsWith('/docs/')) r.config = { ...(r.config ?? {}), ...PUBLIC };
    documentRoute(r, Boolean(opts.apiKey));
    routes.push(r);
  });

  if (opts.docs !== false) {
    const swagger = (await import('@fastify/swagger')).default;
    const swaggerUi = (await import('@fastify/swagger-ui')).default;
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'ftlab serving API',
          version: opts.version,
          description:
            'A small production-minded HTTP API in front of a model server (Ollama or OpenAI-compatible). Errors are JSON {error:{code,message,hint,type,param}}.',
          license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
        },
        // /openapi.json replaces this with the address the client reached (see below).
        servers: [{ url: 'http://127.0.0.1:8000', description: 'the default address of ftlab serve' }],
        // The scheme is declared only when it is used (--api-key), so the document has no unused component.
        ...(opts.apiKey ? { components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } } : {}),
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }

  // --- cross-cutting hooks -------------------------------------------------------------------
  app.addHook('onRequest', async (req, reply) => {
    // Recorded when the socket response ends, so hijacked (streamed) replies are counted too.
    metrics.inflight.inc();
    reply.raw.once('close', () => {
      metrics.inflight.dec();
      const route = req.routeOptions.url ?? 'unmatched';
      metrics.httpRequests.inc({ method: req.method, route, status: String(reply.raw.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
    });
  });
  trackRequests(app, (reply) => {
    const err = shuttingDown();
    void reply.code(err.status).header('retry-after', String(err.retryAfter)).send(err.toBody());
  });
  if (opts.apiKey) {
    const expected = sha256(opts.apiKey);
    app.addHook('onRequest', async (req) => {
      // req.routeOptions is the route the router matched on the decoded path (the not-found route for
      // unknown paths, which is protected too, so an unauthenticated client cannot map the API).
      if (isPublic(req.routeOptions.config)) return;
      const header = req.headers.authorization ?? '';
      const match = /^bearer +(.+)$/i.exec(header.trim());
      const given = match ? match[1] : '';
      // Hashing first makes the comparison take the same time whatever the key's length and content.
      if (!timingSafeEqual(sha256(given), expected)) {
        throw new ApiError(
          401,
          'unauthorized',
          given ? 'the API key is wrong' : 'an API key is required',
          'send the header "Authorization: Bearer <key>" with the key given to --api-key',
        );
      }
    });
  }

  app.setErrorHandler((err, req, reply) => {
    // No route matched: whatever went wrong with the body, the answer is "no such route" (401 from the key
    // check, an ApiError, still wins, so an unauthenticated client cannot map the API).
    const apiErr = !(err instanceof ApiError) && !req.routeOptions.url ? notFound(req) : toApiError(err);
    if (apiErr.status === 401) reply.header('www-authenticate', 'Bearer');
    if (apiErr.retryAfter) reply.header('retry-after', String(apiErr.retryAfter));
    if (apiErr.status >= 500) req.log.error({ err }, apiErr.message);
    return reply.status(apiErr.status).send(apiErr.toBody());
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send(notFound(req).toBody()));

  // --- routes --------------------------------------------------------------------------------
  app.get('/', { schema: { hide: true }, config: PUBLIC }, async () => ({
    name: 'ftlab serving API',
    version: opts.version,
    routes: [
      'GET /health',
      'POST /generate',
      'POST /v1/chat/completions',
      'POST /v1/completions',
      'POST /v1/embeddings',
      'GET /v1/models',
      'GET /metrics',
      'GET /docs',
      'GET /openapi.json',
    ],
  }));

  app.get(
    '/health',
    {
      schema: {
        summary: 'Backend reachability and model availability',
        response: { 200: healthResponseSchema, 503: healthResponseSchema },
      },
      config: PUBLIC,
    },
    async (_req, reply) => {
      const signal = AbortSignal.timeout(Math.min(timeoutMs, 3000));
      // /health is open to anyone; with a key set it does not tell them where the backend lives.
      const backend = {
        ...(opts.apiKey ? {} : { url: opts.backend.url }),
        kind: opts.backend.kind,
        reachable: false,
        version: null as string | null,
      };
      const model = { name: opts.defaultModel, available: false };
      let reason: string | undefined;
      try {
        backend.version = await opts.backend.version(signal);
        backend.reachable = true;
        model.available = await opts.backend.hasModel(opts.defaultModel, signal);
        if (!model.available) reason = `model "${opts.defaultModel}" is not available on the backend`;
      } catch (err) {
        const where = opts.apiKey ? '(hidden)' : opts.backend.url;
        reason = classifyBackendError(err, where, 3000, opts.defaultModel, opts.backend.kind).message.replaceAll(opts.backend.url, where);
      }
      const healthy = backend.reachable && model.available;
      reply.status(healthy ? 200 : 503);
      return { status: healthy ? 'healthy' : 'degraded', ...(reason ? { reason } : {}), backend, model };
    },
  );

  app.post<{ Body: GenerateBody }>(
    '/generate',
    {
      schema: {
        summary: 'Generate a completion for a prompt (JSON, or Server-Sent Events with "stream": true)',
        body: generateBodySchema,
        response: {
          200: {
            description: 'the completion; with "stream": true, text/event-stream of "token" events, then one "done" event (or "error")',
            content: { 'application/json': { schema: generateResponseSchema }, 'text/event-stream': { schema: { type: 'string' } } },
          },
          '4xx': errorSchema,
          '5xx': errorSchema,
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const model = body.model ?? opts.defaultModel;
      const format = structuredOrThrow(() => ollamaFormatOf(body.format));
      const started = performance.now();
      const call = backendCall(req, reply, timeoutMs);
      const summary = (r: GenerationResult) => ({
        model,
        prompt: body.prompt,
        response: r.text,
        done_reason: r.doneReason,
        usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens },
        latency_ms: round2(performance.now() - started),
      });
      const sse = body.stream ? sseWriter(reply) : undefined;
      try {
        const r = await callBackend(metrics, 'generate', () =>
          opts.backend.generate({
            model,
            prompt: body.prompt,
            system: body.system,
            options: body.options,
            format,
            signal: call.signal,
            onActivity: call.touch,
            onText: sse ? (text) => sse.write(sseEvent('token', { response: text })) : undefined,
          }),
        );
        if (!sse) return summary(r);
        sse.end(sseEvent('done', summary(r)));
        return reply;
      } catch (err) {
        return failInStreamOrThrow(sse, toBackendError(err, opts, model, timeoutMs, call.signal));
      } finally {
        call.done();
      }
    },
  );

  app.post<{ Body: ChatBody }>(
    '/v1/chat/completions',
    {
      schema: {
        summary: 'OpenAI-compatible chat completions (stream with "stream": true)',
        body: chatBodySchema,
        response: {
          200: {
            description: 'the completion; with "stream": true, text/event-stream of chat.completion.chunk events ending in "data: [DONE]"',
            content: { 'application/json': { schema: chatResponseSchema }, 'text/event-stream': { schema: { type: 'string' } } },
          },
          '4xx': errorSchema,
          '5xx': errorSchema,
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const model = body.model ?? opts.defaultModel;
      const refused = unsupportedOpenAIField(body, { structured: true });
      if (refused) throw fromCompat(refused);
      let messages: ChatMessage[];
      try {
        messages = plainMessages(body.messages);
      } catch (err) {
        throw err instanceof CompatError ? fromCompat(err, 'bad_request') : err;
      }
      // Passed on as it came; the backend decides whether it can honour the schema (its 400 says why not).
      const format = structuredOrThrow(() => responseFormatOf(body.response_format));
      const includeUsage = wantsStreamUsage(body);
      const call = backendCall(req, reply, timeoutMs);
      const id = `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const created = Math.floor(Date.now() / 1000);
      const options: GenerationOptions = {
        temperature: body.temperature,
        top_p: body.top_p,
        num_predict: maxNewTokens(body) as number | undefined,
        seed: body.seed,
        stop: stopList(body.stop),
      };
      const finish = (reason: string) => (reason === 'length' ? 'length' : 'stop');
      const sse = body.stream ? sseWriter(reply) : undefined;
      const event = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
      // With include_usage every chunk but the last carries usage: null, and the last has choices: [] and the usage.
      const chunk = (delta: Record<string, string>, finish_reason: string | null) =>
        event({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [{ index: 0, delta, finish_reason }],
          ...(includeUsage ? { usage: null } : {}),
        });
      let first = true;
      try {
        const r = await callBackend(metrics, 'chat', () =>
          opts.backend.chat({
            model,
            messages,
            format,
            options,
            signal: call.signal,
            onActivity: call.touch,
            onText: sse
              ? (text) => {
                  sse.write(chunk(first ? { role: 'assistant', content: text } : { content: text }, null));
                  first = false;
                }
              : undefined,
          }),
        );
        const usage = usageOf(r.promptTokens, r.completionTokens);
        if (!sse) {
          return {
            id,
            object: 'chat.completion',
            created,
            model,
            choices: [{ index: 0, message: { role: 'assistant', content: r.text }, finish_reason: finish(r.doneReason) }],
            usage,
          };
        }
        if (first) sse.write(chunk({ role: 'assistant', content: '' }, null));
        const usageChunk = includeUsage ? event({ id, object: 'chat.completion.chunk', created, model, choices: [], usage }) : '';
        sse.end(chunk({}, finish(r.doneReason)) + usageChunk + 'data: [DONE]\n\n');
        return reply;
      } catch (err) {
        return failInStreamOrThrow(sse, toBackendError(err, opts, model, timeoutMs, call.signal));
      } finally {
        call.done();
      }
    },
  );

  // OpenAI's legacy completions: each prompt through the backend's generate (so the model's template applies,
  // as Ollama's own /v1/completions does); one choice per prompt; SSE text_completion chunks when streaming.
  app.post<{ Body: Record<string, unknown> & { model?: string; stream?: boolean } }>(
    '/v1/completions',
    {
      schema: {
        summary: 'OpenAI-compatible (legacy) text completions (stream with "stream": true)',
        body: completionBodySchema,
        response: {
          200: {
            description: 'the completion; with "stream": true, text/event-stream of text_completion chunks ending in "data: [DONE]"',
            content: { 'application/json': { schema: completionResponseSchema }, 'text/event-stream': { schema: { type: 'string' } } },
          },
          '4xx': errorSchema,
          '5xx': errorSchema,
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const model = body.model ?? opts.defaultModel;
      let prompts: string[];
      let options: GenerationOptions;
      const refused = unsupportedOpenAIField(body);
      if (refused) throw fromCompat(refused);
      try {
        prompts = completionPrompts(body.prompt);
        options = completionOptions(body);
      } catch (err) {
        throw err instanceof CompatError ? fromCompat(err, 'bad_request') : err;
      }
      const call = backendCall(req, reply, timeoutMs);
      const sse = body.stream ? sseWriter(reply) : undefined;
      try {
        const r = await runCompletion({
          prompts,
          model,
          includeUsage: wantsStreamUsage(body as { stream_options?: unknown }),
          write: sse ? (chunk) => sse.write(chunk) : undefined,
          generate: (prompt, onText) =>
            callBackend(metrics, 'generate', () =>
              opts.backend.generate({ model, prompt, options, signal: call.signal, onActivity: call.touch, onText }),
            ),
        });
        if (!sse) return r.body;
        sse.end(r.tail!);
        return reply;
      } catch (err) {
        return failInStreamOrThrow(sse, toBackendError(err, opts, model, timeoutMs, call.signal));
      } finally {
        call.done();
      }
    },
  );

  // Embeddings from the backend (Ollama's /api/embed, or an OpenAI-compatible /embeddings), in OpenAI's
  // shape; base64 is encoded here. Text only: token ids depend on the backend's tokenizer.
  app.post<{ Body: { model?: string; input: unknown; encoding_format?: 'float' | 'base64'; dimensions?: number } }>(
    '/v1/embeddings',
    {
      schema: {
        summary: 'OpenAI-compatible embeddings: one vector per input text, from the backend model',
        body: embeddingBodySchema,
        response: { 200: embeddingResponseSchema, '4xx': errorSchema, '5xx': errorSchema },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const model = body.model ?? opts.defaultModel;
      const list = typeof body.input === 'string' ? [body.input] : (body.input as unknown[]);
      list.forEach((text, i) => {
        const param = typeof body.input === 'string' ? 'input' : `input[${i}]`;
        if (typeof text !== 'string')
          throw new ApiError(
            400,
            'unsupported',
            `${param} must be a text: token ids are not supported here (they depend on the backend's tokenizer)`,
            'send the text itself',
            undefined,
            param,
          );
        if (!text)
          throw new ApiError(400, 'bad_request', `${param} is empty: there is nothing to embed`, 'send some text', undefined, param);
      });
      const call = backendCall(req, reply, timeoutMs);
      try {
        const r = await callBackend(metrics, 'embed', () =>
          opts.backend.embed({ model, input: list as string[], dimensions: body.dimensions, signal: call.signal, onActivity: call.touch }),
        );
        return {
          object: 'list',
          data: r.embeddings.map((v, index) => ({
            object: 'embedding',
            index,
            embedding: body.encoding_format === 'base64' ? float32Base64(Float32Array.from(v)) : v,
          })),
          model,
          usage: { prompt_tokens: r.promptTokens, total_tokens: r.promptTokens },
        };
      } catch (err) {
        throw toBackendError(err, opts, model, timeoutMs, call.signal);
      } finally {
        call.done();
      }
    },
  );

  // The backend's own models as OpenAI lists them (Ollama's names keep their tag, as Ollama's /v1/models has
  // them), the default model first; asking the backend each time keeps the list true after a pull or delete.
  const backendModels = async (model: string) => {
    const ms = Math.min(timeoutMs, 5000);
    let models: BackendModel[];
    try {
      models = await opts.backend.listModels(AbortSignal.timeout(ms));
    } catch (err) {
      throw classifyBackendError(err, opts.backend.url, ms, model, opts.backend.kind);
    }
    const isDefault = (m: BackendModel) => (sameOllamaModel(m.id, opts.defaultModel) ? 0 : 1);
    return models.sort((a, b) => isDefault(a) - isDefault(b)).map((m) => ({ ...m, object: 'model' as const }));
  };
  app.get(
    '/v1/models',
    {
      schema: {
        summary: 'The models the backend serves (OpenAI-compatible list), the default model first',
        operationId: 'listModels',
        response: { 200: modelListSchema, '4xx': errorSchema, '5xx': errorSchema },
      },
    },
    async () => ({ object: 'list', data: await backendModels(opts.defaultModel) }),
  );
  app.get<{ Params: { model: string } }>(
    '/v1/models/:model',
    {
      schema: {
        summary: 'One model the backend serves (OpenAI-compatible), named with or without its tag',
        operationId: 'retrieveModel',
        params: { type: 'object', required: ['model'], properties: { model: { type: 'string', minLength: 1, maxLength: 200 } } },
        response: { 200: modelSchema, '4xx': errorSchema, '5xx': errorSchema },
      },
    },
    async (req) => {
      const id = req.params.model;
      const found = (await backendModels(id)).find((m) => sameOllamaModel(m.id, id));
      if (!found) throw modelNotFound(id, opts.backend.kind);
      // OpenAI (and Ollama) answer with the id as asked
      return { ...found, id };
    },
  );

  // Counters by route and status, latency, tokens and process figures: no request data, so it stays open for scrapers.
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        response: {
          200: { description: 'metrics in the Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
        },
      },
      config: PUBLIC,
    },
    async (_req, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );

  if (opts.docs !== false) {
    app.get('/openapi.json', { schema: { hide: true }, config: PUBLIC }, async (req) => {
      const doc = app.swagger() as { servers?: { url: string; description?: string }[] };
      // The address this client reached is the one its generated client should call.
      const host = req.headers.host;
      if (host && /^[\w.:[\]-]+$/.test(host))
        return { ...doc, servers: [{ url: `${req.protocol}://${host}`, description: 'this server' }] };
      return doc;
    });
  }
  return app;
}

// --- helpers -----------------------------------------------------------------------------------

/** A structured-output field read by `read` (structured.ts); a malformed one is a 400 naming it. */
function structuredOrThrow<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw err instanceof CompatError ? fromCompat(err, 'bad_request') : err;
  }
}

/** `unsupported`: a field asks for something this API cannot do; otherwise the field itself is malformed. */
function fromCompat(err: CompatError, code: 'unsupported' | 'bad_request' = 'unsupported'): ApiError {
  return new ApiError(err.status, code, err.message, 'see /docs for what this API supports', undefined, err.param);
}

/** Ajv's instance path (/messages/0/content) as OpenAI writes a param (messages[0].content). */
function paramOf(validation: unknown): string | null {
  const first = Array.isArray(validation) ? (validation[0] as { instancePath?: string; params?: { missingProperty?: string } }) : undefined;
  if (!first) return null;
  const parts = (first.instancePath ?? '').split('/').filter(Boolean);
  if (first.params?.missingProperty) parts.push(first.params.missingProperty);
  if (!parts.length) return null;
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p)).join('');
}

function notFound(req: FastifyRequest): ApiError {
  return new ApiError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`, 'see /docs for the routes this API offers');
}

/** operationIds of the documented routes (names generated clients use). */
const OPERATION_IDS: Record<string, string> = {
  'GET /health': 'getHealth',
  'POST /generate': 'generate',
  'POST /v1/chat/completions': 'createChatCompletion',
  'POST /v1/completions': 'createCompletion',
  'POST /v1/embeddings': 'createEmbedding',
  'GET /v1/models': 'listModels',
  'GET /v1/models/:model': 'retrieveModel',
  'GET /metrics': 'getMetrics',
};

/**
 * Completes a documented route's OpenAPI description from what the server really does: its operationId, its
 * security (the key on every route not marked public, none on public ones: the same rule the onRequest hook
 * enforces), a 401 where the key is needed, and a 4xx answer on every route.
 */
function documentRoute(r: RouteOptions, keyed: boolean): void {
  const schema = r.schema as (Record<string, unknown> & { hide?: boolean; response?: Record<string, unknown> }) | undefined;
  if (!schema || schema.hide) return;
  const method = [r.method].flat()[0];
  const open = isPublic(r.config);
  const response = { ...(schema.response ?? {}) };
  if (!response['4xx'] && !response['400']) response['4xx'] = errorSchema;
  if (keyed && !open) response['401'] = { ...errorSchema, description: 'the API key is missing or wrong' };
  r.schema = {
    ...schema,
    operationId:
      (schema.operationId as string | undefined) ??
      OPERATION_IDS[`${method} ${r.url}`] ??
      `${String(method).toLowerCase()}${r.url.replace(/\W+(\w)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    security: keyed && !open ? [{ bearer: [] }] : [],
    response,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * One signal per backend call, aborted with a reason that says why: the backend sent nothing for
 * `timeoutMs` (before the first token, or between two: `touch` restarts the clock whenever bytes arrive),
 * the server is shutting down, or the client went away.
 */
function backendCall(
  req: FastifyRequest,
  reply: FastifyReply,
  timeoutMs: number,
): { signal: AbortSignal; touch: () => void; done: () => void } {
  const controller = new AbortController();
  let phase: 'first' | 'idle' = 'first';
  const timer = setTimeout(() => controller.abort(new TimeoutReason(phase)), timeoutMs);
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort(new DOMException('client closed the connection', 'AbortError'));
  };
  reply.raw.once('close', onClose);
  req.raw.once('aborted', onClose);
  // Before the first byte of a stream is out; a started stream's writer sends its own final event.
  onShutdown(reply, () => controller.abort(new ShutdownReason()));
  return {
    signal: controller.signal,
    touch: () => {
      phase = 'idle';
      timer.refresh();
    },
    done: () => {
      clearTimeout(timer);
      reply.raw.off('close', onClose);
    },
  };
}

async function callBackend<T>(metrics: ServeMetrics, operation: string, fn: () => Promise<T>): Promise<T> {
  const end = metrics.backendDuration.startTimer({ operation });
  try {
    const result = await fn();
    metrics.backendRequests.inc({ operation, outcome: 'ok' });
    const r = result as unknown as GenerationResult;
    metrics.promptTokens.inc(r.promptTokens || 0);
    metrics.completionTokens.inc(r.completionTokens || 0);
    return result;
  } catch (err) {
    const e = err as { name?: string; status_code?: number; cause?: { code?: string } };
    const outcome =
      e?.name === 'TimeoutError'
        ? 'timeout'
        : e?.status_code === 404
          ? 'not_found'
          : e?.cause?.code === 'ECONNREFUSED'
            ? 'unreachable'
            : 'error';
    metrics.backendRequests.inc({ operation, outcome });
    throw err;
  } finally {
    end();
  }
}

function toBackendError(err: unknown, opts: ServeAppOptions, model: string, timeoutMs: number, signal: AbortSignal): ApiError {
  // The signal carries why it fired (timeout, shutdown, client gone), which beats the error it caused.
  return classifyBackendError(signal.aborted ? signal.reason : err, opts.backend.url, timeoutMs, model, opts.backend.kind);
}

/** After an SSE stream started, an error can only be reported inside the stream; before, it is a status. */
function failInStreamOrThrow(sse: StreamWriter | undefined, err: ApiError): undefined {
  if (!sse?.started) throw err;
  sse.end(sseEvent('error', err.toBody()));
  return undefined;
}

function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Server-Sent Events; shutdown mid-stream ends it with an `error` event saying so. */
function sseWriter(reply: FastifyReply): StreamWriter {
  return new StreamWriter(reply, {
    contentType: 'text/event-stream; charset=utf-8',
    shutdownChunk: () => sseEvent('error', shuttingDown().toBody()),
  });
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown; validationContext?: string };
  if (e?.validation) {
    const where = e.validationContext ?? 'body';
    return new ApiError(
      400,
      'bad_request',
      `invalid request ${where}: ${cleanValidation(e.message ?? '')}`,
      'see /docs for the request schema',
      undefined,
      paramOf(e.validation),
    );
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'the request body is larger than this API accepts', 'send a shorter prompt');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        415,
        'unsupported_media_type',
        'the request body must be JSON',
        'send the header "Content-Type: application/json"',
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'bad_request', 'the request body is empty', 'send a JSON object such as {"prompt": "Hello"}');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(
        400,
        'bad_request',
        `the request body is not valid JSON: ${e.message ?? ''}`,
        'check quotes and commas; send a JSON object',
      );
  }
  if (e instanceof SyntaxError || (e?.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return new ApiError(
      400,
      'bad_request',
      `the request body is not valid JSON: ${e.message ?? ''}`,
      'check quotes and commas; send a JSON object',
    );
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, 'bad_request', e.message ?? 'bad request', 'see /docs for the request format');
  }
  return new ApiError(500, 'internal_error', 'internal error', 'this is a bug in the serving API; see its log');
}

function cleanValidation(message: string): string {
  return message.replace(/^body\//, '').replace(/^body /, '');
}
