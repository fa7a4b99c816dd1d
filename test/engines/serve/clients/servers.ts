// The servers the client suites drive, as the CLI builds them, each listening on its own free port on
// 127.0.0.1: `ftlab backend` with the shipped micro model and the LoRA lab's adapter (served as "support"),
// and `ftlab serve` in front of it three ways — `--backend ollama`, `--backend openai --openai-base …/v1`,
// and `--backend ollama --api-key`. In-process (the same builders `ftlab backend`/`ftlab serve` call), so a
// suite starts in well under a second and needs no build.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { makeBackend } from '../../../../src/commands/serve.js';
import { buildServeApp } from '../../../../src/engines/serve/app.js';
import { buildBackendApp } from '../../../../src/engines/serve/ollama/server.js';

const repo = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

export const MODEL = 'ftlab-micro';
export const ADAPTER = 'support';
export const API_KEY = 'sk-test-clients';

export interface Servers {
  /** ftlab backend's root (Ollama API; its OpenAI routes are under /v1). */
  backend: string;
  /** ftlab serve --backend ollama --ollama-host <backend>. */
  serveOllama: string;
  /** ftlab serve --backend openai --openai-base <backend>/v1. */
  serveOpenAI: string;
  /** ftlab serve --backend ollama --api-key API_KEY. */
  serveKeyed: string;
  close(): Promise<void>;
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

export async function startServers(): Promise<Servers> {
  const apps: FastifyInstance[] = [];
  try {
    const { app: backendApp } = await buildBackendApp({
      modelDir: repo('labs/lora/base'),
      name: MODEL,
      adapters: [{ name: ADAPTER, dir: repo('labs/lora/solution/adapter') }],
      workers: 1,
      maxQueue: 16,
      logLevel: 'silent',
    });
    apps.push(backendApp);
    const backend = await listen(backendApp);
    const serve = async (kind: 'ollama' | 'openai', url: string, apiKey?: string) => {
      const app = await buildServeApp({
        backend: makeBackend(kind, url),
        defaultModel: MODEL,
        apiKey,
        version: 'test',
        logLevel: 'silent',
        docs: false,
      });
      apps.push(app);
      return listen(app);
    };
    return {
      backend,
      serveOllama: await serve('ollama', backend),
      serveOpenAI: await serve('openai', `${backend}/v1`),
      serveKeyed: await serve('ollama', backend, API_KEY),
      close: () => closeAll(apps),
    };
  } catch (err) {
    await closeAll(apps);
    throw err;
  }
}

async function closeAll(apps: FastifyInstance[]): Promise<void> {
  // serve first, then the backend it talks to
  for (const app of [...apps].reverse()) await app.close();
}
