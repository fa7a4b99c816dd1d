// The serving API's HTTP client for its model backend, on node:http with a keep-alive agent (undici's fetch
// costs several times more CPU per small request on loopback, and the API makes one backend call per request).
// It separates the two ways a transport can fail, because they mean different things to the client:
// no connection ("connect": the backend is unreachable, 503) and a reply that breaks off ("read": the backend
// is there but broken, 502). Bodies are read as a stream of lines with a bound on line length, so a backend
// that never sends a newline cannot fill the memory.
import { Agent, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { TransportError } from './errors.js';

const httpAgent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

export interface BackendReply {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

function codeOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e?.code ?? e?.message ?? 'connection failed';
}

/** Sends one request; resolves when the status line and headers arrived. Rejects with the signal's reason when aborted. */
export function httpRequest(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<BackendReply> {
  return new Promise<BackendReply>((resolve, reject) => {
    const { signal } = init;
    if (signal.aborted) return reject(signal.reason);
    const target = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
    const https = target.protocol === 'https:';
    const req = (https ? httpsRequest : request)(target, { method: init.method, headers, agent: https ? httpsAgent : httpAgent }, (res) => {
      resolve({ status: res.statusCode ?? 502, statusText: res.statusMessage ?? '', headers: res.headers, body: res });
    });
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    // Before the reply: nothing reached a server that answers. After it, errors surface while reading the body.
    req.on('error', (e) =>
      reject(signal.aborted ? signal.reason : new TransportError('connect', codeOf(e), `cannot connect: ${codeOf(e)}`)),
    );
    req.end(init.body);
  });
}

/** The body's chunks; a transport failure mid-body becomes TransportError('read'), an abort the signal's reason. */
async function* chunks(body: IncomingMessage, signal: AbortSignal): AsyncGenerator<Buffer> {
  try {
    // destroyOnReturn: false, so a caller that stops after the final message lets the rest drain (see
    // `finish`) and the keep-alive socket goes back to the agent instead of being destroyed.
    for await (const chunk of body.iterator({ destroyOnReturn: false })) yield chunk as Buffer;
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    throw new TransportError('read', codeOf(e), `the reply broke off: ${codeOf(e)}`);
  }
  // An aborted socket can end the iteration without an error; it is still a broken reply.
  if (signal.aborted) throw signal.reason;
  if (!body.complete) throw new TransportError('read', 'ECONNRESET', 'the reply broke off before its end');
}

/** Reads the whole body as text, up to `limit` bytes (the rest is dropped). */
export async function readText(body: IncomingMessage, signal: AbortSignal, limit = 256 * 1024): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks(body, signal)) {
    if (size < limit) parts.push(chunk.subarray(0, limit - size));
    size += chunk.length;
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Yields the body's lines (without the line break), calling `onData` for every chunk that arrives so a
 * caller can tell a live stream from a silent one. A line longer than `maxLine` bytes is an error.
 */
export async function* readLines(
  body: IncomingMessage,
  signal: AbortSignal,
  onData?: () => void,
  maxLine = 1024 * 1024,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of chunks(body, signal)) {
    onData?.();
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      yield buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
    }
    if (buffer.length > maxLine) throw new TransportError('read', 'ELINE', `a line longer than ${maxLine} bytes`);
  }
  buffer += decoder.decode();
  if (buffer) yield buffer.replace(/\r$/, '');
}

/** Done with a reply before its end: drain what is left so the socket can be reused. */
export function finish(body: IncomingMessage): void {
  if (!body.readableEnded) body.resume();
}
