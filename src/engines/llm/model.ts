// The tiny Llama: the same function as transformers' LlamaForCausalLM (RMSNorm → attention with
// rotary embeddings → residual → RMSNorm → SwiGLU MLP → residual, final RMSNorm, LM head), written as
// a forward pass that caches what the backward pass needs, then an explicit backward pass.
// Projections can carry LoRA adapters and can be held as NF4 (QLoRA) and dequantised on the fly.
import type { LlamaConfig } from './config.js';
import { arena, matmulBackwardInput, matmulBackwardWeight, matmulForward, type Arena } from './kernels/index.js';
import {
  attentionBackward,
  attentionForward,
  crossEntropyBackward,
  crossEntropyForward,
  dequantizeNF4,
  embeddingBackward,
  embeddingForward,
  IGNORE,
  residualForward,
  rmsnormBackward,
  rmsnormForward,
  ropeApply,
  ropeTables,
  scale as scaleInPlace,
  swigluBackward,
  swigluForward,
} from './kernels/ops.js';
import type { LoraAdapter, LoraModule } from './lora.js';
import { nf4Bytes, type NF4Tensor } from './nf4.js';
import { llamaParamEntries, ParamSet, PROJECTIONS, projectionPath, projectionShape, type Projection } from './params.js';
import type { Rng } from './rng.js';

export interface ForwardOptions {
  /** Training mode: LoRA dropout active (needs rng). */
  train?: boolean;
  rng?: Rng;
  /** Keep per-position losses (for evaluation reports). */
  losses?: Float32Array;
}

export interface LossResult {
  /** Mean loss over counted targets (NaN when none). */
  loss: number;
  sum: number;
  count: number;
}

interface LinearCache {
  xa: Float32Array; // s·(x̃·Aᵀ)  [N,r]
  xin: Float32Array; // x̃ = dropout(x) [N,in] (the input itself when dropout is off)
  xd: Float32Array | null; // storage for x̃ when dropout is on
  mask: Uint8Array | null; // kept positions
  useMask: boolean;
}

/** Gradient buffers of the backward pass, kept between calls (sized with the activations). */
interface Grads {
  dlnf: Float32Array;
  dres: Float32Array;
  dh: Float32Array;
  dg: Float32Array;
  du: Float32Array;
  dln: Float32Array;
  dattY: Float32Array;
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
  dxa: Float32Array; // LoRA: ∂L/∂(s·x̃·Aᵀ) [N, r]
  dx: Float32Array; // LoRA with dropout: ∂L/∂x̃ [N, in]
}

interface LayerActs {
  ln1: Float32Array;
  rstd1: Float32Array;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  att: Float32Array;
  attY: Float32Array;
  resMid: Float32Array;
  ln2: Float32Array;
  rstd2: Float32Array;
  g: Float32Array;
  u: Float32Array;
  h: Float32Array;
  lora: Map<Projection, LinearCache>;
}

export class LlamaModel {
  /** Gradient buffer for full fine-tuning (same layout as params); null = base frozen. */
  grads: Float32Array | null = null;
  adapter: LoraAdapter | null = null;
  /** Gradient buffer for the adapter (same layout as adapter.params); null = adapter frozen. */
  adapterGrads: Float32Array | null = null;

  private scratchW: Float32Array;
  private state: { B: number; T: number; tokens: Int32Array; M: number; count: number; train: boolean } | null = null;
  // Activations, scratch and gradient buffers live in the kernels' memory (kernels/index.ts arena), so
  // the WebAssembly kernels work on them in place; given back with the model or by dispose().
  private mem: Arena;
  private res: Float32Array[] = []; // residual stream entering each layer, plus the final one
  private acts: LayerActs[] = [];
  private lnf: Float32Array = new Float32Array(0);
  private rstdf: Float32Array = new Float32Array(0);
  // With targets, the LM head runs on the M rows that have one: headRows lists them, headIn holds
  // their final hidden states, headTargets their targets, logits is [M, V] (all N rows without targets).
  private headRows: Int32Array = new Int32Array(0);
  private headIn: Float32Array = new Float32Array(0);
  private headTargets: Int32Array = new Int32Array(0);
  private headLosses: Float32Array = new Float32Array(0);
  private logits: Float32Array = new Float32Array(0);
  private g: Grads | null = null;
  private rope: { T: number; cos: Float32Array; sin: Float32Array } = { T: 0, cos: new Float32Array(0), sin: new Float32Array(0) };
  private capacity = { N: 0, BT2: 0 };

