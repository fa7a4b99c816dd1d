// Causal self-attention with grouped KV heads, forward and backward, in WebAssembly SIMD. Same maths
// as the JavaScript reference (../../ops.ts attentionForward/attentionBackward), but only the causal
// (lower) triangle is computed and the heads are read in place from q[B,T,H·hd], k,v[B,T,KVH·hd]
// instead of being gathered. hd must be a multiple of 4 (../wasm.ts falls back to the reference
// otherwise). att[B,H,T,T] keeps the probabilities for the backward pass; only entries t2 ≤ t are
// written and read.
//
// Dot products against keys (scores, and dP = dO·Vᵀ in the backward) run on a transposed copy of the
// head's keys (Kᵀ[hd, Tp], Tp = T rounded up to 4), sixteen key positions at a time: one broadcast
// query element times four vectors of keys. Weighted sums of rows (P·V, dS·K, and the columns
// Σ_t dS[t,t2]·Q[t], Σ_t P[t,t2]·dO[t] for dK and dV) keep the running sums in registers. Every sum
// runs in index order.
import { exp4 } from './ops';

// @ts-ignore: decorator (AssemblyScript inlines the function; TypeScript has no function decorators)
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 2) + (f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 3));
}

// dst[i·Tp + t] = src[(b·T + t)·nh + h][i] for t < T, 0 for T ≤ t < Tp
function transposeHead(dst: usize, src: usize, b: i32, h: i32, T: i32, Tp: i32, nh: i32, hd: i32): void {
  for (let t = 0; t < Tp; t++) {
    if (t < T) {
      const s = src + (<usize>(((b * T + t) * nh + h) * hd) << 2);
      for (let i = 0; i < hd; i++) store<f32>(dst + (<usize>(i * Tp + t) << 2), load<f32>(s + (<usize>i << 2)));
    } else for (let i = 0; i < hd; i++) store<f32>(dst + (<usize>(i * Tp + t) << 2), 0);
  }
}

// row[0..nb·4) = Σ_i x[i]·kt[i·Tp + ·] for the first nb blocks of four key positions
function scoreRow(row: usize, x: usize, kt: usize, nb: i32, Tp: i32, hd: i32): void {
  const rowT = <usize>Tp << 2;
  let j = 0;
  for (; j + 4 <= nb; j += 4) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let kp = kt + (<usize>j << 4);
    for (let i = 0; i < hd; i++) {
      const s = v128.load32_splat(x + (<usize>i << 2));
      a0 = madd(a0, s, v128.load(kp));
      a1 = madd(a1, s, v128.load(kp + 16));
      a2 = madd(a2, s, v128.load(kp + 32));
      a3 = madd(a3, s, v128.load(kp + 48));
      kp += rowT;
    }
    const r = row + (<usize>j << 4);
    v128.store(r, a0);
    v128.store(r + 16, a1);
    v128.store(r + 32, a2);
    v128.store(r + 48, a3);
  }
  for (; j < nb; j++) {
    let a = f32x4.splat(0);
    let kp = kt + (<usize>j << 4);
    for (let i = 0; i < hd; i++) {
      a = madd(a, v128.load32_splat(x + (<usize>i << 2)), v128.load(kp));
      kp += rowT;
    }
    v128.store(row + (<usize>j << 4), a);
  }
}

