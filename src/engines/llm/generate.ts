// Text generation with a KV cache, as a streaming API: `generateStream` is an async iterator of text
// pieces and `generate` takes an onToken callback. Nothing here touches the terminal or process-wide
// state, so the serving backend can run it inside a worker thread.
import { encodeChat, type ChatMessage } from './chat.js';
import type { LlamaConfig } from './config.js';
import { matmulForward } from './kernels/index.js';
import { mergedWeights, type LoraAdapter } from './lora.js';
import type { LlamaModel } from './model.js';
import { rmsnormForward, ropeApply, ropeTables } from './ops.js';
import { projectionPath, PROJECTIONS, type Projection } from './params.js';
import { Rng } from './rng.js';
import type { Tokenizer } from './tokenizer.js';

export interface SampleOptions {
  maxTokens?: number;
  /** 0 = greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  signal?: AbortSignal;
  /** Structured output: only tokens the constraint allows are sampled (constrained/index.ts). */
  constraint?: TokenConstraint;
}

/**
 * Limits which tokens may come next (grammar-constrained decoding). Sampling keeps its temperature, top-k
 * and top-p, applied to the allowed tokens only; stop ids are allowed only when the output is complete.
 */
export interface TokenConstraint {
  /** Ids allowed next, ascending (never empty unless finished()). */
  allowed(): Int32Array;
  /** The output is complete and no token can extend it: generation ends here ('stop'). */
  finished(): boolean;
  /** Takes a sampled id that is not a stop id. */
  accept(id: number): void;
}

export interface GenerationResult {
  text: string;
  tokens: number[];
  promptTokens: number;
  /** 'stop': EOS or a stop sequence; 'length': maxTokens reached; 'abort': signal fired. */
  doneReason: 'stop' | 'length' | 'abort';
  seconds: number;
}

export interface StreamPiece {
  text: string;
  tokenId: number;
}

/** A model ready for inference: fp32 weights with any adapter merged in (identical outputs, faster). */
export class InferenceModel {
  readonly config: LlamaConfig;
  private readonly model: LlamaModel;
  private readonly w: Map<string, Float32Array> = new Map();

  constructor(model: LlamaModel, adapter?: LoraAdapter | null) {
    this.model = model;
    this.config = model.config;
    for (let l = 0; l < this.config.numLayers; l++)
      for (const p of PROJECTIONS) {
        const quantized = model.quantized?.has(`${projectionPath(l, p)}.weight`);
        // NF4 weights are dequantised once here; fp32 ones are used in place
        this.w.set(`${projectionPath(l, p)}.weight`, quantized ? Float32Array.from(model.weight(l, p)) : model.weight(l, p));
      }
    if (adapter) for (const [name, w] of mergedWeights(adapter, (n) => this.w.get(n)!)) this.w.set(name, w);
  }

  private W(l: number, p: Projection): Float32Array {
    return this.w.get(`${projectionPath(l, p)}.weight`)!;
  }

  newCache(maxLen: number): KvCache {
    const c = this.config;
    const KD = c.numKvHeads * c.headDim;
    return {
      len: 0,
      max: maxLen,
      k: Array.from({ length: c.numLayers }, () => new Float32Array(maxLen * KD)),
      v: Array.from({ length: c.numLayers }, () => new Float32Array(maxLen * KD)),
    };
  }