  /**
   * params holds every tensor of llamaParamEntries(config), except projection weights listed in
   * `quantized`, which are held as NF4 instead (QLoRA).
   */
  constructor(
    readonly config: LlamaConfig,
    readonly params: ParamSet,
    readonly quantized: Map<string, NF4Tensor> | null = null,
  ) {
    let maxW = 0;
    for (const p of PROJECTIONS) {
      const [o, i] = projectionShape(config, p);
      maxW = Math.max(maxW, o * i);
    }
    this.mem = arena(this);
    this.scratchW = quantized ? this.mem.f32(maxW) : new Float32Array(0);
  }

  /** Gives the activation and scratch memory back now instead of when the model is collected; unusable afterwards. */
  dispose(): void {
    this.mem.release();
    this.res = [];
    this.acts = [];
    this.g = null;
    this.capacity = { N: 0, BT2: 0 };
    this.state = null;
  }

  /** Fresh model with HF's default initialisation (normal(0, 0.02) matrices, norms at 1). */
  static init(config: LlamaConfig, rng: Rng): LlamaModel {
    const params = new ParamSet(llamaParamEntries(config));
    for (const s of params.specs) {
      const v = params.view(s.name);
      if (s.shape.length === 1) v.fill(1);
      else for (let i = 0; i < v.length; i++) v[i] = 0.02 * rng.normal();
    }
    return new LlamaModel(config, params);
  }

  /** Weight of a projection: its fp32 view, or the NF4 tensor dequantised into a scratch buffer. */
  weight(l: number, p: Projection): Float32Array {
    const name = `${projectionPath(l, p)}.weight`;
    const q = this.quantized?.get(name);
    if (q) return dequantizeNF4(q, this.scratchW.subarray(0, q.length));
    return this.params.view(name);
  }

