// Runs `ftlab backend` as a process: load the models into workers, listen, stop cleanly on a signal.
import { FailedError } from '../../cli/errors.js';
import { findFreePort } from '../ports.js';
import { buildBackendApp, withTag, type BackendOptions } from './server.js';

export async function runBackend(o: BackendOptions & { host: string; port: number }): Promise<void> {
  let built;
  try {
    built = await buildBackendApp(o);
  } catch (err) {
    throw new FailedError(`could not load the model: ${(err as Error).message}`, 'check the folder given to --model / --adapter');
  }
  const { app } = built;
  try {
    await app.listen({ host: o.host, port: o.port });
  } catch (err) {
    await app.close();
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      const alt = await findFreePort(o.host, o.port + 1);
      throw new FailedError(`port ${o.port} on ${o.host} is already in use (is another ftlab backend or Ollama running?)`, alt ? `try --port ${alt}` : 'choose another --port');
    }
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const names = [withTag(o.name), ...o.adapters.map((a) => withTag(a.name))];
  process.stderr.write(
    `ftlab backend: Ollama-compatible API on http://${o.host}:${port}  models: ${names.join(', ')}  (${o.workers} worker${o.workers > 1 ? 's' : ''})\n` +
      `  try: curl -s http://${o.host}:${port}/api/tags   use with: OLLAMA_HOST=http://${o.host}:${port}   stop: Ctrl-C\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
}
