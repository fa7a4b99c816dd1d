// Embeddings on `ftlab backend`: Ollama's /api/embed and legacy /api/embeddings, and OpenAI's /v1/embeddings.
// The vectors come from the served model itself (src/engines/llm/embed.ts: the final hidden states, after
// the last RMSNorm, mean-pooled over the input's tokens), computed in the generation workers like any job.
//   /api/embed       L2-normalised, as Ollama returns them; `truncate` (default true) cuts an input that
//                    does not fit the context, false makes it a 400; `dimensions` keeps the first N values
//                    and normalises again (Ollama's rule).
//   /api/embeddings  the pooled vector before normalisation, as Ollama's legacy route returns it.
//   /v1/embeddings   normalised; text, a list of texts, or token ids; `encoding_format` float or base64
//                    (the `openai` SDK asks for base64 by default); too long an input is a 400, as at OpenAI.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { CompatError } from '../openai-compat.js';
import { keepAliveProblem, unloads, type BackendContext } from './context.js';
import type { ModelInfo } from './models.js';

/** Most inputs one request may carry (OpenAI's limit). */
export const MAX_EMBED_INPUTS = 2048;

/** A float32 as the shortest decimal that reads back to the same float32 (9 significant digits suffice). */
export function float32Json(v: Float32Array): number[] {
  return Array.from(v, (x) => Number(x.toPrecision(9)));
}

/** Little-endian float32 bytes in base64: OpenAI's `encoding_format: "base64"`. */
export function float32Base64(v: Float32Array): string {
  const bytes = new Uint8Array(v.length * 4);
  const view = new DataView(bytes.buffer);
  v.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return Buffer.from(bytes).toString('base64');
}

/** The first `n` values, normalised again (as Ollama does for `dimensions`). */
export function cutDimensions(v: Float32Array, n: number | undefined): Float32Array {
  if (n === undefined || n >= v.length) return v;
  const out = v.slice(0, n);
  let ss = 0;
  for (const x of out) ss += x * x;
  const scale = 1 / Math.max(Math.sqrt(ss), 1e-12);
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}

/** `dimensions`: absent, or a whole number from 1 to the model's hidden size. */
function dimensionsOf(value: unknown, model: ModelInfo): number | undefined {
  const { hiddenSize } = model;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > hiddenSize)
    throw new CompatError(
      `dimensions must be a whole number from 1 to ${hiddenSize} (the size of ${model.spec.name}'s vectors)`,
      'dimensions',
    );
  return value;
}

function checkKeepAlive(value: unknown): void {
  const problem = keepAliveProblem(value);
  if (problem) throw new CompatError(problem, 'keep_alive');
}

function checkOptions(value: unknown): void {
  if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value)))
    throw new CompatError('options must be an object', 'options');
}

