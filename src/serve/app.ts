// The serving lab's HTTP API: the course's "FastAPI in front of Ollama" example, done properly.
// Routes: GET /health, POST /generate (JSON or SSE), POST /v1/chat/completions (OpenAI-compatible),
// GET /v1/models, GET /metrics (Prometheus), GET /docs + /openapi.json. Every error is
// {error:{code,message,hint}} with a fitting status.
import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiError, classifyBackendError } from './errors.js';
import { createMetrics, type ServeMetrics } from './metrics.js';
import type { ChatMessage, GenerationOptions, GenerationResult, ModelBackend } from './backend.js';
import { chatBodySchema, errorSchema, generateBodySchema, generateResponseSchema, healthResponseSchema } from './schemas.js';

export interface ServeAppOptions {
  backend: ModelBackend;
  /** Model used when a request names none. */
  defaultModel: string;
  /** When set, /generate and /v1/* need `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Backend call timeout in ms. */
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
}

interface ChatBody {
  model?: string;
  messages: ChatMessage[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  stop?: string | string[];
}

const PROTECTED = /^\/(generate|v1\/)/;

export async function buildServeApp(opts: ServeAppOptions): Promise<FastifyInstance> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const metrics: ServeMetrics = createMetrics();
  const app = Fastify({
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    logger: opts.logLevel === 'silent' || !opts.logLevel ? false : { level: opts.logLevel, stream: process.stderr },
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
    // Malformed URLs and similar are answered before routing; keep the error contract there too.
    frameworkErrors: (err, _req, reply) => {
      const apiErr = new ApiError(400, 'bad_request', `malformed request: ${err.message}`, 'check the URL and headers');
      void (reply as FastifyReply).code(400).send(apiErr.toBody());
    },
    forceCloseConnections: 'idle',
  });

  // Only JSON bodies are accepted; a text/plain body gets 415 rather than a confusing schema error.
  app.removeContentTypeParser('text/plain');

