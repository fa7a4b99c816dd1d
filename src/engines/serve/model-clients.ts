// Model backends the serving API can front: an Ollama server (its REST API, NDJSON streams) or any
// OpenAI-compatible server (vLLM, llama.cpp server, LM Studio; SSE streams).
// Both are always asked to stream, also for a client's stream:false request: one strict parser per protocol
// then decides success for both modes (so they cannot disagree), and --timeout can bound the wait for each
// token instead of the whole answer. Whatever is not the protocol (a 200 with an error object, a line that is
// not JSON, a stream without its final message, broken framing, a 503 "busy") becomes an ApiError with the
// right status and the backend's own reason; nothing is skipped or filled in.
import type { IncomingMessage } from 'node:http';
import { ApiError, backendBroken, backendBusy, backendFailed, modelNotFound } from './errors.js';
import { finish, httpRequest, readLines, readText, type BackendReply } from './http-fetch.js';
import { toOllamaFormat, toResponseFormat, type OutputFormat } from './structured.js';

export interface GenerationOptions {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  seed?: number;
  num_predict?: number;
  stop?: string[];
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerationResult {
  text: string;
  doneReason: string;
  promptTokens: number;
  completionTokens: number;
}

interface CallBase {
  model: string;
  options?: GenerationOptions;
  signal: AbortSignal;
  /** Each piece of text as it arrives (streamed replies pass it on to the client). */
  onText?: (text: string) => void;
  /** Called whenever bytes arrive from the backend, so the caller can time the gaps between tokens. */
  onActivity?: () => void;
  /** Structured output, sent as Ollama's `format` or OpenAI's `response_format`. */
  format?: OutputFormat;
}

export interface GenerateCall extends CallBase {
  prompt: string;
  system?: string;
}

export interface ChatCall extends CallBase {
  messages: ChatMessage[];
}

export interface EmbedCall {
  model: string;
  input: string[];
  /** Keep the first N values (renormalised), where the backend supports it. */
  dimensions?: number;
  signal: AbortSignal;
  onActivity?: () => void;
}

export interface EmbedResult {
  embeddings: number[][];
  promptTokens: number;
}

/** A model as OpenAI's /v1/models lists it: `created` in seconds since the epoch. */
export interface BackendModel {
  id: string;
  created: number;
  owned_by: string;
}

export interface ModelBackend {
  readonly kind: 'ollama' | 'openai';
  readonly url: string;
  /** Server version string (Ollama's /api/version; "openai-compatible" otherwise). */
  version(signal: AbortSignal): Promise<string>;
  /** Whether the named model can be used without pulling. */
  hasModel(name: string, signal: AbortSignal): Promise<boolean>;
  /** Every model the backend has, in its own spelling (Ollama: "name:tag"). */
  listModels(signal: AbortSignal): Promise<BackendModel[]>;
  generate(call: GenerateCall): Promise<GenerationResult>;
  /** One vector per text, from the backend's embeddings route (Ollama's /api/embed, OpenAI's /embeddings). */
  embed(call: EmbedCall): Promise<EmbedResult>;
  chat(call: ChatCall): Promise<GenerationResult>;
}

/** Ollama names a model "name:tag"; "name" alone means "name:latest". */
export function sameOllamaModel(a: string, b: string): boolean {
  const norm = (s: string) => (s.includes(':') ? s : `${s}:latest`);
  return norm(a) === norm(b);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const preview = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The message of an error body: Ollama's {error:"…"}, OpenAI's {error:{message}}, or plain text. */
function errorMessage(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.message === 'string') return value.message;
  return JSON.stringify(value);
}

/** A non-2xx reply as the client should see it; busy (503/429) stays a 503 with Retry-After. */
async function statusError(reply: BackendReply, signal: AbortSignal, model: string, kind: 'ollama' | 'openai'): Promise<ApiError> {
  const text = await readText(reply.body, signal, 64 * 1024).catch(() => '');
  let message = text.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed) && parsed.error !== undefined) message = errorMessage(parsed.error);
  } catch {
    /* plain-text error page */
  }
  message = (message || reply.statusText || `HTTP ${reply.status}`).slice(0, 300);
  const { status } = reply;
  if (status === 404) return modelNotFound(model, kind);
  if (status === 400 || status === 422)
    return new ApiError(400, 'bad_request', `the backend rejected the request: ${message}`, 'check the options you sent');
  if (status === 503 || status === 429) {
    const after = Number(reply.headers['retry-after']);
    return backendBusy(message, Number.isInteger(after) && after > 0 && after <= 3600 ? after : 1);
  }
  if (status === 401 || status === 403)
    return new ApiError(
      502,
      'backend_error',
      `the model backend refused our credentials (${status}): ${message}`,
      'check --openai-key / OPENAI_API_KEY',
    );
  return backendFailed(status, message);
}