export function registerEmbedRoutes(app: FastifyInstance, ctx: BackendContext): void {
  const run = async (
    reply: FastifyReply,
    model: ModelInfo,
    inputs: (string | number[])[],
    truncate: boolean,
    normalize: boolean,
  ): Promise<{ vectors: Float32Array[]; tokens: number; ns: number }> => {
    const started = process.hrtime.bigint();
    ctx.lastUsed.set(model.spec.name, Date.now());
    const signal = ctx.jobSignal(reply);
    const result = await ctx.pool.submit(model.spec.name, { kind: 'embed', inputs, truncate, normalize }, {}, { signal });
    if (signal.aborted) throw new CompatError('the server is shutting down, please try again', null, 503);
    return { vectors: result.embeddings ?? [], tokens: result.promptTokens, ns: Number(process.hrtime.bigint() - started) };
  };

  app.post('/api/embed', async (req, reply) => {
    const body = ctx.parseBody(req);
    const model = ctx.resolveModel(body.model);
    let inputs: string[];
    // Ollama: an empty string is no input (the model is loaded and nothing embedded); a list must hold strings.
    if (body.input === undefined || body.input === null) inputs = [];
    else if (typeof body.input === 'string') inputs = body.input ? [body.input] : [];
    else if (Array.isArray(body.input) && body.input.every((s) => typeof s === 'string')) inputs = body.input as string[];
    else throw new CompatError('invalid input type: input must be a string or a list of strings', 'input');
    if (inputs.length > MAX_EMBED_INPUTS)
      throw new CompatError(`input has ${inputs.length} texts; at most ${MAX_EMBED_INPUTS} per request`, 'input');
    const empty = inputs.findIndex((s) => !s);
    if (empty >= 0) throw new CompatError(`input[${empty}] is empty: there is nothing to embed`, 'input');
    if (body.truncate !== undefined && body.truncate !== null && typeof body.truncate !== 'boolean')
      throw new CompatError('truncate must be true or false', 'truncate');
    const dimensions = dimensionsOf(body.dimensions, model);
    checkKeepAlive(body.keep_alive);
    checkOptions(body.options);
    const requested = body.model as string;
    if (!inputs.length) {
      if (unloads(body.keep_alive)) ctx.lastUsed.delete(model.spec.name);
      else ctx.lastUsed.set(model.spec.name, Date.now());
      return { model: requested, embeddings: [] };
    }
    const r = await run(reply, model, inputs, body.truncate !== false, true);
    if (unloads(body.keep_alive)) ctx.lastUsed.delete(model.spec.name);
    return {
      model: requested,
      embeddings: r.vectors.map((v) => float32Json(cutDimensions(v, dimensions))),
      total_duration: r.ns,
      // The model was loaded when the server started (or when it was created), not by this request.
      load_duration: 0,
      prompt_eval_count: r.tokens,
    };
  });

  app.post('/api/embeddings', async (req, reply) => {
    const body = ctx.parseBody(req);
    const model = ctx.resolveModel(body.model);
    if (body.prompt !== undefined && body.prompt !== null && typeof body.prompt !== 'string')
      throw new CompatError('prompt must be a string', 'prompt');
    checkKeepAlive(body.keep_alive);
    checkOptions(body.options);
    const prompt = (body.prompt as string | undefined) ?? '';
    if (!prompt) {
      // Ollama: an empty prompt loads the model.
      ctx.lastUsed.set(model.spec.name, Date.now());
      return { embedding: [] };
    }
    const r = await run(reply, model, [prompt], true, false);
    if (unloads(body.keep_alive)) ctx.lastUsed.delete(model.spec.name);
    return { embedding: float32Json(r.vectors[0]) };
  });

  app.post('/v1/embeddings', async (req, reply) => {
    const body = ctx.parseBody(req);
    const model = ctx.resolveModel(body.model);
    const inputs = openAIInputs(body.input);
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') throw new CompatError('encoding_format must be "float" or "base64"', 'encoding_format');
    const dimensions = dimensionsOf(body.dimensions, model);
    const r = await run(reply, model, inputs, false, true);
    const requested = body.model as string;
    return {
      object: 'list',
      data: r.vectors.map((v, index) => {
        const cut = cutDimensions(v, dimensions);
        return { object: 'embedding', index, embedding: format === 'base64' ? float32Base64(cut) : float32Json(cut) };
      }),
      model: requested,
      usage: { prompt_tokens: r.tokens, total_tokens: r.tokens },
    };
  });
}

/** OpenAI's `input`: a text, a list of texts, a list of token ids, or a list of such lists; none may be empty. */
export function openAIInputs(input: unknown): (string | number[])[] {
  const isIds = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
  let list: unknown[];
  if (typeof input === 'string') list = [input];
  else if (isIds(input) && input.length) list = [input];
  else if (Array.isArray(input)) list = input;
  else throw new CompatError('input is required: a string, a list of strings, or token ids', 'input');
  if (!list.length) throw new CompatError('input must not be an empty list', 'input');
  if (list.length > MAX_EMBED_INPUTS)
    throw new CompatError(`input has ${list.length} items; at most ${MAX_EMBED_INPUTS} per request`, 'input');
  list.forEach((item, i) => {
    const where = typeof input === 'string' || !Array.isArray(input) || isIds(input) ? 'input' : `input[${i}]`;
    if (typeof item === 'string') {
      if (!item) throw new CompatError(`${where} is empty: there is nothing to embed`, where);
    } else if (isIds(item)) {
      if (!item.length) throw new CompatError(`${where} is an empty list of token ids`, where);
    } else throw new CompatError(`${where} must be a string or a list of token ids (integers)`, where);
  });
  return list as (string | number[])[];
}
