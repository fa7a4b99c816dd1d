// The serving API's error contract: every error is JSON {error:{code,message,hint}} with a fitting status.

export type ApiErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'not_found'
  | 'model_not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'backend_error'
  | 'backend_unreachable'
  | 'backend_timeout'
  | 'internal_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): { error: { code: ApiErrorCode; message: string; hint: string } } {
    return { error: { code: this.code, message: this.message, hint: this.hint } };
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

export function backendTimeout(url: string, ms: number): ApiError {
  return new ApiError(
    504,
    'backend_timeout',
    `the model backend at ${url} did not answer within ${ms} ms`,
    'try a shorter prompt or a smaller num_predict, or raise --timeout',
  );
}

export function backendFailed(status: number, message: string): ApiError {
  return new ApiError(502, 'backend_error', `the model backend failed (${status}): ${message}`, 'look at the backend\'s own log; retrying may help');
}

/** Maps what fetch/ollama-js throw to our error contract. */
export function classifyBackendError(err: unknown, url: string, timeoutMs: number, model: string, kind: 'ollama' | 'openai'): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { name?: string; message?: string; status_code?: number; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || (e?.name === 'AbortError' && /timeout/i.test(String(e.message)))) return backendTimeout(url, timeoutMs);
  if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
    if (e.status_code === 404) return modelNotFound(model, kind);
    if (e.status_code === 400) return new ApiError(400, 'bad_request', `the backend rejected the request: ${e.message}`, 'check the options you sent');
    return backendFailed(e.status_code, String(e.message));
  }
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || e?.message === 'fetch failed') {
    return backendUnreachable(url, code ?? e?.cause?.message ?? 'connection failed');
  }
  if (e?.name === 'AbortError') return new ApiError(499 as number, 'bad_request', 'the request was cancelled', 'the client went away');
  return backendFailed(502, e?.message ?? String(err));
}
