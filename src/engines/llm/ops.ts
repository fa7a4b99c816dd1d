// The layers of a Llama block as explicit forward/backward pairs (llm.c style). Shapes are given as
// comments: N = B·T rows, C = hidden size. Backward functions *accumulate* into gradient buffers
// (+=), so callers zero them once per step and gradient accumulation is free.

import { matmulBackwardInput, matmulBackwardWeight, matmulForward } from './kernels/index.js';

// ---- embedding ------------------------------------------------------------------------------

/** out[N,C] = wte[tokens[n]] */
export function embeddingForward(out: Float32Array, tokens: Int32Array, wte: Float32Array, N: number, C: number): void {
  for (let n = 0; n < N; n++) out.set(wte.subarray(tokens[n] * C, tokens[n] * C + C), n * C);
}

/** dwte[tokens[n]] += dout[n] */
export function embeddingBackward(dwte: Float32Array, dout: Float32Array, tokens: Int32Array, N: number, C: number): void {
  for (let n = 0; n < N; n++) {
    const wo = tokens[n] * C;
    const o = n * C;
    for (let c = 0; c < C; c++) dwte[wo + c] += dout[o + c];
  }
}

// ---- RMSNorm (computed in fp32 as transformers' LlamaRMSNorm does) --------------------------

/** out[N,C] = inp · rstd · w, rstd[N] = 1/sqrt(mean(inp²) + eps) */
export function rmsnormForward(
  out: Float32Array,
  rstd: Float32Array,
  inp: Float32Array,
  w: Float32Array,
  N: number,
  C: number,
  eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += inp[o + c] * inp[o + c];
    const r = 1 / Math.sqrt(ss / C + eps);
    rstd[n] = r;
    for (let c = 0; c < C; c++) out[o + c] = Math.fround(inp[o + c] * r) * w[c];
  }
}

/** dinp += ∂L/∂inp, dw += ∂L/∂w (dw may be null when the norm is frozen) */
export function rmsnormBackward(
  dinp: Float32Array,
  dw: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  w: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const r = rstd[n];
    // y_c = w_c·x_c·r;  ∂r/∂x_j = −r³·x_j/C
    let dot = 0;
    for (let c = 0; c < C; c++) dot += dout[o + c] * w[c] * inp[o + c];
    const k = (r * r * r * dot) / C;
    for (let c = 0; c < C; c++) {
      dinp[o + c] += r * w[c] * dout[o + c] - k * inp[o + c];
      if (dw) dw[c] += dout[o + c] * inp[o + c] * r;
    }
  }
}

// ---- rotary position embeddings, HF "rotate half" convention --------------------------------

/** cos/sin tables [T, hd/2] for positions start..start+T−1: angle = pos / theta^(2i/hd) */
export function ropeTables(T: number, hd: number, theta: number, start = 0): { cos: Float32Array; sin: Float32Array } {
  const half = hd / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let i = 0; i < half; i++) {
    // transformers computes inv_freq in fp32: 1 / theta^(arange(0,hd,2)/hd)
    const invFreq = Math.fround(1 / Math.pow(theta, Math.fround((2 * i) / hd)));
    for (let t = 0; t < T; t++) {
      const ang = Math.fround((start + t) * invFreq);
      cos[t * half + i] = Math.cos(ang);
      sin[t * half + i] = Math.sin(ang);
    }
  }
  return { cos, sin };
}

/**
 * In place on x[B,T,nh,hd]: x1' = x1·cos − x2·sin, x2' = x2·cos + x1·sin (x1 = first half, x2 = second).
 * With sign = −1 it applies the inverse rotation, which is exactly the backward pass (rotation is orthogonal).
 */
export function ropeApply(
  x: Float32Array,
  cos: Float32Array,
  sin: Float32Array,
  B: number,
  T: number,
  nh: number,
  hd: number,
  sign = 1,
): void {
  const half = hd / 2;
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const tb = t * half;
      for (let h = 0; h < nh; h++) {
        const o = ((b * T + t) * nh + h) * hd;
        for (let i = 0; i < half; i++) {
          const c = cos[tb + i];
          const s = sign * sin[tb + i];
          const x1 = x[o + i];
          const x2 = x[o + i + half];
          x[o + i] = x1 * c - x2 * s;
          x[o + i + half] = x2 * c + x1 * s;
        }
      }
    }
}

