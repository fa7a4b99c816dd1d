// Model backends the serving API can front: an Ollama server (through the official `ollama` client)
// or any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio) through fetch.
import { Ollama } from 'ollama';
import { ApiError, backendFailed } from './errors.js';
import { makeHttpFetch } from './http-fetch.js';

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

export interface GenerateCall {
  model: string;
  prompt: string;
  system?: string;
  options?: GenerationOptions;
  signal: AbortSignal;
  /** When given, the backend is asked to stream and each piece of text is passed here. */
  onText?: (text: string) => void;
}

export interface ChatCall {
  model: string;
  messages: ChatMessage[];
  options?: GenerationOptions;
  signal: AbortSignal;
  onText?: (text: string) => void;
}

export interface ModelBackend {
  readonly kind: 'ollama' | 'openai';
  readonly url: string;
  /** Server version string (Ollama's /api/version; "openai-compatible" otherwise). */
  version(signal: AbortSignal): Promise<string>;
  /** Whether the named model can be used without pulling. */
  hasModel(name: string, signal: AbortSignal): Promise<boolean>;
  generate(call: GenerateCall): Promise<GenerationResult>;
  chat(call: ChatCall): Promise<GenerationResult>;
}

/** Ollama names a model "name:tag"; "name" alone means "name:latest". */
export function sameOllamaModel(a: string, b: string): boolean {
  const norm = (s: string) => (s.includes(':') ? s : `${s}:latest`);
  return norm(a) === norm(b);
}

export class OllamaBackend implements ModelBackend {
  readonly kind = 'ollama' as const;
  constructor(readonly url: string) {}

  private client(signal: AbortSignal, stream = false): Ollama {
    return new Ollama({ host: this.url, fetch: makeHttpFetch({ signal, stream }) });
  }

  async version(signal: AbortSignal): Promise<string> {
    return (await this.client(signal).version()).version;
  }

  async hasModel(name: string, signal: AbortSignal): Promise<boolean> {
    const list = await this.client(signal).list();
    return list.models.some((m) => sameOllamaModel(m.name, name) || sameOllamaModel(m.model, name));
  }

  async generate(call: GenerateCall): Promise<GenerationResult> {
    const client = this.client(call.signal, Boolean(call.onText));
    const base = { model: call.model, prompt: call.prompt, system: call.system, options: call.options };
    if (!call.onText) {
      const r = await client.generate({ ...base, stream: false });
      return { text: r.response ?? "", doneReason: r.done_reason ?? 'stop', promptTokens: r.prompt_eval_count ?? 0, completionTokens: r.eval_count ?? 0 };
    }
    const stream = await client.generate({ ...base, stream: true });
    let text = '';
    for await (const part of stream) {
      if (part.response) {
        text += part.response;
        call.onText(part.response);
      }
      if (part.done) {
        return { text, doneReason: part.done_reason ?? 'stop', promptTokens: part.prompt_eval_count ?? 0, completionTokens: part.eval_count ?? 0 };
      }
    }
    throw backendFailed(502, 'the stream ended without a final "done" message');
  }

  async chat(call: ChatCall): Promise<GenerationResult> {
    const client = this.client(call.signal, Boolean(call.onText));
    const base = { model: call.model, messages: call.messages, options: call.options };
    if (!call.onText) {
      const r = await client.chat({ ...base, stream: false });
      return { text: r.message.content, doneReason: r.done_reason ?? 'stop', promptTokens: r.prompt_eval_count ?? 0, completionTokens: r.eval_count ?? 0 };
    }
    const stream = await client.chat({ ...base, stream: true });
    let text = '';
    for await (const part of stream) {
      const piece = part.message?.content ?? '';
      if (piece) {
        text += piece;
        call.onText(piece);
      }
      if (part.done) {
        return { text, doneReason: part.done_reason ?? 'stop', promptTokens: part.prompt_eval_count ?? 0, completionTokens: part.eval_count ?? 0 };
      }
    }
    throw backendFailed(502, 'the stream ended without a final "done" message');
  }
}

interface OpenAIChoice {
  message?: { content?: string };
  delta?: { content?: string };
  finish_reason?: string | null;
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

  private async request(path: string, signal: AbortSignal, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: this.headers(),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let message = text;
      try {
        const parsed = JSON.parse(text);
        message = parsed?.error?.message ?? parsed?.error ?? text;
      } catch {
        /* plain text error */
      }
      const err = new Error(String(message || res.statusText)) as Error & { status_code: number };
      err.name = 'ResponseError';
      err.status_code = res.status;
      throw err;
    }
    return res;
  }

  async version(signal: AbortSignal): Promise<string> {
    await this.request('/models', signal);
    return 'openai-compatible';
  }

  async hasModel(name: string, signal: AbortSignal): Promise<boolean> {
    const res = await this.request('/models', signal);
    const body = (await res.json()) as { data?: { id: string }[] };
    return (body.data ?? []).some((m) => m.id === name);
  }

  generate(call: GenerateCall): Promise<GenerationResult> {
    const messages: ChatMessage[] = [];
    if (call.system) messages.push({ role: 'system', content: call.system });
    messages.push({ role: 'user', content: call.prompt });
    return this.chat({ model: call.model, messages, options: call.options, signal: call.signal, onText: call.onText });
  }

  async chat(call: ChatCall): Promise<GenerationResult> {
    const o = call.options ?? {};
    const body = {
      model: call.model,
      messages: call.messages,
      stream: Boolean(call.onText),
      temperature: o.temperature,
      top_p: o.top_p,
      seed: o.seed,
      max_tokens: o.num_predict,
      stop: o.stop,
      ...(call.onText ? { stream_options: { include_usage: true } } : {}),
    };
    const res = await this.request('/chat/completions', call.signal, body);
    if (!call.onText) {
      const r = (await res.json()) as { choices: OpenAIChoice[]; usage?: { prompt_tokens?: number; completion_tokens?: number } };
      const choice = r.choices?.[0];
      return {
        text: choice?.message?.content ?? '',
        doneReason: choice?.finish_reason ?? 'stop',
        promptTokens: r.usage?.prompt_tokens ?? 0,
        completionTokens: r.usage?.completion_tokens ?? 0,
      };
    }
    if (!res.body) throw backendFailed(502, 'missing response body');
    let text = '';
    let doneReason = 'stop';
    let promptTokens = 0;
    let completionTokens = 0;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return { text, doneReason, promptTokens, completionTokens };
        let parsed: { choices?: OpenAIChoice[]; usage?: { prompt_tokens?: number; completion_tokens?: number } };
        try {
          parsed = JSON.parse(data);
        } catch {
          throw backendFailed(502, `invalid stream line: ${data.slice(0, 80)}`);
        }
        const piece = parsed.choices?.[0]?.delta?.content ?? '';
        if (piece) {
          text += piece;
          call.onText(piece);
        }
        if (parsed.choices?.[0]?.finish_reason) doneReason = parsed.choices[0].finish_reason;
        if (parsed.usage) {
          promptTokens = parsed.usage.prompt_tokens ?? promptTokens;
          completionTokens = parsed.usage.completion_tokens ?? completionTokens;
        }
      }
    }
    return { text, doneReason, promptTokens, completionTokens };
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}
