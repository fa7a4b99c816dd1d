// The serving API's error contract: every error is JSON {error:{code,message,hint,type,param}} with a fitting
// status; `type` and `param` are OpenAI's fields (so the `openai` SDK and LangChain read them), `code`,
// `message` and `hint` are ftlab's.
// The backend client (backend.ts) turns every way a model server can fail into one of these, so a failure
// reaches the client with the right status and the backend's own reason, never as a success.

import { openAIErrorType } from './openai-compat.js';

export type ApiErrorCode =
  | 'bad_request'
  | 'unsupported'
  | 'unauthorized'
  | 'not_found'
  | 'model_not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'backend_error'
  | 'backend_busy'
  | 'backend_unreachable'
  | 'backend_timeout'
  | 'shutting_down'
  | 'internal_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly hint: string,
    /** Seconds for a Retry-After header (503s that are worth retrying). */
    readonly retryAfter?: number,
    /** The request field at fault, when there is one (OpenAI's `param`, e.g. "messages[0].content"). */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): { error: { code: ApiErrorCode; message: string; hint: string; type: string; param: string | null } } {
    return { error: { code: this.code, message: this.message, hint: this.hint, type: openAIErrorType(this.status), param: this.param } };
  }
}

export const BACKEND_START_HINT =
  'start a model server: `ollama serve` (real Ollama) or `ftlab backend` (built-in), and check --ollama-host / OLLAMA_HOST';

export function modelNotFound(model: string, backendKind: 'ollama' | 'openai'): ApiError {
  const hint =
    backendKind === 'ollama'
      ? `pull it first: \`ollama pull ${model}\` (or list models with \`ollama list\`; the built-in backend serves "ftlab-micro")`
      : 'check the model names your OpenAI-compatible server lists at /v1/models';
  return new ApiError(404, 'model_not_found', `model "${model}" is not available on the backend`, hint);
}

export function backendUnreachable(url: string, cause: string): ApiError {
  return new ApiError(503, 'backend_unreachable', `cannot reach the model backend at ${url} (${cause})`, BACKEND_START_HINT);
}

/** `phase`: nothing arrived yet ("first"), or the backend went quiet in the middle of an answer ("idle"). */
export function backendTimeout(url: string, ms: number, phase: 'first' | 'idle' = 'first'): ApiError {
  return phase === 'first'
    ? new ApiError(
        504,
        'backend_timeout',
        `the model backend at ${url} sent nothing for ${ms} ms (no first token)`,
        'try a shorter prompt, check the backend, or raise --timeout',
      )
    : new ApiError(
        504,
        'backend_timeout',
        `the model backend at ${url} stopped sending tokens for ${ms} ms in the middle of the answer`,
        "check the backend's own log, or raise --timeout",
      );
}

export function backendFailed(status: number, message: string): ApiError {
  return new ApiError(
    502,
    'backend_error',
    `the model backend failed (${status}): ${message}`,
    "look at the backend's own log; retrying may help",
  );
}

/** The backend answered, but not in its protocol (garbage line, error object, no final message, broken framing). */
export function backendBroken(message: string): ApiError {
  return new ApiError(
    502,
    'backend_error',
    `the model backend's reply is broken: ${message}`,
    "look at the backend's own log; retrying may help",
  );
}

/** The backend said it is overloaded: passed on as 503 so that clients retry. */
export function backendBusy(message: string, retryAfter = 1): ApiError {
  return new ApiError(
    503,
    'backend_busy',
    `the model backend is busy: ${message}`,
    `retry after ${retryAfter} s, or raise the backend's queue (ftlab backend --max-queue)`,
    retryAfter,
  );
}

export function shuttingDown(): ApiError {
  return new ApiError(503, 'shutting_down', 'the server is shutting down', 'retry in a moment, or against another instance', 1);
}

/** Thrown by the HTTP client when it cannot connect or the reply breaks off; `phase` tells which. */
export class TransportError extends Error {
  constructor(
    readonly phase: 'connect' | 'read',
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Abort reasons of a request's signal: why the backend call was stopped. */
export class TimeoutReason extends Error {
  constructor(readonly phase: 'first' | 'idle') {
    super(phase === 'first' ? 'no first token in time' : 'no token in time');
    this.name = 'TimeoutError';
  }
}
export class ShutdownReason extends Error {
  constructor() {
    super('server shutting down');
    this.name = 'ShutdownError';
  }
}

/** Maps whatever a backend call threw to our error contract. */
export function classifyBackendError(err: unknown, url: string, timeoutMs: number, _model: string, _kind: 'ollama' | 'openai'): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof TimeoutReason) return backendTimeout(url, timeoutMs, err.phase);
  if (err instanceof ShutdownReason) return shuttingDown();
  if (err instanceof TransportError) {
    return err.phase === 'connect' ? backendUnreachable(url, err.code) : backendBroken(`the connection broke off mid-reply (${err.code})`);
  }
  const e = err as { name?: string; message?: string };
  if (e?.name === 'TimeoutError') return backendTimeout(url, timeoutMs);
  if (e?.name === 'AbortError') return new ApiError(499 as number, 'bad_request', 'the request was cancelled', 'the client went away');
  return backendBroken(e?.message ?? String(err));
}