// ---- causal self-attention with grouped KV heads -------------------------------------------

export interface AttnShape {
  B: number;
  T: number;
  H: number; // query heads
  KVH: number; // key/value heads (H % KVH == 0)
  hd: number; // head dim
}

/**
 * q[B,T,H·hd], k,v[B,T,KVH·hd] (rotary already applied) → out[B,T,H·hd]; att[B,H,T,T] keeps the
 * softmax probabilities for the backward pass (upper triangle stays 0).
 * Per (batch, head) the work is two matrix products, S = Q·Kᵀ and O = P·V, done by the matmul
 * kernels on gathered [T,hd] copies (the masked upper triangle is computed and discarded: with SIMD
 * kernels that is still far cheaper than scalar loops).
 */
export function attentionForward(
  out: Float32Array,
  att: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  s: AttnShape,
): void {
  const { B, T, H, KVH, hd } = s;
  const group = H / KVH;
  const scale = 1 / Math.sqrt(hd);
  const Q = new Float32Array(T * hd),
    K = new Float32Array(T * hd),
    Vt = new Float32Array(hd * T),
    O = new Float32Array(T * hd);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      gatherHead(Q, q, b, h, T, H, hd);
      if (h % group === 0) {
        gatherHead(K, k, b, kvh, T, KVH, hd);
        // Vᵀ [hd,T], the weight layout the kernel wants for O = P·V
        for (let t = 0; t < T; t++) for (let i = 0; i < hd; i++) Vt[i * T + t] = v[((b * T + t) * KVH + kvh) * hd + i];
      }
      const P = att.subarray((b * H + h) * T * T, (b * H + h + 1) * T * T);
      matmulForward(P, Q, K, T, hd, T);
      for (let t = 0; t < T; t++) {
        const o = t * T;
        let max = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const x = P[o + t2] * scale;
          P[o + t2] = x;
          if (x > max) max = x;
        }
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) sum += P[o + t2] = Math.exp(P[o + t2] - max);
        const inv = 1 / sum;
        for (let t2 = 0; t2 <= t; t2++) P[o + t2] *= inv;
        for (let t2 = t + 1; t2 < T; t2++) P[o + t2] = 0;
      }
      matmulForward(O, P, Vt, T, T, hd);
      scatterHead(out, O, b, h, T, H, hd, false);
    }
}

/** Accumulates dq, dk, dv from dout[B,T,H·hd]. */
export function attentionBackward(
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  dout: Float32Array,
  att: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  s: AttnShape,
): void {
  const { B, T, H, KVH, hd } = s;
  const group = H / KVH;
  const scale = 1 / Math.sqrt(hd);
  const Q = new Float32Array(T * hd),
    K = new Float32Array(T * hd),
    V = new Float32Array(T * hd),
    dO = new Float32Array(T * hd);
  const dP = new Float32Array(T * T),
    dQ = new Float32Array(T * hd),
    dK = new Float32Array(T * hd),
    dV = new Float32Array(T * hd);
  for (let b = 0; b < B; b++)
    for (let kvh = 0; kvh < KVH; kvh++) {
      gatherHead(K, k, b, kvh, T, KVH, hd);
      gatherHead(V, v, b, kvh, T, KVH, hd);
      dK.fill(0);
      dV.fill(0);
      for (let h = kvh * group; h < (kvh + 1) * group; h++) {
        gatherHead(Q, q, b, h, T, H, hd);
        gatherHead(dO, dout, b, h, T, H, hd);
        const P = att.subarray((b * H + h) * T * T, (b * H + h + 1) * T * T);
        // O = P·V:  dP = dO·Vᵀ,  dV += Pᵀ·dO
        matmulForward(dP, dO, V, T, hd, T);
        matmulBackwardWeight(dV, P, dO, T, hd, T);
        // softmax backward (causal rows), folding in the 1/√hd of S = Q·Kᵀ/√hd
        for (let t = 0; t < T; t++) {
          const o = t * T;
          let pdp = 0;
          for (let t2 = 0; t2 <= t; t2++) pdp += P[o + t2] * dP[o + t2];
          for (let t2 = 0; t2 <= t; t2++) dP[o + t2] = P[o + t2] * (dP[o + t2] - pdp) * scale;
          for (let t2 = t + 1; t2 < T; t2++) dP[o + t2] = 0;
        }
        // S = Q·Kᵀ:  dQ = dS·K,  dK += dSᵀ·Q
        dQ.fill(0);
        matmulBackwardInput(dQ, dP, K, T, hd, T);
        matmulBackwardWeight(dK, dP, Q, T, hd, T);
        scatterHead(dq, dQ, b, h, T, H, hd, true);
      }
      scatterHead(dk, dK, b, kvh, T, KVH, hd, true);
      scatterHead(dv, dV, b, kvh, T, KVH, hd, true);
    }
}