// out[0..hd) (=|+=) Σ_{j<n} c[j·cStride]·rows[j·rStride]: the sums stay in registers, 32, 16 or 4 floats at a time
function weightedSum(out: usize, c: usize, cStride: usize, rows: usize, rStride: usize, n: i32, hd: i32, accumulate: bool): void {
  let i = 0;
  for (; i + 32 <= hd; i += 32) {
    const o = out + (<usize>i << 2);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    if (accumulate) {
      a0 = v128.load(o);
      a1 = v128.load(o + 16);
      a2 = v128.load(o + 32);
      a3 = v128.load(o + 48);
      a4 = v128.load(o + 64);
      a5 = v128.load(o + 80);
      a6 = v128.load(o + 96);
      a7 = v128.load(o + 112);
    }
    let rp = rows + (<usize>i << 2);
    let cp = c;
    for (let j = 0; j < n; j++) {
      const s = v128.load32_splat(cp);
      a0 = madd(a0, s, v128.load(rp));
      a1 = madd(a1, s, v128.load(rp + 16));
      a2 = madd(a2, s, v128.load(rp + 32));
      a3 = madd(a3, s, v128.load(rp + 48));
      a4 = madd(a4, s, v128.load(rp + 64));
      a5 = madd(a5, s, v128.load(rp + 80));
      a6 = madd(a6, s, v128.load(rp + 96));
      a7 = madd(a7, s, v128.load(rp + 112));
      rp += rStride;
      cp += cStride;
    }
    v128.store(o, a0);
    v128.store(o + 16, a1);
    v128.store(o + 32, a2);
    v128.store(o + 48, a3);
    v128.store(o + 64, a4);
    v128.store(o + 80, a5);
    v128.store(o + 96, a6);
    v128.store(o + 112, a7);
  }
  for (; i + 16 <= hd; i += 16) {
    const o = out + (<usize>i << 2);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    if (accumulate) {
      a0 = v128.load(o);
      a1 = v128.load(o + 16);
      a2 = v128.load(o + 32);
      a3 = v128.load(o + 48);
    }
    let rp = rows + (<usize>i << 2);
    let cp = c;
    for (let j = 0; j < n; j++) {
      const s = v128.load32_splat(cp);
      a0 = madd(a0, s, v128.load(rp));
      a1 = madd(a1, s, v128.load(rp + 16));
      a2 = madd(a2, s, v128.load(rp + 32));
      a3 = madd(a3, s, v128.load(rp + 48));
      rp += rStride;
      cp += cStride;
    }
    v128.store(o, a0);
    v128.store(o + 16, a1);
    v128.store(o + 32, a2);
    v128.store(o + 48, a3);
  }
  for (; i < hd; i += 4) {
    const o = out + (<usize>i << 2);
    let a = accumulate ? v128.load(o) : f32x4.splat(0);
    let rp = rows + (<usize>i << 2);
    let cp = c;
    for (let j = 0; j < n; j++) {
      a = madd(a, v128.load32_splat(cp), v128.load(rp));
      rp += rStride;
      cp += cStride;
    }
    v128.store(o, a);
  }
}

// scratch: Tp·hd + Tp floats (Kᵀ of one kv head, a row of scores)
export function attn_fwd(out: usize, att: usize, q: usize, k: usize, v: usize, scratch: usize, B: i32, T: i32, H: i32, KVH: i32, hd: i32, scale: f32): void {
  const Tp = (T + 3) & ~3;
  const group = H / KVH;
  const kt = scratch;
  const srow = scratch + (<usize>(Tp * hd) << 2);
  const sv = f32x4.splat(scale);
  const vStride = <usize>(KVH * hd) << 2;
  for (let b = 0; b < B; b++)
    for (let kvh = 0; kvh < KVH; kvh++) {
      transposeHead(kt, k, b, kvh, T, Tp, KVH, hd);
      const vBase = v + (<usize>((b * T * KVH + kvh) * hd) << 2);
      for (let h = kvh * group; h < (kvh + 1) * group; h++)
        for (let t = 0; t < T; t++) {
          const n = t + 1;
          const nb = (n + 3) >> 2;
          const qrow = q + (<usize>(((b * T + t) * H + h) * hd) << 2);
          scoreRow(srow, qrow, kt, nb, Tp, hd);
          // scale, max over t2 ≤ t
          let m: f32 = -Infinity;
          for (let j = 0; j < nb; j++) v128.store(srow + (<usize>j << 4), f32x4.mul(v128.load(srow + (<usize>j << 4)), sv));
          for (let t2 = 0; t2 < n; t2++) m = max(m, load<f32>(srow + (<usize>t2 << 2)));
          const mv = f32x4.splat(m);
          let zv = f32x4.splat(0);
          for (let j = 0; j < nb; j++) {
            let e = exp4(f32x4.sub(v128.load(srow + (<usize>j << 4)), mv));
            if ((j << 2) + 4 > n) {
              // the last block reaches past t: those lanes are not attended
              const keep = n - (j << 2);
              if (keep < 4) e = f32x4.replace_lane(e, 3, 0);
              if (keep < 3) e = f32x4.replace_lane(e, 2, 0);
              if (keep < 2) e = f32x4.replace_lane(e, 1, 0);
            }
            v128.store(srow + (<usize>j << 4), e);
            zv = f32x4.add(zv, e);
          }
          const inv = f32x4.splat(<f32>1 / hsum(zv));
          const prow = att + (<usize>(((b * H + h) * T + t) * T) << 2);
          for (let j = 0; j < nb; j++) v128.store(srow + (<usize>j << 4), f32x4.mul(v128.load(srow + (<usize>j << 4)), inv));
          memory.copy(prow, srow, <usize>n << 2);
          weightedSum(out + (<usize>(((b * T + t) * H + h) * hd) << 2), srow, 4, vBase, vStride, n, hd, false);
        }
    }
}

