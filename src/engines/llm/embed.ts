// Sentence embeddings from the causal model: the final hidden state of every input token (after the last
// RMSNorm, the vector the LM head reads) averaged over the input's own tokens, then L2-normalised.
// Why mean pooling: a decoder-only model's last token sees the whole input but is tuned to predict the
// next byte/word, so alone it says more about "what comes next" than about the passage; the mean over all
// positions is the usual pooling for models not trained as embedders and is stable for short inputs.
// BOS (when the tokenizer has one) is run first, as in training, but not pooled: its state is the same for
// every input and would only pull all vectors together. Normalised vectors make cosine similarity a dot
// product, as Ollama's /api/embed returns them.
import type { InferenceModel } from './generate.js';
import type { Tokenizer } from './tokenizer.js';

export interface EmbedInputIds {
  /** Ids fed to the model: [BOS] + the input's tokens (cut to the context when truncated). */
  ids: number[];
  /** How many leading ids (BOS) are run but not pooled. */
  skip: number;
  /** The input had more tokens than the context holds and was cut at the end. */
  truncated: boolean;
}

/** Too long for the model's context, and truncation was not allowed. */
export class EmbedInputError extends Error {}

/**
 * The ids to embed for a text (encoded as plain text: "<s>" typed by a user is not a special token) or for
 * token ids given directly. With `truncate` the end is cut to fit the context (Ollama's default); without
 * it an input that does not fit is an EmbedInputError.
 */
export function embedInputIds(
  tok: Tokenizer,
  contextLength: number,
  input: string | number[],
  opts: { truncate: boolean; vocabSize: number },
): EmbedInputIds {
  const body = typeof input === 'string' ? tok.encodeOrdinary(input) : input;
  if (typeof input !== 'string') {
    const bad = body.find((id) => !Number.isInteger(id) || id < 0 || id >= opts.vocabSize);
    if (bad !== undefined) throw new EmbedInputError(`token id ${bad} is outside the model's vocabulary (0 to ${opts.vocabSize - 1})`);
  }
  if (!body.length) throw new EmbedInputError('the input has no tokens to embed');
  const prefix = tok.bosId === null ? [] : [tok.bosId];
  const room = contextLength - prefix.length;
  if (body.length > room && !opts.truncate)
    throw new EmbedInputError(
      `input exceeds maximum context length (${body.length + prefix.length} tokens; this model's context is ${contextLength}): shorten it or allow truncate`,
    );
  const kept = body.length > room ? body.slice(0, room) : body;
  return { ids: [...prefix, ...kept], skip: prefix.length, truncated: kept.length < body.length };
}

/** Mean of the final hidden states over ids[skip…], L2-normalised unless `normalize` is false. */
export function embedIds(im: InferenceModel, ids: number[], skip: number, normalize = true): Float32Array {
  const C = im.config.hiddenSize;
  const cache = im.newCache(ids.length);
  const sum = new Float64Array(C);
  for (let t = 0; t < ids.length; t++) {
    const h = im.hidden(ids[t], cache);
    if (t < skip) continue;
    for (let i = 0; i < C; i++) sum[i] += h[i];
  }
  const n = ids.length - skip;
  const out = new Float32Array(C);
  for (let i = 0; i < C; i++) out[i] = sum[i] / n;
  return normalize ? l2Normalize(out) : out;
}

/** v / |v| (a zero vector stays zero), in place; also used to renormalise a vector cut to fewer dimensions. */
export function l2Normalize(v: Float32Array): Float32Array {
  let ss = 0;
  for (const x of v) ss += x * x;
  const scale = 1 / Math.max(Math.sqrt(ss), 1e-12);
  for (let i = 0; i < v.length; i++) v[i] *= scale;
  return v;
}