async function openOk(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; signal: AbortSignal },
  model: string,
  kind: 'ollama' | 'openai',
): Promise<IncomingMessage> {
  const reply = await httpRequest(url, init);
  if (reply.status >= 200 && reply.status < 300) return reply.body;
  throw await statusError(reply, init.signal, model, kind);
}

async function getJson(url: string, signal: AbortSignal, kind: 'ollama' | 'openai', headers?: Record<string, string>): Promise<Json> {
  const body = await openOk(url, { method: 'GET', headers, signal }, '', kind);
  const text = await readText(body, signal);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw backendBroken(`${url} did not answer JSON: ${preview(text)}`);
  }
  if (!isObject(parsed)) throw backendBroken(`${url} did not answer a JSON object`);
  if (parsed.error !== undefined) throw backendFailed(200, errorMessage(parsed.error));
  return parsed;
}

/** A JSON POST answered with one JSON object (the embeddings routes), with the same checks as getJson. */
async function postJson(
  url: string,
  request: Json,
  call: { model: string; signal: AbortSignal; onActivity?: () => void },
  kind: 'ollama' | 'openai',
  headers: Record<string, string>,
): Promise<Json> {
  const body = await openOk(url, { method: 'POST', headers, body: JSON.stringify(request), signal: call.signal }, call.model, kind);
  call.onActivity?.();
  const text = await readText(body, call.signal);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw backendBroken(`${url} did not answer JSON: ${preview(text)}`);
  }
  if (!isObject(parsed)) throw backendBroken(`${url} did not answer a JSON object`);
  if (parsed.error !== undefined) throw backendFailed(200, errorMessage(parsed.error));
  return parsed;
}

