// The WebAssembly SIMD kernels (built by scripts/build-kernels.mjs) agree with the JavaScript ones.
import { describe, expect, it } from 'vitest';
import * as active from '../../../src/engines/llm/kernels/index.js';
import * as js from '../../../src/engines/llm/kernels/js.js';
import { loadWasmKernels } from '../../../src/engines/llm/kernels/wasm.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { randn } from './helpers.js';

const wasm = loadWasmKernels();

describe('matrix kernels', () => {
  it('the build provides the SIMD kernels and they are the active ones', () => {
    expect(wasm).not.toBeNull();
    expect(active.kernelName).toBe(process.env.FTLAB_KERNELS === 'js' ? 'js' : 'wasm-simd');
  });

  it.skipIf(!wasm)('SIMD and JS agree on odd and aligned shapes, with accumulation', () => {
    const rng = new Rng(3);
    for (const [N, C, OC] of [
      [5, 7, 9],
      [16, 64, 36],
      [33, 12, 4],
      [1, 64, 258],
    ]) {
      const x = randn(N * C, rng),
        w = randn(OC * C, rng),
        d = randn(N * OC, rng);
      const close = (a: Float32Array, b: Float32Array) =>
        a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-4 * (1 + Math.abs(b[i]))));
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
});
