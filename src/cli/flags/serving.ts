import { Command, Option } from 'commander';
import { UsageError } from '../../shared/errors.js';
import { packageVersion } from '../../shared/paths.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`invalid port "${value}"`, 'use a number between 1 and 65535');
  return n;
}

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`invalid ${name} "${value}"`, `${name} must be a positive whole number`);
    return n;
  };
}

function checkUrl(value: string, flag: string): string {
  const withScheme = value.includes('://') ? value : `http://${value}`;
  try {
    const u = new URL(withScheme);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    return withScheme;
  } catch {
    throw new UsageError(`invalid URL for ${flag}: "${value}"`, 'e.g. http://127.0.0.1:11434');
  }
}

export function register(program: Command): void {
  program
    .command('serve')
    .description("the serving lab's HTTP API in front of an Ollama (or OpenAI-compatible) backend")
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 8000)
    .option('--ollama-host <url>', 'Ollama endpoint (default: OLLAMA_HOST or http://127.0.0.1:11434)')
    .addOption(new Option('--backend <kind>', 'kind of backend server').choices(['ollama', 'openai']).default('ollama'))
    .option('--openai-base <url>', 'base URL of an OpenAI-compatible server (vLLM, llama.cpp, LM Studio), e.g. http://127.0.0.1:8080/v1')
    .option('--openai-key <key>', 'API key for the OpenAI-compatible backend (env OPENAI_API_KEY)')
    .option('--model <name>', 'model used when a request names none', 'ftlab-micro')
    .option(
      '--api-key <key>',
      'require "Authorization: Bearer <key>" on every route but /, /health, /metrics and /docs (env FTLAB_API_KEY)',
    )
    .option(
      '--timeout <ms>',
      "longest wait for the backend's first token and between two tokens (not the whole answer), in milliseconds",
      positiveInt('timeout'),
      60000,
    )
    .option(
      '--grace <ms>',
      'on SIGINT/SIGTERM, how long in-flight requests may finish before they are ended with an error',
      positiveInt('grace'),
      5000,
    )
    .option('--body-limit <bytes>', 'largest accepted request body', positiveInt('body limit'), 1024 * 1024)
    .addOption(
      // warn by default, as the backend: the banner says where the API listens; info adds a JSON line per request.
      new Option('--log-level <level>', 'structured log level (JSON lines on stderr; info logs every request)')
        .choices(['silent', 'error', 'warn', 'info', 'debug'])
        .default('warn'),
    )
    .option('--no-docs', 'do not serve /docs and /openapi.json')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab backend &                      # built-in Ollama-compatible model server on :11435\n  ftlab serve --ollama-host http://127.0.0.1:11435\n  curl -s localhost:8000/generate -H "content-type: application/json" -d \'{"prompt":"What is LoRA?"}\'\n  ftlab serve --backend openai --openai-base http://127.0.0.1:8080/v1 --model my-model',
    )
    .action(async (o) => {
      const { runServe } = await import('../../commands/serve.js');
      const backendKind = o.backend as 'ollama' | 'openai';
      let backendUrl: string;
      if (backendKind === 'openai') {
        if (!o.openaiBase) throw new UsageError('--backend openai needs --openai-base URL', 'e.g. --openai-base http://127.0.0.1:8080/v1');
        backendUrl = checkUrl(o.openaiBase, '--openai-base');
      } else {
        backendUrl = checkUrl(o.ollamaHost ?? process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434', '--ollama-host');
      }
      await runServe({
        host: o.host,
        port: o.port,
        backendKind,
        backendUrl,
        backendApiKey: o.openaiKey ?? process.env.OPENAI_API_KEY,
        model: o.model,
        apiKey: o.apiKey ?? process.env.FTLAB_API_KEY,
        timeoutMs: o.timeout,
        bodyLimit: o.bodyLimit,
        logLevel: o.logLevel,
        docs: o.docs,
        version: packageVersion(),
        graceMs: o.grace,
      });
      // Keep-alive sockets to the backend would hold the process open for seconds after a clean shutdown.
      process.exit(0);
    });

  program
    .command('echo-backend')
    .description('a deterministic Ollama stand-in that echoes prompts (for testing a serving API without a model)')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 11436)
    .option('--model <name...>', 'model names it claims to have', ['ftlab-micro'])
    .option('--delay <ms>', 'wait this long before each answer', (v: string) => positiveInt('delay')(v), 0)
    .addHelpText(
      'after',
      '\nIt keeps Ollama\'s contract (/, /api/version, /api/tags, /api/ps, /api/show, /api/generate, /api/chat, /api/pull, /v1/models, /v1/chat/completions;\nnum_predict, stop, durations in ns, 405/404, CORS from OLLAMA_ORIGINS); the answer is "echo: <prompt>".',
    )
    .action(async (o) => {
      const { startEchoBackend } = await import('../../engines/serve/echo-backend.js');
      const { findFreePort } = await import('../../commands/serve.js');
      try {
        const echo = await startEchoBackend({ models: o.model, delayMs: o.delay }, o.port, o.host);
        process.stderr.write(`ftlab echo-backend: listening on ${echo.url} (models: ${o.model.join(', ')}); stop with Ctrl-C\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await echo.close();
      } catch (err) {
        if ((err as { code?: string }).code === 'EADDRINUSE') {
          const alt = await findFreePort(o.host, o.port + 1);
          const { FailedError } = await import('../../shared/errors.js');
          throw new FailedError(`port ${o.port} on ${o.host} is already in use`, alt ? `try --port ${alt}` : 'choose another --port');
        }
        throw err;
      }
    });

  program
    .command('backend')
    .description("serve the micro model (and LoRA adapters) behind Ollama's REST API and OpenAI-compatible /v1 routes")
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on', port, 11435)
    .option('--model <dir>', 'model folder (config.json, model.safetensors, tokenizer.json); default: the shipped micro model')
    .option('--adapter <dir...>', 'PEFT adapter folder(s) to serve as extra models ("name=DIR" or DIR, named after the folder)')
    .option('--name <name>', 'model name of the base model in /api/tags', 'ftlab-micro')
    .option('--workers <n>', 'generation worker threads', positiveInt('workers'), 1)
    .option('--max-queue <n>', 'requests allowed to wait for a worker before 503 "server busy"', positiveInt('max queue'), 16)
    .option(
      '--grace <ms>',
      'on SIGINT/SIGTERM, how long in-flight requests may finish before they are ended with an error',
      positiveInt('grace'),
      5000,
    )
    .addOption(
      new Option('--log-level <level>', 'structured log level (JSON lines on stderr)')
        .choices(['silent', 'error', 'warn', 'info', 'debug'])
        .default('warn'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab backend\n  curl -s localhost:11435/api/generate -d \'{"model":"ftlab-micro","prompt":"What is LoRA?","stream":false}\'\n  ftlab backend --adapter support=out/adapter     # the adapter is then the model "support"\n  curl -s localhost:11435/api/create -d "{\\"model\\":\\"support\\",\\"from\\":\\"$PWD/out/adapter\\"}"   # the same, while it runs (kept across restarts)\n  curl -s localhost:11435/api/embed -d \'{"model":"ftlab-micro","input":["a text","another"]}\'\n  OLLAMA_HOST=http://127.0.0.1:11435 ftlab serve\n\nModels made with /api/create and /api/copy are kept in <progress home>/backend/models.json (docs/serving.md).',
    )
    .action(async (o, cmd: Command) => {
      const { existsSync } = await import('node:fs');
      const { join, resolve } = await import('node:path');
      const { contentRoot, packageRoot } = await import('../../shared/paths.js');
      const { FailedError } = await import('../../shared/errors.js');
      const { runBackend } = await import('../../commands/backend.js');
      let modelDir: string;
      if (o.model) modelDir = resolve(o.model);
      else {
        const inContent = join(contentRoot(cmd.optsWithGlobals().content), 'labs/lora/base');
        modelDir = existsSync(inContent) ? inContent : join(packageRoot(), 'labs/lora/base');
      }
      if (!existsSync(join(modelDir, 'config.json'))) {
        throw new FailedError(
          `no model at ${modelDir} (expected config.json, model.safetensors and tokenizer.json)`,
          'pass --model DIR pointing at a model folder, e.g. labs/lora/base',
        );
      }
      const { parseAdapterFlag } = await import('../../engines/serve/ollama/server.js');
      const adapters = ((o.adapter as string[] | undefined) ?? [])
        .map(parseAdapterFlag)
        .map((a) => ({ name: a.name, dir: resolve(a.dir) }));
      for (const a of adapters) {
        if (!existsSync(join(a.dir, 'adapter_config.json')))
          throw new FailedError(
            `no adapter at ${a.dir} (expected adapter_config.json and adapter_model.safetensors)`,
            'train one with `ftlab train --out DIR`',
          );
      }
      await runBackend({
        host: o.host,
        port: o.port,
        modelDir,
        name: o.name,
        adapters,
        workers: o.workers,
        maxQueue: o.maxQueue,
        logLevel: o.logLevel,
        graceMs: o.grace,
      });
      process.exit(0);
    });
}