/** Vectors as numbers, one per input, or a backendBroken naming what is wrong. */
function vectors(value: unknown, count: number, where: string): number[][] {
  if (!Array.isArray(value) || value.length !== count) throw backendBroken(`${where} does not hold ${count} embedding(s)`);
  for (const v of value)
    if (!Array.isArray(v) || !v.length || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
      throw backendBroken(`${where} holds an embedding that is not a list of numbers`);
  return value as number[][];
}

/** Runs `each` over the lines of a streamed body; destroys the body on failure, drains it on success. */
async function overLines<T>(body: IncomingMessage, call: CallBase, each: (line: string) => T | undefined): Promise<T | undefined> {
  try {
    for await (const line of readLines(body, call.signal, call.onActivity)) {
      const result = each(line);
      if (result !== undefined) {
        finish(body);
        return result;
      }
    }
    return undefined;
  } catch (err) {
    body.destroy();
    throw err;
  }
}

const ollamaFormat = (call: CallBase) => (call.format ? { format: toOllamaFormat(call.format) } : {});

export class OllamaBackend implements ModelBackend {
  readonly kind = 'ollama' as const;
  constructor(readonly url: string) {}

  async version(signal: AbortSignal): Promise<string> {
    const body = await getJson(`${this.url}/api/version`, signal, this.kind);
    if (typeof body.version !== 'string') throw backendBroken('/api/version has no "version"');
    return body.version;
  }

  async hasModel(name: string, signal: AbortSignal): Promise<boolean> {
    const body = await getJson(`${this.url}/api/tags`, signal, this.kind);
    const models = Array.isArray(body.models) ? body.models.filter(isObject) : [];
    return models.some(
      (m) =>
        (typeof m.name === 'string' && sameOllamaModel(m.name, name)) || (typeof m.model === 'string' && sameOllamaModel(m.model, name)),
    );
  }

  /** /api/tags as Ollama's own /v1/models reports it: created from modified_at, owned_by the namespace or "library". */
  async listModels(signal: AbortSignal): Promise<BackendModel[]> {
    const body = await getJson(`${this.url}/api/tags`, signal, this.kind);
    return (Array.isArray(body.models) ? body.models.filter(isObject) : []).flatMap((m) => {
      const id = typeof m.name === 'string' ? m.name : typeof m.model === 'string' ? m.model : undefined;
      if (!id) return [];
      const modified = typeof m.modified_at === 'string' ? Date.parse(m.modified_at) : NaN;
      const path = id.split(':')[0].split('/');
      const created = Number.isFinite(modified) ? Math.floor(modified / 1000) : 0;
      return [{ id, created, owned_by: path.length > 1 ? path.at(-2)! : 'library' }];
    });
  }

  /** /api/embed without truncation, so an input too long for the model is the backend's 400, as at OpenAI. */
  async embed(call: EmbedCall): Promise<EmbedResult> {
    const request = { model: call.model, input: call.input, truncate: false, ...(call.dimensions ? { dimensions: call.dimensions } : {}) };
    const body = await postJson(`${this.url}/api/embed`, request, call, this.kind, { 'content-type': 'application/json' });
    return { embeddings: vectors(body.embeddings, call.input.length, '/api/embed'), promptTokens: count(body.prompt_eval_count) };
  }

  generate(call: GenerateCall): Promise<GenerationResult> {
    const body = {
      model: call.model,
      prompt: call.prompt,
      system: call.system,
      options: call.options,
      stream: true,
      ...ollamaFormat(call),
    };
    return this.stream('/api/generate', body, call, (m) => m.response);
  }

  chat(call: ChatCall): Promise<GenerationResult> {
    const body = { model: call.model, messages: call.messages, options: call.options, stream: true, ...ollamaFormat(call) };
    return this.stream('/api/chat', body, call, (m) => (isObject(m.message) ? m.message.content : undefined));
  }

  /** One NDJSON stream: every line a JSON object, an {error} line is a failure, the last one has done:true. */
  private async stream(path: string, request: Json, call: CallBase, pieceOf: (m: Json) => unknown): Promise<GenerationResult> {
    const body = await openOk(
      `${this.url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request), signal: call.signal },
      call.model,
      this.kind,
    );
    let text = '';
    const result = await overLines(body, call, (line) => {
      if (!line.trim()) return undefined;
      let m: unknown;
      try {
        m = JSON.parse(line);
      } catch {
        throw backendBroken(`a line of its stream is not JSON: ${preview(line)}`);
      }
      if (!isObject(m)) throw backendBroken(`a line of its stream is not a JSON object: ${preview(line)}`);
      if (m.error !== undefined) throw backendFailed(200, errorMessage(m.error));
      const piece = pieceOf(m);
      if (typeof piece === 'string' && piece) {
        text += piece;
        call.onText?.(piece);
      }
      if (m.done !== true) return undefined;
      // Ollama before 0.1.40 sent no done_reason; done:true itself says the answer is complete.
      return {
        text,
        doneReason: typeof m.done_reason === 'string' ? m.done_reason : 'stop',
        promptTokens: count(m.prompt_eval_count),
        completionTokens: count(m.eval_count),
      };
    });
    if (!result) throw backendBroken('the stream ended without its final "done" message');
    return result;
  }
}

interface OpenAIChoice {
  message?: { content?: unknown };
  delta?: { content?: unknown };
  finish_reason?: unknown;
}

/** Any server speaking OpenAI's /v1/chat/completions (base URL ends in /v1). */
export class OpenAICompatibleBackend implements ModelBackend {
  readonly kind = 'openai' as const;
  constructor(
    readonly url: string,
    private readonly apiKey?: string,
  ) {}

  private headers(): Record<string, string> {
    const h: Record<string, string> = { 'content-type': 'application/json' };
    if (this.apiKey) h.authorization = `Bearer ${this.apiKey}`;
    return h;
  }

  async version(signal: AbortSignal): Promise<string> {
    await getJson(`${this.url}/models`, signal, this.kind, this.headers());
    return 'openai-compatible';
  }

  async hasModel(name: string, signal: AbortSignal): Promise<boolean> {
    const body = await getJson(`${this.url}/models`, signal, this.kind, this.headers());
    // Ollama's /v1/models (and servers copying it) list "name:latest"; a client may ask for "name".
    return (Array.isArray(body.data) ? body.data.filter(isObject) : []).some(
      (m) => typeof m.id === 'string' && sameOllamaModel(m.id, name),
    );
  }

  async listModels(signal: AbortSignal): Promise<BackendModel[]> {
    const body = await getJson(`${this.url}/models`, signal, this.kind, this.headers());
    return (Array.isArray(body.data) ? body.data.filter(isObject) : []).flatMap((m) =>
      typeof m.id === 'string'
        ? [
            {
              id: m.id,
              created: Number.isInteger(m.created) ? (m.created as number) : 0,
              owned_by: typeof m.owned_by === 'string' && m.owned_by ? m.owned_by : 'openai-compatible',
            },
          ]
        : [],
    );
  }

  async embed(call: EmbedCall): Promise<EmbedResult> {
    const dimensions = call.dimensions ? { dimensions: call.dimensions } : {};
    const request = { model: call.model, input: call.input, encoding_format: 'float', ...dimensions };
    const body = await postJson(`${this.url}/embeddings`, request, call, this.kind, this.headers());
    const data = (Array.isArray(body.data) ? body.data.filter(isObject) : []).sort((a, b) => count(a.index) - count(b.index));
    const embeddings = vectors(
      data.map((d) => d.embedding),
      call.input.length,
      '/embeddings',
    );
    return { embeddings, promptTokens: count(isObject(body.usage) ? body.usage.prompt_tokens : 0) };
  }

  generate(call: GenerateCall): Promise<GenerationResult> {
    const messages: ChatMessage[] = [];
    if (call.system) messages.push({ role: 'system', content: call.system });
    messages.push({ role: 'user', content: call.prompt });
    return this.chat({ ...call, messages });
  }

  async chat(call: ChatCall): Promise<GenerationResult> {
    const o = call.options ?? {};
    const request = {
      model: call.model,
      messages: call.messages,
      stream: true,
      stream_options: { include_usage: true },
      temperature: o.temperature,
      top_p: o.top_p,
      seed: o.seed,
      max_tokens: o.num_predict,
      stop: o.stop,
      ...(call.format ? { response_format: toResponseFormat(call.format) } : {}),
    };
    const body = await openOk(
      `${this.url}/chat/completions`,
      { method: 'POST', headers: this.headers(), body: JSON.stringify(request), signal: call.signal },
      call.model,
      this.kind,
    );
    const type = String(body.headers['content-type'] ?? '');
    // A server that ignores "stream": one JSON completion.
    if (type.includes('application/json')) return this.whole(body, call);
    let text = '';
    let doneReason: string | undefined;
    let promptTokens = 0;
    let completionTokens = 0;
    const result = await overLines(body, call, (raw) => {
      const line = raw.trim();
      // SSE: blank lines separate events, ':' starts a comment, other fields (event:, id:, retry:) carry nothing here.
      if (!line.startsWith('data:')) return undefined;
      const data = line.slice(5).trim();
      // [DONE] is the protocol's own end marker, so the answer is complete even without a finish_reason.
      if (data === '[DONE]') return { text, doneReason: doneReason ?? 'stop', promptTokens, completionTokens };
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        throw backendBroken(`an event of its stream is not JSON: ${preview(data)}`);
      }
      if (!isObject(parsed)) throw backendBroken(`an event of its stream is not a JSON object: ${preview(data)}`);
      if (parsed.error !== undefined) throw backendFailed(200, errorMessage(parsed.error));
      const choice = (Array.isArray(parsed.choices) ? parsed.choices[0] : undefined) as OpenAIChoice | undefined;
      const piece = choice?.delta?.content;
      if (typeof piece === 'string' && piece) {
        text += piece;
        call.onText?.(piece);
      }
      if (typeof choice?.finish_reason === 'string') doneReason = choice.finish_reason;
      if (isObject(parsed.usage)) {
        promptTokens = count(parsed.usage.prompt_tokens) || promptTokens;
        completionTokens = count(parsed.usage.completion_tokens) || completionTokens;
      }
      return undefined;
    });
    if (result) return result;
    // Some servers close without [DONE]; a finish_reason already says the answer is complete.
    if (doneReason) return { text, doneReason, promptTokens, completionTokens };
    throw backendBroken('the stream ended without a finish_reason or [DONE]');
  }

  private async whole(body: IncomingMessage, call: ChatCall): Promise<GenerationResult> {
    call.onActivity?.();
    const raw = await readText(body, call.signal);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw backendBroken(`the completion is not JSON: ${preview(raw)}`);
    }
    if (!isObject(parsed)) throw backendBroken('the completion is not a JSON object');
    if (parsed.error !== undefined) throw backendFailed(200, errorMessage(parsed.error));
    const choice = (Array.isArray(parsed.choices) ? parsed.choices[0] : undefined) as OpenAIChoice | undefined;
    const text = choice?.message?.content;
    if (typeof text !== 'string' || typeof choice?.finish_reason !== 'string')
      throw backendBroken('the completion has no choices[0].message.content and finish_reason');
    if (text) call.onText?.(text);
    const usage = isObject(parsed.usage) ? parsed.usage : {};
    return {
      text,
      doneReason: choice.finish_reason,
      promptTokens: count(usage.prompt_tokens),
      completionTokens: count(usage.completion_tokens),
    };
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
