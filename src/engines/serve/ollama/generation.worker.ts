// A generation worker of the built-in backend: holds the models in memory and runs one generation at a
// time off the HTTP server's event loop, streaming text pieces back. Aborts are honoured between tokens.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeChat } from '../../llm/chat.js';
import { generateStream, InferenceModel } from '../../llm/generate.js';
import { loadAdapter, loadModel, ModelFileError } from '../../llm/io.js';
import type { Tokenizer } from '../../llm/tokenizer.js';
import type { FromWorker, JobResult, ModelSpec, RunMessage, ToWorker } from './protocol.js';

interface Loaded {
  model: InferenceModel;
  tokenizer: Tokenizer;
}

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const specs = (workerData as { models: ModelSpec[] }).models;

const t0 = process.hrtime.bigint();
const models = new Map<string, Loaded>();
let loadError: unknown;
try {
  for (const spec of specs) {
    const base = loadModel(spec.modelDir);
    const adapter = spec.adapterDir ? loadAdapter(spec.adapterDir, base.model.config).adapter : null;
    models.set(spec.name, { model: new InferenceModel(base.model, adapter), tokenizer: base.tokenizer });
  }
} catch (e) {
  loadError = e;
}
if (loadError !== undefined) {
  // An error class does not survive the thread boundary, so say here whether it is the user's folder or a
  // bug. With no message listener the worker then exits by itself.
  const e = loadError as Error;
  if (e instanceof ModelFileError) send({ type: 'load-error', message: e.message, hint: e.hint, user: true });
  else send({ type: 'load-error', message: e?.stack ?? String(e), user: false });
} else {
  send({ type: 'ready', loadNs: Number(process.hrtime.bigint() - t0) });
  port.on('message', onMessage);
}

const running = new Map<number, AbortController>();

function onMessage(msg: ToWorker): void {
  if (msg.type === 'abort') {
    running.get(msg.id)?.abort();
    return;
  }
  run(msg).catch((err: Error) => send({ type: 'error', id: msg.id, message: err.message, status: 500 }));
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function run(msg: RunMessage): Promise<void> {
  const loaded = models.get(msg.model);
  if (!loaded) return send({ type: 'error', id: msg.id, message: `model '${msg.model}' not found`, status: 404 });
  const { model, tokenizer } = loaded;
  const controller = new AbortController();
  running.set(msg.id, controller);
  try {
    let promptIds: number[];
    if (msg.input.kind === 'chat') {
      promptIds = encodeChat(tokenizer, msg.input.messages, { addGenerationPrompt: true }).ids;
    } else if (msg.input.raw) {
      promptIds = tokenizer.encode(msg.input.prompt, { addSpecial: true });
    } else {
      const messages = [
        ...(msg.input.system ? [{ role: 'system' as const, content: msg.input.system }] : []),
        { role: 'user' as const, content: msg.input.prompt },
      ];
      promptIds = encodeChat(tokenizer, messages, { addGenerationPrompt: true }).ids;
    }
    const context = model.config.maxPositions;
    if (promptIds.length >= context) {
      return send({
        type: 'error',
        id: msg.id,
        message: `the prompt has ${promptIds.length} tokens; this model's context is ${context}`,
        status: 400,
      });
    }
    const o = msg.options;
    const maxTokens = o.num_predict === undefined || o.num_predict < 0 ? context - promptIds.length : o.num_predict;
    const started = process.hrtime.bigint();
    let firstPieceAt: bigint | undefined;
    const stream = generateStream(model, tokenizer, promptIds, {
      maxTokens,
      // Ollama's defaults: temperature 0.8, top_k 40, top_p 0.9
      temperature: o.temperature ?? 0.8,
      topK: o.top_k ?? 40,
      topP: o.top_p ?? 0.9,
      seed: o.seed ?? Math.floor(Math.random() * 2 ** 31),
      stop: o.stop,
      signal: controller.signal,
    });
    for (;;) {
      const step = await stream.next();
      if (step.done) {
        const end = process.hrtime.bigint();
        const promptEvalNs = Number((firstPieceAt ?? end) - started);
        const r = step.value;
        const result: JobResult = {
          text: r.text,
          doneReason: r.doneReason,
          promptTokens: r.promptTokens,
          evalTokens: r.tokens.length,
          promptEvalNs,
          evalNs: Number(end - (firstPieceAt ?? end)),
          loadNs: 0,
          context: [...promptIds, ...r.tokens],
        };
        send({ type: 'done', id: msg.id, result });
        return;
      }
      firstPieceAt ??= process.hrtime.bigint();
      if (step.value.text) send({ type: 'piece', id: msg.id, text: step.value.text });
      // let an abort message in between tokens
      await yieldToEventLoop();
    }
  } finally {
    running.delete(msg.id);
  }
}