/** dst[T,hd] = head h of src[B,T,nh·hd] for batch b. */
function gatherHead(dst: Float32Array, src: Float32Array, b: number, h: number, T: number, nh: number, hd: number): void {
  for (let t = 0; t < T; t++) {
    const o = ((b * T + t) * nh + h) * hd;
    dst.set(src.subarray(o, o + hd), t * hd);
  }
}

/** Writes (or adds) src[T,hd] into head h of dst[B,T,nh·hd] for batch b. */
function scatterHead(dst: Float32Array, src: Float32Array, b: number, h: number, T: number, nh: number, hd: number, add: boolean): void {
  for (let t = 0; t < T; t++) {
    const o = ((b * T + t) * nh + h) * hd;
    if (add) for (let i = 0; i < hd; i++) dst[o + i] += src[t * hd + i];
    else dst.set(src.subarray(t * hd, t * hd + hd), o);
  }
}

// ---- SwiGLU --------------------------------------------------------------------------------

/** h[N,I] = silu(g) · u */
export function swigluForward(h: Float32Array, g: Float32Array, u: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = g[i];
    h[i] = (x / (1 + Math.exp(-x))) * u[i];
  }
}

export function swigluBackward(dg: Float32Array, du: Float32Array, dh: Float32Array, g: Float32Array, u: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = g[i];
    const sig = 1 / (1 + Math.exp(-x));
    const silu = x * sig;
    dg[i] += dh[i] * u[i] * (sig + silu * (1 - sig));
    du[i] += dh[i] * silu;
  }
}

// ---- residual ------------------------------------------------------------------------------

/** out = a + b (element-wise) */
export function residualForward(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}

// ---- softmax cross-entropy with ignored targets (−100, as PyTorch's ignore_index) -----------

export const IGNORE = -100;

/**
 * logits[N,V] are turned into probabilities in place (kept for the backward pass). Returns the summed
 * loss over rows whose target is not IGNORE and the number of such rows.
 */
export function crossEntropyForward(
  logits: Float32Array,
  targets: Int32Array,
  N: number,
  V: number,
  losses?: Float32Array,
): { sum: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let n = 0; n < N; n++) {
    const o = n * V;
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (logits[o + i] > max) max = logits[o + i];
    const t = targets[n];
    const targetLogit = t === IGNORE ? 0 : logits[o + t];
    let z = 0;
    for (let i = 0; i < V; i++) {
      const e = Math.exp(logits[o + i] - max);
      logits[o + i] = e;
      z += e;
    }
    const inv = 1 / z;
    for (let i = 0; i < V; i++) logits[o + i] *= inv;
    if (t !== IGNORE) {
      // −log softmax in log-sum-exp form: log Σexp(x−max) − (x_t − max)
      const l = Math.log(z) - (targetLogit - max);
      if (losses) losses[n] = l;
      sum += l;
      count++;
    } else if (losses) losses[n] = 0;
  }
  return { sum, count };
}

/** dlogits[N,V] = scale · (probs − onehot(target)) on counted rows, 0 on ignored rows. */
export function crossEntropyBackward(
  dlogits: Float32Array,
  probs: Float32Array,
  targets: Int32Array,
  N: number,
  V: number,
  scale: number,
): void {
  for (let n = 0; n < N; n++) {
    const o = n * V;
    const t = targets[n];
    if (t === IGNORE) {
      dlogits.fill(0, o, o + V);
      continue;
    }
    for (let i = 0; i < V; i++) dlogits[o + i] = probs[o + i] * scale;
    dlogits[o + t] -= scale;
  }
}
