// A fetch for the `ollama` client built on node:http with a keep-alive agent. Node's global fetch (undici)
// costs several times more CPU per small request on loopback, and the serving API makes one backend call per
// request, so this is where its overhead would come from. Bodies of non-streamed calls are read whole
// before the Response is built (cheap for small JSON); streamed ones are handed over as a web stream.
import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

const httpAgent = new Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

/** Errors look like undici's ("fetch failed" with the system error as cause), so callers map them alike. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

/**
 * What the ollama client reads of a non-streamed Response (ok, status, statusText, headers.get, json, text),
 * without the cost of building a WHATWG Response and its body stream for every small JSON reply.
 */
function bufferedResponse(status: number, statusText: string, headers: NodeJS.Dict<string | string[]>, body: Buffer): Response {
  const text = () => body.toString('utf8');
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    headers: {
      get: (name: string) => {
        const v = headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
      },
    },
    body: null,
    text: async () => text(),
    json: async () => JSON.parse(text()),
  } as unknown as Response;
}

export function makeHttpFetch(opts: { signal?: AbortSignal; stream: boolean }): typeof fetch {
  return ((input: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const signals = [opts.signal, init.signal ?? undefined].filter((s): s is AbortSignal => Boolean(s));
      const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      if (signal?.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
      const headers: Record<string, string> = {};
      const given = init.headers;
      if (given instanceof Headers) given.forEach((v, k) => (headers[k] = v));
      else if (Array.isArray(given)) for (const [k, v] of given) headers[k.toLowerCase()] = v;
      else if (given) for (const [k, v] of Object.entries(given)) headers[k.toLowerCase()] = v;
      const body = typeof init.body === 'string' ? init.body : init.body == null ? undefined : String(init.body);
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const send = url.protocol === 'https:' ? httpsRequest : request;
      const req = send(url, { method: init.method ?? 'GET', headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent }, (res) => {
        const status = res.statusCode ?? 502;
        const responseHeaders = res.headers;
        if (opts.stream && status < 400) {
          const headers = new Headers();
          for (const [k, v] of Object.entries(responseHeaders)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers }));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(bufferedResponse(status, res.statusMessage ?? '', responseHeaders, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))));
        res.on('error', (e) => reject(fetchFailed(e)));
      });
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('error', (e) => reject(signal?.aborted ? (signal.reason ?? e) : fetchFailed(e)));
      req.end(body);
    })) as typeof fetch;
}