  if (opts.docs !== false) {
    const swagger = (await import('@fastify/swagger')).default;
    const swaggerUi = (await import('@fastify/swagger-ui')).default;
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'ftlab serving API',
          version: opts.version,
          description:
            'A small production-minded HTTP API in front of a model server (Ollama or OpenAI-compatible). Errors are JSON {error:{code,message,hint}}.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
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
    if (opts.apiKey && PROTECTED.test(req.url)) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7) : '';
      if (!safeEqual(given, opts.apiKey)) {
        throw new ApiError(
          401,
          'unauthorized',
          given ? 'the API key is wrong' : 'an API key is required',
          'send the header "Authorization: Bearer <key>" with the key given to --api-key',
        );
      }
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const apiErr = toApiError(err);
    if (apiErr.status === 401) reply.header('www-authenticate', 'Bearer');
    if (apiErr.status >= 500) req.log.error({ err }, apiErr.message);
    return reply.status(apiErr.status).send(apiErr.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    const err = new ApiError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`, 'see /docs for the routes this API offers');
    return reply.status(404).send(err.toBody());
  });

  // --- routes --------------------------------------------------------------------------------
  app.get('/', { schema: { hide: true } }, async () => ({
    name: 'ftlab serving API',
    version: opts.version,
    routes: ['GET /health', 'POST /generate', 'POST /v1/chat/completions', 'GET /v1/models', 'GET /metrics', 'GET /docs', 'GET /openapi.json'],
  }));

  app.get(
    '/health',
    { schema: { summary: 'Backend reachability and model availability', response: { 200: healthResponseSchema, 503: healthResponseSchema } } },
    async (_req, reply) => {
      const signal = AbortSignal.timeout(Math.min(timeoutMs, 3000));
      const backend = { url: opts.backend.url, kind: opts.backend.kind, reachable: false, version: null as string | null };
      const model = { name: opts.defaultModel, available: false };
      let reason: string | undefined;
      try {
        backend.version = await opts.backend.version(signal);
        backend.reachable = true;
        model.available = await opts.backend.hasModel(opts.defaultModel, signal);
        if (!model.available) reason = `model "${opts.defaultModel}" is not available on the backend`;
      } catch (err) {
        reason = classifyBackendError(err, opts.backend.url, 3000, opts.defaultModel, opts.backend.kind).message;
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
        response: { 200: generateResponseSchema, '4xx': errorSchema, '5xx': errorSchema },
        security: opts.apiKey ? [{ bearer: [] }] : [],
      },
    },
    async (req, reply) => {
      const body = req.body;
      const model = body.model ?? opts.defaultModel;
      const started = performance.now();
      const { signal, done } = requestSignal(req, reply, timeoutMs);
      const summary = (r: GenerationResult) => ({
        model,
        prompt: body.prompt,
        response: r.text,
        done_reason: r.doneReason,
        usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens },
        latency_ms: round2(performance.now() - started),
      });
      try {
        if (!body.stream) {
          const r = await callBackend(metrics, 'generate', () => opts.backend.generate({ model, prompt: body.prompt, system: body.system, options: body.options, signal }));
          return summary(r);
        }
        const sse = new SseWriter(reply);
        const r = await callBackend(metrics, 'generate', () =>
          opts.backend.generate({
            model,
            prompt: body.prompt,
            system: body.system,
            options: body.options,
            signal,
            onText: (text) => sse.event('token', { response: text }),
          }),
        );
        sse.event('done', summary(r));
        sse.end();
        return reply;
      } catch (err) {
        return failInStreamOrThrow(reply, toBackendError(err, opts, model, timeoutMs, signal));
      } finally {
        done();
      }
    },
  );

  app.post<{ Body: ChatBody }>(
    '/v1/chat/completions',
    {
      schema: {
        summary: 'OpenAI-compatible chat completions (stream with "stream": true)',
        body: chatBodySchema,
        response: { '4xx': errorSchema, '5xx': errorSchema },
        security: opts.apiKey ? [{ bearer: [] }] : [],
      },
    },
    async (req, reply) => {
      const body = req.body;
      const model = body.model ?? opts.defaultModel;
      const { signal, done } = requestSignal(req, reply, timeoutMs);
      const id = `chatcmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const created = Math.floor(Date.now() / 1000);
      const options: GenerationOptions = {
        temperature: body.temperature,
        top_p: body.top_p,
        num_predict: body.max_tokens,
        seed: body.seed,
        stop: typeof body.stop === 'string' ? [body.stop] : body.stop,
      };
      const finish = (reason: string) => (reason === 'length' ? 'length' : 'stop');
      try {
        if (!body.stream) {
          const r = await callBackend(metrics, 'chat', () => opts.backend.chat({ model, messages: body.messages, options, signal }));
          return {
            id,
            object: 'chat.completion',
            created,
            model,
            choices: [{ index: 0, message: { role: 'assistant', content: r.text }, finish_reason: finish(r.doneReason) }],
            usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens },
          };
        }
        const sse = new SseWriter(reply);
        const chunk = (delta: Record<string, string>, finish_reason: string | null) => ({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          choices: [{ index: 0, delta, finish_reason }],
        });
        let first = true;
        const r = await callBackend(metrics, 'chat', () =>
          opts.backend.chat({
            model,
            messages: body.messages,
            options,
            signal,
            onText: (text) => {
              sse.data(chunk(first ? { role: 'assistant', content: text } : { content: text }, null));
              first = false;
            },
          }),
        );
        sse.data(chunk({}, finish(r.doneReason)));
        sse.raw('data: [DONE]\n\n');
        sse.end();
        return reply;
      } catch (err) {
        return failInStreamOrThrow(reply, toBackendError(err, opts, model, timeoutMs, signal));
      } finally {
        done();
      }
    },
  );

  app.get('/v1/models', { schema: { summary: 'The model this API serves (OpenAI-compatible list)' } }, async () => ({
    object: 'list',
    data: [{ id: opts.defaultModel, object: 'model', created: 0, owned_by: opts.backend.kind }],
  }));

  app.get('/metrics', { schema: { summary: 'Prometheus metrics (text exposition format)' } }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  if (opts.docs !== false) {
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }
  return app;
}

