// Reference solution of the serving lab: a small serving API in front of an Ollama server, written with
// nothing but Node's standard library so it runs anywhere ftlab runs. It follows the contract the lab
// grades: /health that tells the truth, /generate with a validated body and a documented response,
// JSON errors with code, message and hint, and timeouts.
//
//   PORT=8000 OLLAMA_HOST=http://127.0.0.1:11435 node server.mjs
import { createServer } from 'node:http';

const PORT = Number(process.env.PORT ?? process.argv[process.argv.indexOf('--port') + 1] ?? 8000);
const BACKEND = (process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
const MODEL = process.env.FTLAB_MODEL ?? 'ftlab-micro';
const TIMEOUT_MS = Number(process.env.TIMEOUT_MS ?? 60_000);
const MAX_BODY = 1024 * 1024;

class HttpError extends Error {
  constructor(status, code, message, hint) {
    super(message);
    Object.assign(this, { status, code, hint });
  }
}

const sendJson = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'payload_too_large', 'the request body is too large', 'send a shorter prompt');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad_request', 'the request body is not valid JSON', 'send a JSON object such as {"prompt": "Hello"}');
  }
}

/** Calls the backend; maps every failure to an HttpError the client can act on. */
async function backend(path, body) {
  let res;
  try {
    res = await fetch(`${BACKEND}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    if (err.name === 'TimeoutError') throw new HttpError(504, 'backend_timeout', `the backend did not answer within ${TIMEOUT_MS} ms`, 'try a shorter prompt');
    throw new HttpError(503, 'backend_unreachable', `cannot reach the backend at ${BACKEND}`, 'start `ollama serve` or `ftlab backend`, and check OLLAMA_HOST');
  }
  const data = await res.json().catch(() => ({}));
  if (res.status === 404) return { notFound: true };
  if (!res.ok) throw new HttpError(502, 'backend_error', `the backend failed (${res.status}): ${data.error ?? 'no details'}`, 'look at the backend log');
  return data;
}

async function health() {
  const result = { status: 'healthy', backend: { url: BACKEND, reachable: false, version: null }, model: { name: MODEL, available: false } };
  try {
    result.backend.version = (await backend('/api/version')).version ?? null;
    result.backend.reachable = true;
    const tags = await backend('/api/tags');
    const norm = (n) => (n.includes(':') ? n : `${n}:latest`);
    result.model.available = (tags.models ?? []).some((m) => norm(m.name) === norm(MODEL));
    if (!result.model.available) result.reason = `model "${MODEL}" is not available; run: ollama pull ${MODEL}`;
  } catch (err) {
    result.reason = err.message;
  }
  if (!result.backend.reachable || !result.model.available) result.status = 'degraded';
  return result;
}

async function generate(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'bad_request', 'the body must be a JSON object', 'send {"prompt": "…"}');
  if (typeof body.prompt !== 'string' || !body.prompt.trim()) throw new HttpError(400, 'bad_request', '"prompt" must be a non-empty string', 'send {"prompt": "…"}');
  if (body.model !== undefined && (typeof body.model !== 'string' || !body.model)) throw new HttpError(400, 'bad_request', '"model" must be a non-empty string', 'leave it out to use the default model');
  const model = body.model ?? MODEL;
  const started = performance.now();
  const data = await backend('/api/chat', { model, messages: [{ role: 'user', content: body.prompt }], stream: false });
  if (data.notFound) throw new HttpError(404, 'model_not_found', `model "${model}" is not available on the backend`, `pull it first: ollama pull ${model}`);
  const promptTokens = data.prompt_eval_count ?? 0;
  const completionTokens = data.eval_count ?? 0;
  return {
    model,
    prompt: body.prompt,
    response: data.message?.content ?? '',
    done_reason: data.done_reason ?? 'stop',
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    latency_ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

const server = createServer(async (req, res) => {
  try {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health') {
      const h = await health();
      return sendJson(res, h.status === 'healthy' ? 200 : 503, h);
    }
    if (req.method === 'POST' && path === '/generate') return sendJson(res, 200, await generate(await readJson(req)));
    throw new HttpError(404, 'not_found', `no route ${req.method} ${path}`, 'the routes are GET /health and POST /generate');
  } catch (err) {
    const e = err instanceof HttpError ? err : new HttpError(500, 'internal_error', 'internal error', 'see the server log');
    if (!(err instanceof HttpError)) console.error(err);
    sendJson(res, e.status, { error: { code: e.code, message: e.message, hint: e.hint } });
  }
});

server.listen(PORT, '127.0.0.1', () => console.log(`serving API on http://127.0.0.1:${PORT} (backend ${BACKEND}, model ${MODEL})`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
