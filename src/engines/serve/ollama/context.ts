// What the backend's route modules (embed.ts, completions.ts, models-registry.ts) share with server.ts: the
// body parser and model lookup with Ollama's error texts, the worker pool, the model table and the "loaded
// models" record behind /api/ps. Errors are thrown as CompatError(message, param, status): server.ts's error
// handler answers them in Ollama's {error:"…"} shape on /api/* and in OpenAI's envelope on /v1/*.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ModelInfo } from './models.js';
import type { GenerationPool } from './pool.js';

export interface BackendContext {
  /** The JSON object body (Ollama accepts any content type); 400 for an empty, broken or non-object body. */
  parseBody(req: FastifyRequest): Record<string, unknown>;
  /** The model a request names: 400 "model is required", 404 "model 'x' not found". */
  resolveModel(value: unknown): ModelInfo;
  /** Aborts a job when the client leaves or the server shuts down. */
  jobSignal(reply: FastifyReply): AbortSignal;
  pool: GenerationPool;
  /** Every model served, by name with tag; models-registry.ts adds and removes entries. */
  models: Map<string, ModelInfo>;
  /** Models "loaded" for /api/ps: name → last use (ms). */
  lastUsed: Map<string, number>;
}

/** keep_alive 0 (or "0", "0s"…) asks Ollama to unload the model after the request. */
export function unloads(keepAlive: unknown): boolean {
  if (typeof keepAlive === 'number') return keepAlive === 0;
  return typeof keepAlive === 'string' && /^0+(\.0+)?(ns|us|µs|ms|s|m|h)?$/.test(keepAlive.trim());
}

/**
 * Why Ollama would refuse this keep_alive with a 400, or undefined: a number (seconds) or a Go duration
 * string ("5m", "1h30m", "-1s", "0"), checked as Go's time.ParseDuration does, with its error texts.
 */
export function keepAliveProblem(keepAlive: unknown): string | undefined {
  if (keepAlive === undefined || keepAlive === null || typeof keepAlive === 'number') return undefined;
  if (typeof keepAlive !== 'string') return 'keep_alive must be a duration such as "5m" or a number of seconds';
  const quoted = JSON.stringify(keepAlive);
  let rest = keepAlive.replace(/^[-+]/, '');
  if (rest === '0') return undefined;
  if (!rest) return `time: invalid duration ${quoted}`;
  while (rest) {
    const [number, whole, , fraction] = /^(\d*)(\.(\d*))?/.exec(rest)!;
    if (!whole && !fraction) return `time: invalid duration ${quoted}`;
    rest = rest.slice(number.length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (!unit) return `time: missing unit in duration ${quoted}`;
    if (!['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h'].includes(unit))
      return `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`;
    rest = rest.slice(unit.length);
  }
  return undefined;
}