// Accumulates dq, dk, dv from dout. scratch: 3·Tp·hd + T·Tp floats (Vᵀ, dK and dV of one kv head, dS of one head).
export function attn_bwd(dq: usize, dk: usize, dv: usize, dout: usize, att: usize, q: usize, k: usize, v: usize, scratch: usize, B: i32, T: i32, H: i32, KVH: i32, hd: i32, scale: f32): void {
  const Tp = (T + 3) & ~3;
  const group = H / KVH;
  const vt = scratch;
  const dK = vt + (<usize>(Tp * hd) << 2);
  const dV = dK + (<usize>(Tp * hd) << 2);
  const dS = dV + (<usize>(Tp * hd) << 2);
  const rowT = <usize>Tp << 2;
  const qStride = <usize>(H * hd) << 2;
  const kvStride = <usize>(KVH * hd) << 2;
  const hdBytes = <usize>hd << 2;
  for (let b = 0; b < B; b++)
    for (let kvh = 0; kvh < KVH; kvh++) {
      transposeHead(vt, v, b, kvh, T, Tp, KVH, hd);
      memory.fill(dK, 0, <usize>(2 * Tp * hd) << 2);
      const kBase = k + (<usize>((b * T * KVH + kvh) * hd) << 2);
      for (let h = kvh * group; h < (kvh + 1) * group; h++) {
        const pBase = att + (<usize>((b * H + h) * T * T) << 2);
        const qBase = q + (<usize>((b * T * H + h) * hd) << 2);
        const oBase = dout + (<usize>((b * T * H + h) * hd) << 2);
        for (let t = 0; t < T; t++) {
          const n = t + 1;
          const nb = (n + 3) >> 2;
          const n4 = n & ~3;
          const prow = pBase + (<usize>(t * T) << 2);
          const row = dS + <usize>t * rowT;
          const qi = <usize>t * qStride;
          // O = P·V: dP = dO·Vᵀ
          scoreRow(row, oBase + qi, vt, nb, Tp, hd);
          // softmax backward, folding in the 1/√hd of S = Q·Kᵀ/√hd: dS = P·(dP − Σ P·dP)·scale
          let pv = f32x4.splat(0);
          for (let t2 = 0; t2 < n4; t2 += 4) pv = madd(pv, v128.load(prow + (<usize>t2 << 2)), v128.load(row + (<usize>t2 << 2)));
          let pdp = hsum(pv);
          for (let t2 = n4; t2 < n; t2++) pdp += load<f32>(prow + (<usize>t2 << 2)) * load<f32>(row + (<usize>t2 << 2));
          const pdv = f32x4.splat(pdp);
          const sv = f32x4.splat(scale);
          for (let t2 = 0; t2 < n4; t2 += 4) {
            const o = <usize>t2 << 2;
            v128.store(row + o, f32x4.mul(f32x4.mul(v128.load(prow + o), f32x4.sub(v128.load(row + o), pdv)), sv));
          }
          for (let t2 = n4; t2 < n; t2++) {
            const o = <usize>t2 << 2;
            store<f32>(row + o, load<f32>(prow + o) * (load<f32>(row + o) - pdp) * scale);
          }
          // S = Q·Kᵀ: dQ[t] += Σ_t2 dS[t,t2]·K[t2]
          weightedSum(dq + qi + (<usize>(((b * T) * H + h) * hd) << 2), row, 4, kBase, kvStride, n, hd, true);
        }
        // dK[t2] += Σ_{t ≥ t2} dS[t,t2]·Q[t],  dV[t2] += Σ_{t ≥ t2} P[t,t2]·dO[t]
        for (let t2 = 0; t2 < T; t2++) {
          const first = <usize>t2;
          weightedSum(dK + <usize>t2 * hdBytes, dS + first * rowT + (first << 2), rowT, qBase + first * qStride, qStride, T - t2, hd, true);
          weightedSum(dV + <usize>t2 * hdBytes, pBase + (first * <usize>T << 2) + (first << 2), <usize>T << 2, oBase + first * qStride, qStride, T - t2, hd, true);
        }
      }
      for (let t = 0; t < T; t++) {
        const o = <usize>(((b * T + t) * KVH + kvh) * hd) << 2;
        const s = <usize>(t * hd) << 2;
        for (let i = 0; i < hd; i += 4) {
          const io = <usize>i << 2;
          v128.store(dk + o + io, f32x4.add(v128.load(dk + o + io), v128.load(dK + s + io)));
          v128.store(dv + o + io, f32x4.add(v128.load(dv + o + io), v128.load(dV + s + io)));
        }
      }
    }
}
