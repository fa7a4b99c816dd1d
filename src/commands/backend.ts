// Runs `ftlab backend` as a process: load the models into workers, listen, stop cleanly on a signal.
import { join } from 'node:path';
import { FailedError } from '../shared/errors.js';
import { findFreePort } from '../engines/serve/ports.js';
import { DEFAULT_GRACE_MS, serveUntilSignal } from '../engines/serve/streams.js';
import { buildBackendApp, type BackendOptions } from '../engines/serve/ollama/server.js';
import { checkAdapterFolder, checkModelFolder } from '../engines/llm/io.js';
import { ensureHome, resolveHome } from '../core/store/home.js';

/**
 * Where /api/create and /api/copy keep their models across restarts: <progress home>/backend/models.json.
 * An unusable home only costs persistence (the models then live as long as the process), with a note.
 */
function registryFile(): { file?: string; note?: string } {
  try {
    return { file: join(ensureHome(resolveHome()), 'backend', 'models.json') };
  } catch (err) {
    return { note: `created models will not be kept after a restart: ${(err as Error).message.split('\n')[0]}` };
  }
}

/**
 * A start-up failure as the user sees it: a bad folder (FailedError, ModelFileError) or a file that
 * cannot be read is one line naming the file, with what to do; anything else is a bug and keeps its stack.
 */
function loadFailure(err: unknown): unknown {
  const hint = 'check the folder given to --model / --adapter';
  if (err instanceof FailedError) return new FailedError(`could not load the model: ${err.message}`, err.hint ?? hint);
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && typeof e.path === 'string')
    return new FailedError(`could not load the model: ${e.path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, hint);
  return err;
}

export async function runBackend(o: BackendOptions & { host: string; port: number; graceMs?: number }): Promise<void> {
  let built;
  try {
    // Missing files are named before any worker starts; every other fault of the folders comes back from
    // the workers' load as a ModelFileError, after the pool has terminated them (so the process can exit).
    checkModelFolder(o.modelDir);
    for (const a of o.adapters) checkAdapterFolder(a.dir);
    const registry = registryFile();
    if (registry.note) process.stderr.write(`ftlab backend: ${registry.note}\n`);
    built = await buildBackendApp({ ...o, registryFile: registry.file });
    for (const note of built.notes) process.stderr.write(`ftlab backend: ${note}\n`);
  } catch (err) {
    throw loadFailure(err);
  }
  const { app } = built;
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await app.close();
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      const alt = await findFreePort(o.host, o.port + 1);
      throw new FailedError(
        `port ${o.port} on ${o.host} is already in use (is another ftlab backend or Ollama running?)`,
        alt ? `try --port ${alt}` : 'choose another --port',
      );
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const names = [...built.models.keys()];
  // The one shutdown path (signals, and the parent-exit watcher's SIGTERM): drain, then end open streams
  // with an error line within the grace. Its handlers go in before the banner, so a signal sent as soon
  // as the banner shows is handled, not fatal.
  const stopped = serveUntilSignal(app, { name: 'ftlab backend', graceMs: o.graceMs ?? DEFAULT_GRACE_MS });
  process.stderr.write(
    `ftlab backend: Ollama-compatible API on http://${o.host}:${port}  models: ${names.join(', ')}  (${o.workers} worker${o.workers > 1 ? 's' : ''})\n` +
      `  try: curl -s http://${o.host}:${port}/api/tags   use with: OLLAMA_HOST=http://${o.host}:${port}   stop: Ctrl-C\n`,
  );
  await stopped;
}
