// The WebAssembly SIMD kernels (built by scripts/build-kernels.mjs) against the JavaScript reference:
// matrix products, every layer the model runs in WebAssembly, and the heap they work in.
import { describe, expect, it } from 'vitest';
import * as active from '../../../src/engines/llm/kernels/index.js';
import * as js from '../../../src/engines/llm/kernels/js.js';
import { loadWasmKernels } from '../../../src/engines/llm/kernels/wasm.js';
import { blockAbsmax, dequantizeNF4, NF4_CODE, quantizeNF4 } from '../../../src/engines/llm/nf4.js';
import * as ref from '../../../src/engines/llm/ops.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { randn } from './helpers.js';

const wasm = loadWasmKernels();

/** |a − b| ≤ tol·(1 + |b|) everywhere */
function close(a: Float32Array, b: Float32Array, tol = 1e-4): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (!(e <= worst)) [worst, at] = [e, i];
  }
  expect(worst, `index ${at}: ${a[at]} vs ${b[at]}`).toBeLessThan(tol);
}

describe('matrix kernels', () => {
  it('the build provides the SIMD kernels and they are the active ones', () => {
    expect(wasm).not.toBeNull();
    expect(active.kernelName).toBe(process.env.FTLAB_KERNELS === 'js' ? 'js' : 'wasm-simd');
  });

  const shapes = [
    [5, 7, 9],
    [16, 64, 36],
    [33, 12, 4],
    [1, 64, 258],
    [7, 13, 11],
    [4, 8, 8],
    [9, 40, 16],
  ];

  it.skipIf(!wasm)('SIMD and JS agree on odd and aligned shapes, with accumulation', () => {
    const rng = new Rng(3);
    for (const [N, C, OC] of shapes) {
      const x = randn(N * C, rng),
        w = randn(OC * C, rng),
        d = randn(N * OC, rng);
      const o1 = randn(N * OC, rng),
        o2 = Float32Array.from(o1);
      wasm!.matmulForward(o1, x, w, N, C, OC, true);
      js.matmulForward(o2, x, w, N, C, OC, true);
      close(o1, o2);
      const a1 = randn(N * C, rng),
        a2 = Float32Array.from(a1);
      wasm!.matmulBackwardInput(a1, d, w, N, C, OC);
      js.matmulBackwardInput(a2, d, w, N, C, OC);
      close(a1, a2);
      const g1 = randn(OC * C, rng),
        g2 = Float32Array.from(g1);
      wasm!.matmulBackwardWeight(g1, d, x, N, C, OC);
      js.matmulBackwardWeight(g2, d, x, N, C, OC);
      close(g1, g2);
    }
  });

  it.skipIf(!wasm)('a row gets the same bits whatever else the call computes (tiles and leftovers do the same arithmetic)', () => {
    const rng = new Rng(4);
    for (const [N, C, OC] of shapes) {
      const x = randn(N * C, rng),
        w = randn(OC * C, rng),
        d = randn(N * OC, rng);
      const all = new Float32Array(N * OC);
      wasm!.matmulForward(all, x, w, N, C, OC);
      const dAll = new Float32Array(N * C);
      wasm!.matmulBackwardInput(dAll, d, w, N, C, OC);
      for (let n = 0; n < N; n++) {
        const one = new Float32Array(OC);
        wasm!.matmulForward(one, x.subarray(n * C, n * C + C), w, 1, C, OC);
        expect(one).toEqual(all.subarray(n * OC, n * OC + OC));
        const dOne = new Float32Array(C);
        wasm!.matmulBackwardInput(dOne, d.subarray(n * OC, n * OC + OC), w, 1, C, OC);
        expect(dOne).toEqual(dAll.subarray(n * C, n * C + C));
      }
      // dW rows: the first OC−1 rows alone give the same bits as in the full product
      if (OC > 1) {
        const gAll = new Float32Array(OC * C);
        wasm!.matmulBackwardWeight(gAll, d, x, N, C, OC);
        const dPart = new Float32Array(N * (OC - 1));
        for (let n = 0; n < N; n++) dPart.set(d.subarray(n * OC, n * OC + OC - 1), n * (OC - 1));
        const gPart = new Float32Array((OC - 1) * C);
        wasm!.matmulBackwardWeight(gPart, dPart, x, N, C, OC - 1);
        expect(gPart).toEqual(gAll.subarray(0, (OC - 1) * C));
      }
    }
  });
});

