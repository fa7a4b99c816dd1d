// A generation worker of the built-in backend: holds the models in memory and runs one generation at a
// time off the HTTP server's event loop, streaming text pieces back. Aborts are honoured between tokens.
import { parentPort, workerData } from 'node:worker_threads';
import { encodeChat } from '../../llm/chat.js';
import { formatConstraint } from '../../llm/constrained/index.js';
import { EmbedInputError, embedIds, embedInputIds } from '../../llm/embed.js';
import { generateStream, InferenceModel } from '../../llm/generate.js';
import { loadAdapter, loadModel, ModelFileError, type LoadedModel } from '../../llm/io.js';
import type { Tokenizer } from '../../llm/tokenizer.js';
import type { FromWorker, JobResult, ModelSpec, RunMessage, ToWorker } from './protocol.js';

interface Loaded {
  model: InferenceModel;
  tokenizer: Tokenizer;
  spec: ModelSpec;
}

const port = parentPort!;
const send = (m: FromWorker) => port.postMessage(m);
const specs = (workerData as { models: ModelSpec[] }).models;

const t0 = process.hrtime.bigint();
const models = new Map<string, Loaded>();
// Several names may share one base folder or one base + adapter (a copy, a model with its own SYSTEM):
// each is read and merged once. The revision (the files' digest) is part of the key, so a model created
// again after its adapter was retrained in place is read again.
const bases = new Map<string, LoadedModel>();
const merged = new Map<string, InferenceModel>();
const mergedKey = (spec: ModelSpec) => `${spec.modelDir}\0${spec.adapterDir ?? ''}\0${spec.revision ?? ''}`;

function loadSpec(spec: ModelSpec): Loaded {
  let base = bases.get(spec.modelDir);
  if (!base) bases.set(spec.modelDir, (base = loadModel(spec.modelDir)));
  const key = mergedKey(spec);
  let model = merged.get(key);
  if (!model) {
    const adapter = spec.adapterDir ? loadAdapter(spec.adapterDir, base.model.config).adapter : null;
    merged.set(key, (model = new InferenceModel(base.model, adapter)));
  }
  return { model, tokenizer: base.tokenizer, spec };
}

let loadError: unknown;
try {
  for (const spec of specs) models.set(spec.name, loadSpec(spec));
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
  if (msg.type === 'load') {
    try {
      models.set(msg.spec.name, loadSpec(msg.spec));
      send({ type: 'loaded', id: msg.id });
    } catch (err) {
      const e = err as Error;
      if (e instanceof ModelFileError) send({ type: 'load-failed', id: msg.id, message: e.message, hint: e.hint, user: true });
      else send({ type: 'load-failed', id: msg.id, message: e?.stack ?? String(e), user: false });
    }
    return;
  }
  if (msg.type === 'unload') {
    models.delete(msg.name);
    // Free what no remaining name uses (a running job keeps its own reference until it ends).
    const used = new Set([...models.values()].map((m) => mergedKey(m.spec)));
    for (const key of merged.keys()) if (!used.has(key)) merged.delete(key);
    const usedBases = new Set([...models.values()].map((m) => m.spec.modelDir));
    for (const dir of bases.keys()) if (!usedBases.has(dir)) bases.delete(dir);
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
    if (msg.input.kind === 'embed') return await runEmbed(msg.id, msg.input, loaded, controller.signal);
    let promptIds: number[];
    if (msg.input.kind === 'chat') {
      promptIds = encodeChat(tokenizer, withSystem(msg.input.messages, loaded.spec.system), { addGenerationPrompt: true }).ids;
    } else if (msg.input.raw) {
      promptIds = tokenizer.encode(msg.input.prompt, { addSpecial: true });
    } else {
      const messages = [
        ...((msg.input.system ?? loaded.spec.system)
          ? [{ role: 'system' as const, content: msg.input.system ?? loaded.spec.system! }]
          : []),
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
    const o = withDefaults(msg.options, loaded.spec.parameters);
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
      // structured output: only tokens that keep the reply a valid prefix of the requested JSON
      constraint: msg.input.format ? formatConstraint(msg.input.format, tokenizer, model.config.vocabSize) : undefined,
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

/** A model's own SYSTEM (from /api/create) applies when the conversation has no system turn, as in Ollama. */
function withSystem<M extends { role: string; content: string }>(
  messages: M[],
  system: string | undefined,
): (M | { role: 'system'; content: string })[] {
  if (!system || messages.some((m) => m.role === 'system')) return messages;
  return [{ role: 'system', content: system }, ...messages];
}

/** The request's options over the model's PARAMETER defaults (a request's undefined leaves the default). */
function withDefaults(options: RunMessage['options'], defaults: RunMessage['options'] | undefined): RunMessage['options'] {
  if (!defaults) return options;
  const out: RunMessage['options'] = { ...defaults };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Embeds each input on its own (so a batch gives exactly the vectors of single requests). */
async function runEmbed(
  id: number,
  input: Extract<RunMessage['input'], { kind: 'embed' }>,
  loaded: Loaded,
  signal: AbortSignal,
): Promise<void> {
  const started = process.hrtime.bigint();
  const { model, tokenizer } = loaded;
  const embeddings: Float32Array[] = [];
  let tokens = 0;
  for (let i = 0; i < input.inputs.length; i++) {
    let prepared;
    try {
      prepared = embedInputIds(tokenizer, model.config.maxPositions, input.inputs[i], {
        truncate: input.truncate,
        vocabSize: model.config.vocabSize,
      });
    } catch (err) {
      if (!(err instanceof EmbedInputError)) throw err;
      const where = input.inputs.length > 1 ? `input[${i}]: ` : '';
      return send({ type: 'error', id, message: `${where}${err.message}`, status: 400 });
    }
    embeddings.push(embedIds(model, prepared.ids, prepared.skip, input.normalize));
    tokens += prepared.ids.length;
    // let an abort in between inputs
    await yieldToEventLoop();
    if (signal.aborted) return send({ type: 'error', id, message: 'request cancelled', status: 499 });
  }
  const ns = Number(process.hrtime.bigint() - started);
  send({
    type: 'done',
    id,
    result: {
      text: '',
      doneReason: 'stop',
      promptTokens: tokens,
      evalTokens: 0,
      promptEvalNs: ns,
      evalNs: 0,
      loadNs: 0,
      context: [],
      embeddings,
    },
  });
}