  /** Runs one token at position cache.len, appends its keys/values, returns the next-token logits [V]. */
  step(token: number, cache: KvCache): Float32Array {
    const c = this.config;
    const logits = new Float32Array(c.vocabSize);
    const P = this.model.params;
    matmulForward(
      logits,
      this.hidden(token, cache),
      P.view(c.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'),
      1,
      c.hiddenSize,
      c.vocabSize,
    );
    return logits;
  }

  /**
   * Runs one token like `step` but returns its final hidden state [C] (after the last RMSNorm: what the LM
   * head reads), without the vocabulary projection. Embeddings pool these.
   */
  hidden(token: number, cache: KvCache): Float32Array {
    const c = this.config;
    const C = c.hiddenSize,
      H = c.numHeads,
      KVH = c.numKvHeads,
      hd = c.headDim,
      I = c.intermediateSize;
    const QD = H * hd,
      KD = KVH * hd;
    const pos = cache.len;
    if (pos >= cache.max) throw new Error(`context is full (${cache.max} tokens)`);
    // an id outside the embedding would read another row's memory (subarray of negative bounds) and
    // generate garbage silently; callers pass tokenizer ids that the loader checked against vocab_size
    if (!Number.isInteger(token) || token < 0 || token >= c.vocabSize)
      throw new Error(`token id ${token} is outside the model's vocabulary (0 to ${c.vocabSize - 1})`);
    const P = this.model.params;
    const x = Float32Array.from(P.view('model.embed_tokens.weight').subarray(token * C, token * C + C));
    const ln = new Float32Array(C),
      rstd = new Float32Array(1);
    const q = new Float32Array(QD),
      att = new Float32Array(QD),
      o = new Float32Array(C);
    const g = new Float32Array(I),
      u = new Float32Array(I),
      d = new Float32Array(C);
    const { cos, sin } = ropeTables(1, hd, c.ropeTheta, pos);
    const scores = new Float32Array(pos + 1);
    const scale = 1 / Math.sqrt(hd);
    for (let l = 0; l < c.numLayers; l++) {
      rmsnormForward(ln, rstd, x, P.view(`model.layers.${l}.input_layernorm.weight`), 1, C, c.rmsNormEps);
      const kc = cache.k[l],
        vc = cache.v[l];
      const kRow = kc.subarray(pos * KD, pos * KD + KD),
        vRow = vc.subarray(pos * KD, pos * KD + KD);
      matmulForward(q, ln, this.W(l, 'q_proj'), 1, C, QD);
      matmulForward(kRow, ln, this.W(l, 'k_proj'), 1, C, KD);
      matmulForward(vRow, ln, this.W(l, 'v_proj'), 1, C, KD);
      ropeApply(q, cos, sin, 1, 1, H, hd);
      ropeApply(kRow, cos, sin, 1, 1, KVH, hd);
      const group = H / KVH;
      for (let h = 0; h < H; h++) {
        const kvh = Math.floor(h / group);
        let max = -Infinity;
        for (let t = 0; t <= pos; t++) {
          let s = 0;
          for (let i = 0; i < hd; i++) s += q[h * hd + i] * kc[t * KD + kvh * hd + i];
          scores[t] = s * scale;
          if (scores[t] > max) max = scores[t];
        }
        let z = 0;
        for (let t = 0; t <= pos; t++) z += scores[t] = Math.exp(scores[t] - max);
        for (let i = 0; i < hd; i++) att[h * hd + i] = 0;
        for (let t = 0; t <= pos; t++) {
          const p = scores[t] / z;
          for (let i = 0; i < hd; i++) att[h * hd + i] += p * vc[t * KD + kvh * hd + i];
        }
      }
      matmulForward(o, att, this.W(l, 'o_proj'), 1, QD, C);
      for (let i = 0; i < C; i++) x[i] += o[i];
      rmsnormForward(ln, rstd, x, P.view(`model.layers.${l}.post_attention_layernorm.weight`), 1, C, c.rmsNormEps);
      matmulForward(g, ln, this.W(l, 'gate_proj'), 1, C, I);
      matmulForward(u, ln, this.W(l, 'up_proj'), 1, C, I);
      for (let i = 0; i < I; i++) g[i] = (g[i] / (1 + Math.exp(-g[i]))) * u[i];
      matmulForward(d, g, this.W(l, 'down_proj'), 1, I, C);
      for (let i = 0; i < C; i++) x[i] += d[i];
    }
    cache.len++;
    rmsnormForward(ln, rstd, x, P.view('model.norm.weight'), 1, C, c.rmsNormEps);
    return ln;
  }
}

export interface KvCache {
  len: number;
  max: number;
  k: Float32Array[];
  v: Float32Array[];
}

/**
 * Picks the next token: greedy at temperature 0, else temperature → top-k → top-p (nucleus) sampling.
 * With `allowed` (ascending ids) only those are candidates: the others' logits count as -Infinity.
 */
export function sampleToken(
  logits: Float32Array,
  o: { temperature: number; topK: number; topP: number },
  rng: Rng,
  allowed?: ArrayLike<number>,
): number {
  const V = logits.length;
  if (allowed && !allowed.length) throw new Error('no token is allowed here');
  if (o.temperature <= 0) {
    if (allowed) {
      let best = allowed[0];
      for (let i = 1; i < allowed.length; i++) if (logits[allowed[i]] > logits[best]) best = allowed[i];
      return best;
    }
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
    return best;
  }
  let idx = (allowed ? Array.from(allowed) : Array.from({ length: V }, (_, i) => i)).sort((a, b) => logits[b] - logits[a] || a - b);
  if (o.topK > 0 && o.topK < idx.length) idx = idx.slice(0, o.topK);
  const max = logits[idx[0]];
  let probs = idx.map((i) => Math.exp((logits[i] - max) / o.temperature));
  let z = probs.reduce((a, b) => a + b, 0);
  probs = probs.map((p) => p / z);
  if (o.topP > 0 && o.topP < 1) {
    let cum = 0;
    let keep = 0;
    while (keep < probs.length) {
      cum += probs[keep++];
      if (cum >= o.topP) break;
    }
    idx = idx.slice(0, keep);
    probs = probs.slice(0, keep);
    z = probs.reduce((a, b) => a + b, 0);
    probs = probs.map((p) => p / z);
  }
  let r = rng.next();
  for (let i = 0; i < probs.length; i++) {
    r -= probs[i];
    if (r < 0) return idx[i];
  }
  return idx[idx.length - 1];
}

/** Length of the longest complete UTF-8 prefix of bytes (so a streamed piece never splits a character). */
function completeUtf8(bytes: number[]): number {
  let i = bytes.length;
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back];
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > back) i = bytes.length - back;
    break;
  }
  return i;
}