describe.skipIf(!wasm)('layer kernels against the JavaScript reference', () => {
  const rng = new Rng(5);

  it('SwiGLU forward and backward (incl. large |g|)', () => {
    for (const n of [1, 7, 64, 1001]) {
      const g = randn(n, rng, 3),
        u = randn(n, rng);
      g[0] = 95;
      if (n > 1) g[1] = -95;
      const h1 = new Float32Array(n),
        h2 = new Float32Array(n);
      wasm!.swigluForward(h1, g, u, n);
      ref.swigluForward(h2, g, u, n);
      close(h1, h2, 2e-6);
      const dh = randn(n, rng);
      const dg1 = randn(n, rng),
        dg2 = Float32Array.from(dg1),
        du1 = randn(n, rng),
        du2 = Float32Array.from(du1);
      wasm!.swigluBackward(dg1, du1, dh, g, u, n);
      ref.swigluBackward(dg2, du2, dh, g, u, n);
      close(dg1, dg2, 2e-6);
      close(du1, du2, 2e-6);
    }
  });

  it('RMSNorm forward and backward, with and without a weight gradient', () => {
    for (const [N, C] of [
      [3, 8],
      [5, 7],
      [2, 64],
    ]) {
      const x = randn(N * C, rng),
        w = randn(C, rng);
      const o1 = new Float32Array(N * C),
        o2 = new Float32Array(N * C),
        r1 = new Float32Array(N),
        r2 = new Float32Array(N);
      wasm!.rmsnormForward(o1, r1, x, w, N, C, 1e-5);
      ref.rmsnormForward(o2, r2, x, w, N, C, 1e-5);
      close(o1, o2, 2e-6);
      close(r1, r2, 2e-6);
      const d = randn(N * C, rng);
      for (const withW of [true, false]) {
        const dx1 = randn(N * C, rng),
          dx2 = Float32Array.from(dx1),
          dw1 = randn(C, rng),
          dw2 = Float32Array.from(dw1);
        wasm!.rmsnormBackward(dx1, withW ? dw1 : null, d, x, w, r2, N, C);
        ref.rmsnormBackward(dx2, withW ? dw2 : null, d, x, w, r2, N, C);
        close(dx1, dx2, 2e-6);
        close(dw1, dw2, 2e-6);
      }
    }
  });

  it('cross-entropy: losses, probabilities and gradients; ignored rows count nothing', () => {
    for (const [N, V] of [
      [4, 258],
      [3, 13],
      [6, 4099],
    ]) {
      const logits = randn(N * V, rng, 4);
      const targets = new Int32Array(N).map((_, i) => (i % 3 === 1 ? ref.IGNORE : rng.int(V)));
      const p1 = Float32Array.from(logits),
        p2 = Float32Array.from(logits),
        l1 = new Float32Array(N),
        l2 = new Float32Array(N);
      const a = wasm!.crossEntropyForward(p1, targets, N, V, l1);
      const b = ref.crossEntropyForward(p2, targets, N, V, l2);
      expect(a.count).toBe(b.count);
      expect(Math.abs(a.sum - b.sum) / b.sum).toBeLessThan(1e-6);
      close(l1, l2, 1e-6);
      for (let n = 0; n < N; n++) if (targets[n] !== ref.IGNORE) close(p1.subarray(n * V, n * V + V), p2.subarray(n * V, n * V + V), 1e-6);
      const d1 = randn(N * V, rng),
        d2 = randn(N * V, rng);
      wasm!.crossEntropyBackward(d1, p2, targets, N, V, 0.25);
      ref.crossEntropyBackward(d2, p2, targets, N, V, 0.25);
      close(d1, d2, 1e-7);
    }
  });

  it('causal attention with grouped KV heads, forward and backward, odd lengths', () => {
    for (const s of [
      { B: 2, T: 5, H: 4, KVH: 2, hd: 4 },
      { B: 1, T: 9, H: 2, KVH: 2, hd: 8 },
      { B: 1, T: 33, H: 4, KVH: 1, hd: 16 },
      { B: 2, T: 1, H: 2, KVH: 1, hd: 4 },
    ]) {
      const { B, T, H, KVH, hd } = s;
      const q = randn(B * T * H * hd, rng),
        k = randn(B * T * KVH * hd, rng),
        v = randn(B * T * KVH * hd, rng);
      const o1 = new Float32Array(B * T * H * hd),
        o2 = new Float32Array(B * T * H * hd),
        a1 = new Float32Array(B * H * T * T),
        a2 = new Float32Array(B * H * T * T);
      wasm!.attentionForward(o1, a1, q, k, v, s);
      ref.attentionForward(o2, a2, q, k, v, s);
      close(o1, o2, 2e-6);
      for (let r = 0; r < B * H * T; r++) {
        const t = r % T;
        close(a1.subarray(r * T, r * T + t + 1), a2.subarray(r * T, r * T + t + 1), 2e-6);
      }
      const dout = randn(B * T * H * hd, rng);
      const g1 = [randn(q.length, rng), randn(k.length, rng), randn(v.length, rng)];
      const g2 = g1.map((g) => Float32Array.from(g));
      wasm!.attentionBackward(g1[0], g1[1], g1[2], dout, a1, q, k, v, s);
      ref.attentionBackward(g2[0], g2[1], g2[2], dout, a2, q, k, v, s);
      for (let i = 0; i < 3; i++) close(g1[i], g2[i], 1e-5);
    }
  });

  it('NF4 dequantisation is bit-identical', () => {
    for (const n of [64, 130, 640]) {
      const t = quantizeNF4(randn(n, rng), [n]);
      const out = new Float32Array(n);
      wasm!.dequantizeNF4(t, blockAbsmax(t), NF4_CODE, out);
      expect(out).toEqual(dequantizeNF4(t));
    }
  });

  it('operands in the heap and plain arrays give the same bits; arenas give their memory back', () => {
    const before = wasm!.heapInUse();
    const a = wasm!.arena();
    const [N, C, OC] = [9, 40, 16];
    const x = randn(N * C, rng),
      w = randn(OC * C, rng);
    const hx = a.f32(N * C),
      hw = a.f32(OC * C),
      ho = a.f32(N * OC);
    hx.set(x);
    hw.set(w);
    wasm!.matmulForward(ho, hx, hw, N, C, OC);
    const o = new Float32Array(N * OC);
    wasm!.matmulForward(o, x, w, N, C, OC);
    expect(Array.from(ho)).toEqual(Array.from(o));
    // a view of the heap survives growth of the memory (it is shared, so never detached)
    const big = a.f32(8 << 20);
    expect(ho.length).toBe(N * OC);
    expect(Array.from(ho)).toEqual(Array.from(o));
    a.free(big);
    expect(() => a.free(big)).toThrow(/not allocated/);
    a.release();
    expect(wasm!.heapInUse()).toBe(before);
    const again = wasm!.arena().f32(16);
    expect(Array.from(again).every((v) => v === 0)).toBe(true);
  });
});