// --- helpers -----------------------------------------------------------------------------------

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** One signal per request: aborted on timeout or when the client goes away, so the backend call stops. */
function requestSignal(req: FastifyRequest, reply: FastifyReply, timeoutMs: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('backend timeout', 'TimeoutError')), timeoutMs);
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort(new DOMException('client closed the connection', 'AbortError'));
  };
  reply.raw.once('close', onClose);
  req.raw.once('aborted', onClose);
  return {
    signal: controller.signal,
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
      e?.name === 'TimeoutError' ? 'timeout' : e?.status_code === 404 ? 'not_found' : e?.cause?.code === 'ECONNREFUSED' ? 'unreachable' : 'error';
    metrics.backendRequests.inc({ operation, outcome });
    throw err;
  } finally {
    end();
  }
}

function toBackendError(err: unknown, opts: ServeAppOptions, model: string, timeoutMs: number, signal: AbortSignal): ApiError {
  // AbortSignal carries why it fired: our timeout or the client leaving.
  if (signal.aborted) {
    const reason = signal.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError') return classifyBackendError(reason, opts.backend.url, timeoutMs, model, opts.backend.kind);
  }
  return classifyBackendError(err, opts.backend.url, timeoutMs, model, opts.backend.kind);
}

/** After an SSE stream started, an error can only be reported inside the stream. */
function failInStreamOrThrow(reply: FastifyReply, err: ApiError): FastifyReply {
  const writer = SseWriter.of(reply);
  if (!writer?.started) throw err;
  writer.event('error', err.toBody());
  writer.end();
  return reply;
}

function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { statusCode?: number; code?: string; message?: string; validation?: unknown; validationContext?: string };
  if (e?.validation) {
    const where = e.validationContext ?? 'body';
    return new ApiError(400, 'bad_request', `invalid request ${where}: ${cleanValidation(e.message ?? '')}`, 'see /docs for the request schema');
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'the request body is larger than this API accepts', 'send a shorter prompt');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'the request body must be JSON', 'send the header "Content-Type: application/json"');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError(400, 'bad_request', 'the request body is empty', 'send a JSON object such as {"prompt": "Hello"}');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'bad_request', `the request body is not valid JSON: ${e.message ?? ''}`, 'check quotes and commas; send a JSON object');
  }
  if (e instanceof SyntaxError || (e?.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return new ApiError(400, 'bad_request', `the request body is not valid JSON: ${e.message ?? ''}`, 'check quotes and commas; send a JSON object');
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, 'bad_request', e.message ?? 'bad request', 'see /docs for the request format');
  }
  return new ApiError(500, 'internal_error', 'internal error', 'this is a bug in the serving API; see its log');
}

function cleanValidation(message: string): string {
  return message.replace(/^body\//, '').replace(/^body /, '');
}

/** Server-Sent Events over the raw response; headers go out with the first event. */
class SseWriter {
  private static readonly writers = new WeakMap<FastifyReply, SseWriter>();
  started = false;
  constructor(private readonly reply: FastifyReply) {
    SseWriter.writers.set(reply, this);
  }
  static of(reply: FastifyReply): SseWriter | undefined {
    return SseWriter.writers.get(reply);
  }
  private start(): void {
    if (this.started) return;
    this.started = true;
    this.reply.hijack();
    this.reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
  }
  event(name: string, data: unknown): void {
    this.raw(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  }
  data(data: unknown): void {
    this.raw(`data: ${JSON.stringify(data)}\n\n`);
  }
  raw(text: string): void {
    this.start();
    if (!this.reply.raw.destroyed) this.reply.raw.write(text);
  }
  end(): void {
    this.start();
    if (!this.reply.raw.destroyed) this.reply.raw.end();
  }
}
