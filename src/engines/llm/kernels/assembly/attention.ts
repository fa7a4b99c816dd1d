// Causal self-attention with grouped KV heads, forward and backward, in WebAssembly SIMD. Same maths
// as the JavaScript reference (../../ops.ts attentionForward/attentionBackward), but only the causal
// (lower) triangle is computed and the heads are read in place from q[B,T,H·hd], k,v[B,T,KVH·hd]
// instead of being gathered. hd must be a multiple of 4 (../wasm.ts falls back to the reference
// otherwise). att[B,H,T,T] keeps the probabilities for the backward pass; only entries t2 ≤ t are
// written and read.
//
// Dot products against keys (scores, and dP = dO·Vᵀ in the backward) run four key positions at a time
// on a transposed copy of the head's keys (Kᵀ[hd, Tp], Tp = T rounded up to 4), so each step is one
// broadcast query element times four keys. Every sum runs in index order.
import { exp4 } from './ops';

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
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
// @ts-ignore: decorator
@inline function scoreRow(row: usize, x: usize, kt: usize, nb: i32, Tp: i32, hd: i32): void {
  const rowT = <usize>Tp << 2;
  for (let j = 0; j < nb; j++) {
    let a = f32x4.splat(0);
    let kp = kt + (<usize>j << 4);
    for (let i = 0; i < hd; i++) {
      a = f32x4.add(a, f32x4.mul(f32x4.splat(load<f32>(x + (<usize>i << 2))), v128.load(kp)));
      kp += rowT;
    }
    v128.store(row + (<usize>j << 4), a);
  }
}

// out[hd] (=|+=) Σ_{t2<n} p[t2]·rows[t2] with rows at stride `stride` bytes
// @ts-ignore: decorator
@inline function weightedRows(out: usize, p: usize, rows: usize, stride: usize, n: i32, hd: i32, accumulate: bool): void {
  for (let i = 0; i < hd; i += 4) {
    let a = accumulate ? v128.load(out + (<usize>i << 2)) : f32x4.splat(0);
    let rp = rows + (<usize>i << 2);
    for (let t2 = 0; t2 < n; t2++) {
      a = f32x4.add(a, f32x4.mul(f32x4.splat(load<f32>(p + (<usize>t2 << 2))), v128.load(rp)));
      rp += stride;
    }
    v128.store(out + (<usize>i << 2), a);
  }
}

// rows[t2] += p[t2]·x for t2 < n (rows at stride `stride` bytes)
// @ts-ignore: decorator
@inline function addScaledTo(rows: usize, stride: usize, p: usize, x: usize, n: i32, hd: i32): void {
  let rp = rows;
  for (let t2 = 0; t2 < n; t2++) {
    const s = f32x4.splat(load<f32>(p + (<usize>t2 << 2)));
    for (let i = 0; i < hd; i += 4) {
      const o = <usize>i << 2;
      v128.store(rp + o, f32x4.add(v128.load(rp + o), f32x4.mul(s, v128.load(x + o))));
    }
    rp += stride;
  }
}

// scratch: Tp·hd + Tp floats
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
          weightedRows(out + (<usize>(((b * T + t) * H + h) * hd) << 2), srow, vBase, vStride, n, hd, false);
        }
    }
}

// Accumulates dq, dk, dv from dout. scratch: 3·Tp·hd + Tp floats (Vᵀ, dK and dV of one kv head, a row).
export function attn_bwd(dq: usize, dk: usize, dv: usize, dout: usize, att: usize, q: usize, k: usize, v: usize, scratch: usize, B: i32, T: i32, H: i32, KVH: i32, hd: i32, scale: f32): void {
  const Tp = (T + 3) & ~3;
  const group = H / KVH;
  const vt = scratch;
  const dK = vt + (<usize>(Tp * hd) << 2);
  const dV = dK + (<usize>(Tp * hd) << 2);
  const row = dV + (<usize>(Tp * hd) << 2);
  const kvStride = <usize>(KVH * hd) << 2;
  const hdBytes = <usize>hd << 2;
  for (let b = 0; b < B; b++)
    for (let kvh = 0; kvh < KVH; kvh++) {
      transposeHead(vt, v, b, kvh, T, Tp, KVH, hd);
      memory.fill(dK, 0, <usize>(2 * Tp * hd) << 2);
      const kBase = k + (<usize>((b * T * KVH + kvh) * hd) << 2);
      for (let h = kvh * group; h < (kvh + 1) * group; h++)
        for (let t = 0; t < T; t++) {
          const n = t + 1;
          const nb = (n + 3) >> 2;
          const prow = att + (<usize>(((b * H + h) * T + t) * T) << 2);
          const qi = (((b * T + t) * H + h) * hd) << 2;
          const dorow = dout + <usize>qi;
          // O = P·V: dP = dO·Vᵀ, dV[t2] += P[t2]·dO
          scoreRow(row, dorow, vt, nb, Tp, hd);
          addScaledTo(dV, hdBytes, prow, dorow, n, hd);
          // softmax backward, folding in the 1/√hd of S = Q·Kᵀ/√hd: dS = P·(dP − Σ P·dP)·scale
          let pdp: f32 = 0;
          for (let t2 = 0; t2 < n; t2++) pdp += load<f32>(prow + (<usize>t2 << 2)) * load<f32>(row + (<usize>t2 << 2));
          for (let t2 = 0; t2 < n; t2++) {
            const o = <usize>t2 << 2;
            store<f32>(row + o, load<f32>(prow + o) * (load<f32>(row + o) - pdp) * scale);
          }
          // S = Q·Kᵀ: dQ += dS·K, dK[t2] += dS[t2]·Q
          weightedRows(dq + <usize>qi, row, kBase, kvStride, n, hd, true);
          addScaledTo(dK, hdBytes, row, q + <usize>qi, n, hd);
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