/**
 * Streams the continuation of `promptIds`. Text is yielded as soon as it cannot be the start of a stop
 * sequence; the returned value (iterator's done result) carries the full result.
 */
export async function* generateStream(
  im: InferenceModel,
  tok: Tokenizer,
  promptIds: number[],
  opts: SampleOptions = {},
): AsyncGenerator<StreamPiece, GenerationResult> {
  const t0 = performance.now();
  const maxTokens = opts.maxTokens ?? 128;
  const sampling = { temperature: opts.temperature ?? 0.8, topK: opts.topK ?? 0, topP: opts.topP ?? 1 };
  const rng = new Rng(opts.seed ?? 0);
  const stops = (opts.stop ?? []).filter((s) => s.length);
  const maxLen = Math.min(im.config.maxPositions, promptIds.length + maxTokens);
  if (promptIds.length >= im.config.maxPositions)
    throw new Error(`the prompt has ${promptIds.length} tokens; the model's context is ${im.config.maxPositions}`);
  const cache = im.newCache(maxLen);
  const stopIds = new Set(tok.stopIds);
  let logits!: Float32Array;
  for (const id of promptIds) logits = im.step(id, cache);
  const out: number[] = [];
  const bytes: number[] = [];
  let emitted = 0; // characters of `text` already yielded
  let doneReason: GenerationResult['doneReason'] = 'length';
  let finalText: string | null = null;
  while (out.length < maxTokens && cache.len < maxLen) {
    if (opts.signal?.aborted) {
      doneReason = 'abort';
      break;
    }
    // Structured output that is complete and cannot go on ends here, without asking the model for EOS.
    if (opts.constraint?.finished()) {
      doneReason = 'stop';
      break;
    }
    const id = sampleToken(logits, sampling, rng, opts.constraint?.allowed());
    // EOS and the folder's other end-of-turn ids (generation_config.json) end the reply; other special
    // tokens are generated but print nothing (tokenBytes skips them)
    if (stopIds.has(id)) {
      doneReason = 'stop';
      break;
    }
    opts.constraint?.accept(id);
    out.push(id);
    bytes.push(...tok.tokenBytes(id));
    const text = new TextDecoder().decode(new Uint8Array(bytes.slice(0, completeUtf8(bytes))));
    const hit = stops.map((s) => text.indexOf(s)).filter((i) => i >= 0);
    if (hit.length) {
      finalText = text.slice(0, Math.min(...hit));
      if (finalText.length > emitted) yield { text: finalText.slice(emitted), tokenId: id };
      emitted = finalText.length;
      doneReason = 'stop';
      break;
    }
    // hold back a tail that could still grow into a stop sequence
    let safe = text.length;
    for (const s of stops)
      for (let k = Math.min(s.length - 1, text.length); k > 0; k--)
        if (text.endsWith(s.slice(0, k))) {
          safe = Math.min(safe, text.length - k);
          break;
        }
    if (safe > emitted) {
      yield { text: text.slice(emitted, safe), tokenId: id };
      emitted = safe;
    }
    if (out.length < maxTokens && cache.len < maxLen) logits = im.step(id, cache);
    await Promise.resolve();
  }
  const text = finalText ?? new TextDecoder().decode(new Uint8Array(bytes));
  if (finalText === null && text.length > emitted) yield { text: text.slice(emitted), tokenId: out[out.length - 1] ?? -1 };
  return { text, tokens: out, promptTokens: promptIds.length, doneReason, seconds: (performance.now() - t0) / 1000 };
}

/** Callback form of generateStream. */
export async function generate(
  im: InferenceModel,
  tok: Tokenizer,
  promptIds: number[],
  opts: SampleOptions & { onToken?(piece: StreamPiece): void } = {},
): Promise<GenerationResult> {
  const it = generateStream(im, tok, promptIds, opts);
  for (;;) {
    const r = await it.next();
    if (r.done) return r.value;
    opts.onToken?.(r.value);
  }
}

/** Prompt ids for a chat: the template with the assistant's turn opened. */
export function chatPromptIds(tok: Tokenizer, messages: ChatMessage[]): number[] {
  return encodeChat(tok, messages, { addGenerationPrompt: true }).ids;
}