  lmHead(): Float32Array {
    return this.params.view(this.config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
  }

  /** Bytes held by the base weights (fp32 tensors + NF4 tensors). */
  baseBytes(): number {
    let b = this.params.size * 4;
    for (const q of this.quantized?.values() ?? []) b += nf4Bytes(q);
    return b;
  }

  /** Number of base parameters, counting quantised ones once each. */
  baseParamCount(): number {
    let n = this.params.size;
    for (const q of this.quantized?.values() ?? []) n += q.length;
    return n;
  }

  private ensureCapacity(B: number, T: number): void {
    const c = this.config;
    const N = B * T;
    const BT2 = B * c.numHeads * T * T;
    if (N <= this.capacity.N && BT2 <= this.capacity.BT2) return;
    const n = Math.max(N, this.capacity.N);
    const bt2 = Math.max(BT2, this.capacity.BT2);
    this.capacity = { N: n, BT2: bt2 };
    const C = c.hiddenSize;
    const QD = c.numHeads * c.headDim;
    const KD = c.numKvHeads * c.headDim;
    const I = c.intermediateSize;
    // the old buffers are private to the model: give them back before taking bigger ones
    const m = this.mem;
    const drop = (...bufs: Array<ArrayBufferView | null>) => bufs.forEach((b) => b && b.byteLength && m.free(b));
    drop(...this.res, this.lnf, this.rstdf, this.headRows, this.headIn, this.headTargets, this.headLosses, this.logits);
    for (const a of this.acts) {
      drop(a.ln1, a.rstd1, a.q, a.k, a.v, a.att, a.attY, a.resMid, a.ln2, a.rstd2, a.g, a.u, a.h);
      for (const lc of a.lora.values()) drop(lc.xa, lc.xd, lc.mask);
    }
    if (this.g) drop(...Object.values(this.g));
    this.g = null;
    this.res = Array.from({ length: c.numLayers + 1 }, () => m.f32(n * C));
    this.acts = Array.from({ length: c.numLayers }, () => ({
      ln1: m.f32(n * C),
      rstd1: m.f32(n),
      q: m.f32(n * QD),
      k: m.f32(n * KD),
      v: m.f32(n * KD),
      att: m.f32(bt2),
      attY: m.f32(n * QD),
      resMid: m.f32(n * C),
      ln2: m.f32(n * C),
      rstd2: m.f32(n),
      g: m.f32(n * I),
      u: m.f32(n * I),
      h: m.f32(n * I),
      lora: new Map(),
    }));
    this.lnf = m.f32(n * C);
    this.rstdf = m.f32(n);
    this.headRows = m.i32(n);
    this.headIn = m.f32(n * C);
    this.headTargets = m.i32(n);
    this.headLosses = m.f32(n);
    this.logits = m.f32(n * c.vocabSize);
  }

  /** The backward pass's buffers, taken on its first use (inference never needs them). */
  private gradBuffers(): Grads {
    const c = this.config;
    const n = this.capacity.N;
    const C = c.hiddenSize;
    const QD = c.numHeads * c.headDim;
    const KD = c.numKvHeads * c.headDim;
    const I = c.intermediateSize;
    const m = this.mem;
    const r = this.adapter?.config.r ?? 0;
    // the LoRA scratch follows the adapter in place now (it may have been swapped for one of another rank)
    if (this.g && this.g.dxa.length >= n * r && this.g.dx.length >= (r ? n * Math.max(C, I, QD) : 0)) return this.g;
    if (this.g) for (const b of Object.values(this.g)) m.free(b);
    this.g = {
      dlnf: m.f32(n * C),
      dres: m.f32(n * C),
      dh: m.f32(n * I),
      dg: m.f32(n * I),
      du: m.f32(n * I),
      dln: m.f32(n * C),
      dattY: m.f32(n * QD),
      dq: m.f32(n * QD),
      dk: m.f32(n * KD),
      dv: m.f32(n * KD),
      dxa: m.f32(Math.max(1, n * r)),
      dx: m.f32(r ? n * Math.max(C, I, QD) : 1),
    };
    return this.g;
  }

  private ropeFor(T: number): { cos: Float32Array; sin: Float32Array } {
    if (this.rope.T < T) {
      const t = ropeTables(T, this.config.headDim, this.config.ropeTheta);
      this.rope = { T, ...t };
    }
    return this.rope;
  }

  // ---- linear layer with optional LoRA --------------------------------------------------------

  private linearForward(
    out: Float32Array,
    inp: Float32Array,
    l: number,
    p: Projection,
    N: number,
    acts: LayerActs,
    train: boolean,
    rng?: Rng,
  ): void {
    const [OC, C] = projectionShape(this.config, p);
    matmulForward(out, inp, this.weight(l, p), N, C, OC);
    const m = this.adapter?.module(l, p);
    if (!m) return;
    const ad = this.adapter!;
    const r = ad.config.r;
    const drop = train ? ad.config.dropout : 0;
    let cache = acts.lora.get(p);
    const cap = this.capacity.N;
    if (!cache || cache.xa.length < N * r) {
      if (cache) this.mem.free(cache.xa);
      cache = { xa: this.mem.f32(cap * r), xin: inp, xd: cache?.xd ?? null, mask: cache?.mask ?? null, useMask: false };
      acts.lora.set(p, cache);
    }
    if (drop > 0) {
      if (!rng) throw new Error('LoRA dropout in training mode needs an rng');
      if (!cache.xd || cache.xd.length < N * C) {
        if (cache.xd) this.mem.free(cache.xd);
        if (cache.mask) this.mem.free(cache.mask);
        cache.xd = this.mem.f32(cap * C);
        cache.mask = this.mem.u8(cap * C);
      }
      const keep = 1 / (1 - drop);
      const xd = cache.xd;
      const mask = cache.mask!;
      for (let i = 0; i < N * C; i++) {
        const k = rng.next() >= drop ? 1 : 0;
        mask[i] = k;
        xd[i] = k ? inp[i] * keep : 0;
      }
      cache.xin = xd;
      cache.useMask = true;
    } else {
      cache.xin = inp;
      cache.useMask = false;
    }
    const xa = cache.xa.subarray(0, N * r);
    matmulForward(xa, cache.xin, ad.params.view(m.aName), N, C, r);
    scaleInPlace(xa, ad.scaling, N * r);
    matmulForward(out, xa, ad.params.view(m.bName), N, r, OC, true);
  }

  private linearBackward(
    dinp: Float32Array,
    dout: Float32Array,
    inp: Float32Array,
    l: number,
    p: Projection,
    N: number,
    acts: LayerActs,
    needInput = true,
  ): void {
    const [OC, C] = projectionShape(this.config, p);
    if (needInput) matmulBackwardInput(dinp, dout, this.weight(l, p), N, C, OC);
    if (this.grads) {
      const name = `${projectionPath(l, p)}.weight`;
      matmulBackwardWeight(this.params.view(name, this.grads), dout, inp, N, C, OC);
    }
    const m: LoraModule | undefined = this.adapter?.module(l, p);
    if (!m || !this.adapterGrads) return;
    const ad = this.adapter!;
    const r = ad.config.r;
    const cache = acts.lora.get(p)!;
    const A = ad.params.view(m.aName);
    const B = ad.params.view(m.bName);
    const g = this.gradBuffers();
    // out += xa·Bᵀ with xa = s·x̃·Aᵀ
    matmulBackwardWeight(ad.params.view(m.bName, this.adapterGrads), dout, cache.xa, N, r, OC);
    const dxa = g.dxa.subarray(0, N * r);
    dxa.fill(0);
    matmulBackwardInput(dxa, dout, B, N, r, OC);
    scaleInPlace(dxa, ad.scaling, N * r);
    matmulBackwardWeight(ad.params.view(m.aName, this.adapterGrads), dxa, cache.xin, N, C, r);
    if (!needInput) return;
    if (cache.useMask && cache.mask) {
      const dx = g.dx.subarray(0, N * C);
      dx.fill(0);
      matmulBackwardInput(dx, dxa, A, N, C, r);
      const keep = 1 / (1 - ad.config.dropout);
      for (let i = 0; i < N * C; i++) if (cache.mask[i]) dinp[i] += dx[i] * keep;
    } else matmulBackwardInput(dinp, dxa, A, N, C, r);
  }

  // ---- forward / backward ---------------------------------------------------------------------

  /**
   * tokens[B,T] → loss against targets[B,T] (next-token ids, −100 = ignored). With targets null only
   * the logits are computed (see lastLogits()).
   */
  forward(tokens: Int32Array, targets: Int32Array | null, B: number, T: number, opts: ForwardOptions = {}): LossResult {
    const c = this.config;
    this.ensureCapacity(B, T);
    const N = B * T;
    const C = c.hiddenSize;
    const H = c.numHeads;
    const KVH = c.numKvHeads;
    const hd = c.headDim;
    const I = c.intermediateSize;
    const train = Boolean(opts.train);
    const rope = this.ropeFor(T);
    for (let n = 0; n < N; n++)
      if (tokens[n] < 0 || tokens[n] >= c.vocabSize)
        throw new Error(`token id ${tokens[n]} is outside the vocabulary (size ${c.vocabSize})`);
    embeddingForward(this.res[0], tokens, this.params.view('model.embed_tokens.weight'), N, C);
    for (let l = 0; l < c.numLayers; l++) {
      const a = this.acts[l];
      const x = this.res[l];
      rmsnormForward(a.ln1, a.rstd1, x, this.params.view(`model.layers.${l}.input_layernorm.weight`), N, C, c.rmsNormEps);
      this.linearForward(a.q, a.ln1, l, 'q_proj', N, a, train, opts.rng);
      this.linearForward(a.k, a.ln1, l, 'k_proj', N, a, train, opts.rng);
      this.linearForward(a.v, a.ln1, l, 'v_proj', N, a, train, opts.rng);
      ropeApply(a.q, rope.cos, rope.sin, B, T, H, hd);
      ropeApply(a.k, rope.cos, rope.sin, B, T, KVH, hd);
      attentionForward(a.attY, a.att, a.q, a.k, a.v, { B, T, H, KVH, hd });
      this.linearForward(a.resMid, a.attY, l, 'o_proj', N, a, train, opts.rng);
      residualForward(a.resMid, a.resMid, x, N * C);
      rmsnormForward(a.ln2, a.rstd2, a.resMid, this.params.view(`model.layers.${l}.post_attention_layernorm.weight`), N, C, c.rmsNormEps);
      this.linearForward(a.g, a.ln2, l, 'gate_proj', N, a, train, opts.rng);
      this.linearForward(a.u, a.ln2, l, 'up_proj', N, a, train, opts.rng);
      swigluForward(a.h, a.g, a.u, N * I);
      const next = this.res[l + 1];
      this.linearForward(next, a.h, l, 'down_proj', N, a, train, opts.rng);
      residualForward(next, next, a.resMid, N * C);
    }
    rmsnormForward(this.lnf, this.rstdf, this.res[c.numLayers], this.params.view('model.norm.weight'), N, C, c.rmsNormEps);
    if (!targets) {
      matmulForward(this.logits, this.lnf, this.lmHead(), N, C, c.vocabSize);
      this.state = null;
      return { loss: NaN, sum: 0, count: 0 };
    }
    // Only rows with a target need logits: the head and the loss run on those M rows alone (a row's
    // logits and loss do not depend on which other rows are computed with it).
    let M = 0;
    for (let n = 0; n < N; n++) {
      if (targets[n] === IGNORE) continue;
      this.headRows[M] = n;
      this.headTargets[M] = targets[n];
      this.headIn.set(this.lnf.subarray(n * C, n * C + C), M * C);
      M++;
    }
    const V = c.vocabSize;
    matmulForward(this.logits, this.headIn.subarray(0, M * C), this.lmHead(), M, C, V);
    const losses = opts.losses ? this.headLosses : undefined;
    const { sum, count } = crossEntropyForward(this.logits, this.headTargets, M, V, losses);
    if (opts.losses) {
      opts.losses.fill(0, 0, N);
      for (let i = 0; i < M; i++) opts.losses[this.headRows[i]] = this.headLosses[i];
    }
    this.state = { B, T, tokens, M, count, train };
    return { loss: count ? sum / count : NaN, sum, count };
  }

  /** Logits of the last forward call without targets: [B,T,V] (a view, overwritten by the next call, valid while the model is). */
  lastLogits(B: number, T: number): Float32Array {
    return this.logits.subarray(0, B * T * this.config.vocabSize);
  }

  /**
   * Accumulates gradients of (loss · lossScale) into grads / adapterGrads. lossScale defaults to
   * 1/count (the mean); gradient accumulation passes its own normaliser.
   */
  backward(lossScale?: number): void {
    if (!this.state) throw new Error('backward() needs a forward() with targets first');
    const { B, T, tokens, M, count } = this.state;
    const c = this.config;
    const N = B * T;
    const C = c.hiddenSize;
    const H = c.numHeads;
    const KVH = c.numKvHeads;
    const hd = c.headDim;
    const QD = H * hd;
    const KD = KVH * hd;
    const I = c.intermediateSize;
    const V = c.vocabSize;
    const G = this.grads;
    const gv = (name: string): Float32Array | null => (G ? this.params.view(name, G) : null);
    const rope = this.ropeFor(T);
    const scale = lossScale ?? (count ? 1 / count : 0);

    const gb = this.gradBuffers();
    // the head's M rows: dlogits overwrite the probabilities, which nothing reads again
    const dlogits = this.logits.subarray(0, M * V);
    crossEntropyBackward(dlogits, dlogits, this.headTargets, M, V, scale);
    const headIn = this.headIn.subarray(0, M * C);
    if (G)
      matmulBackwardWeight(
        this.params.view(c.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight', G),
        dlogits,
        headIn,
        M,
        C,
        V,
      );
    const dhead = headIn; // the inputs are not needed any more
    dhead.fill(0);
    matmulBackwardInput(dhead, dlogits, this.lmHead(), M, C, V);
    const dlnf = gb.dlnf.subarray(0, N * C);
    dlnf.fill(0);
    for (let i = 0; i < M; i++) dlnf.set(dhead.subarray(i * C, i * C + C), this.headRows[i] * C);
    let dres = gb.dres.subarray(0, N * C);
    dres.fill(0);
    rmsnormBackward(dres, gv('model.norm.weight'), dlnf, this.res[c.numLayers], this.params.view('model.norm.weight'), this.rstdf, N, C);

    const dh = gb.dh.subarray(0, N * I);
    const dg = gb.dg.subarray(0, N * I);
    const du = gb.du.subarray(0, N * I);
    const dln = gb.dln.subarray(0, N * C);
    const dattY = gb.dattY.subarray(0, N * QD);
    const dq = gb.dq.subarray(0, N * QD);
    const dk = gb.dk.subarray(0, N * KD);
    const dv = gb.dv.subarray(0, N * KD);
    // With the base frozen, gradients flow only as far down as the lowest trained module; nothing
    // below it is computed (same results, less work). Block 2l is layer l's attention, 2l + 1 its MLP.
    const ad = this.adapterGrads ? this.adapter : null;
    const has = (l: number, ...ps: Projection[]) => ps.some((p) => ad?.module(l, p));
    let lowest = G ? -1 : Infinity;
    for (const m of G ? [] : (ad?.modules ?? [])) lowest = Math.min(lowest, 2 * m.layer + (isMlp(m.proj) ? 1 : 0));
    for (let l = c.numLayers - 1; l >= 0 && lowest <= 2 * l + 1; l--) {
      const a = this.acts[l];
      // dres is ∂L/∂(output of layer l) = ∂L/∂res[l+1]; it flows unchanged into resMid (residual).
      const mlpIn = lowest < 2 * l + 1; // the MLP block's input gradient is needed below
      const hIn = mlpIn || has(l, 'gate_proj', 'up_proj');
      dh.fill(0);
      dg.fill(0);
      du.fill(0);
      dln.fill(0);
      this.linearBackward(dh, dres, a.h, l, 'down_proj', N, a, hIn);
      if (hIn) {
        swigluBackward(dg, du, dh, a.g, a.u, N * I);
        this.linearBackward(dln, dg, a.ln2, l, 'gate_proj', N, a, mlpIn);
        this.linearBackward(dln, du, a.ln2, l, 'up_proj', N, a, mlpIn);
      }
      const dresMid = dres; // residual path, accumulate the norm's contribution in place
      const ln2w = `model.layers.${l}.post_attention_layernorm.weight`;
      if (mlpIn) rmsnormBackward(dresMid, gv(ln2w), dln, a.resMid, this.params.view(ln2w), a.rstd2, N, C);
      if (lowest > 2 * l) break;
      const attIn = lowest < 2 * l;
      const yIn = attIn || has(l, 'q_proj', 'k_proj', 'v_proj');
      dattY.fill(0);
      this.linearBackward(dattY, dresMid, a.attY, l, 'o_proj', N, a, yIn);
      if (yIn) {
        dq.fill(0);
        dk.fill(0);
        dv.fill(0);
        attentionBackward(dq, dk, dv, dattY, a.att, a.q, a.k, a.v, { B, T, H, KVH, hd });
        ropeApply(dq, rope.cos, rope.sin, B, T, H, hd, -1);
        ropeApply(dk, rope.cos, rope.sin, B, T, KVH, hd, -1);
        dln.fill(0);
        this.linearBackward(dln, dq, a.ln1, l, 'q_proj', N, a, attIn);
        this.linearBackward(dln, dk, a.ln1, l, 'k_proj', N, a, attIn);
        this.linearBackward(dln, dv, a.ln1, l, 'v_proj', N, a, attIn);
      }
      const ln1w = `model.layers.${l}.input_layernorm.weight`;
      if (attIn) rmsnormBackward(dresMid, gv(ln1w), dln, this.res[l], this.params.view(ln1w), a.rstd1, N, C);
      dres = dresMid;
    }
    if (G) embeddingBackward(this.params.view('model.embed_tokens.weight', G), dres, tokens, N, C);
  }
}

const isMlp = (p: Projection) => p === 'gate_proj' || p === 'up_proj' || p === 'down_proj';

/** Applies fp32 weight overrides (e.g. merged LoRA weights) to a copy of the model's parameters. */
export function withWeights(model: LlamaModel, overrides: Map<string, Float32Array>): LlamaModel {
  const params = new ParamSet(
    model.params.specs.map((s) => [s.name, s.shape]),
    Float32Array.from(model.params.data),
  );
  const quantized = model.quantized ? new Map(model.quantized) : null;
  for (const [name, w] of overrides) {
    if (params.has(name)) params.view(name).set(w);
    else throw new Error(`cannot override ${name}: it is not an fp32 parameter of this model`);
  }
  return new LlamaModel(model.config, params, quantized);
}
