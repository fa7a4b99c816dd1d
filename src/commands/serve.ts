// Runs the serving API as a process: listen, report where, shut down gracefully on SIGINT/SIGTERM.
import { buildServeApp } from '../engines/serve/app.js';
import { OllamaBackend, OpenAICompatibleBackend, type ModelBackend } from '../engines/serve/model-clients.js';
import { FailedError } from '../shared/errors.js';
import { findFreePort } from '../engines/serve/ports.js';
import { DEFAULT_GRACE_MS, serveUntilSignal } from '../engines/serve/streams.js';

export { findFreePort };

export interface ServeProcessOptions {
  host: string;
  port: number;
  backendKind: 'ollama' | 'openai';
  backendUrl: string;
  backendApiKey?: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  bodyLimit: number;
  logLevel: string;
  docs: boolean;
  version: string;
  /** Shutdown grace in ms (default DEFAULT_GRACE_MS). */
  graceMs?: number;
}

export function makeBackend(kind: 'ollama' | 'openai', url: string, apiKey?: string): ModelBackend {
  const clean = url.replace(/\/+$/, '');
  return kind === 'ollama' ? new OllamaBackend(clean) : new OpenAICompatibleBackend(clean, apiKey);
}

export async function runServe(o: ServeProcessOptions): Promise<void> {
  const app = await buildServeApp({
    backend: makeBackend(o.backendKind, o.backendUrl, o.backendApiKey),
    defaultModel: o.model,
    apiKey: o.apiKey,
    bodyLimit: o.bodyLimit,
    timeoutMs: o.timeoutMs,
    logLevel: o.logLevel,
    docs: o.docs,
    version: o.version,
  });
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') {
      const alt = await findFreePort(o.host, o.port + 1);
      throw new FailedError(`port ${o.port} on ${o.host} is already in use`, alt ? `try --port ${alt}` : 'choose another --port');
    }
    if (code === 'EACCES') throw new FailedError(`not allowed to listen on ${o.host}:${o.port}`, 'use a port above 1024');
    if (code === 'EADDRNOTAVAIL') throw new FailedError(`${o.host} is not an address of this machine`, 'use --host 127.0.0.1');
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  process.stderr.write(
    `ftlab serve: listening on http://${o.host}:${port}  (backend ${o.backendKind} at ${o.backendUrl}, model "${o.model}"${o.apiKey ? ', API key required' : ''})\n` +
      `  try: curl -s http://${o.host}:${port}/health   docs: http://${o.host}:${port}/docs   stop: Ctrl-C\n`,
  );
  // The one shutdown path: signals, and the parent-exit watcher (which sends this process SIGTERM).
  await serveUntilSignal(app, { name: 'ftlab serve', graceMs: o.graceMs ?? DEFAULT_GRACE_MS });
}
