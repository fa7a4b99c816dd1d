// The layers the model runs, from the chosen kernels (./index.ts): the WebAssembly versions when the
// SIMD module is loaded, the JavaScript reference implementations of ../ops.ts otherwise (and for
// shapes the WebAssembly ones do not take: attention with a head size that is not a multiple of 4).
// Same signatures and semantics as ../ops.ts; see there for what each computes.
import { blockAbsmax, dequantizeNF4 as refDequantizeNF4, NF4_CODE, type NF4Tensor } from '../nf4.js';
import * as ref from '../ops.js';
import { wasmKernels as w } from './index.js';

export { IGNORE, embeddingBackward, embeddingForward, ropeApply, ropeTables, type AttnShape } from '../ops.js';

export const swigluForward = w ? w.swigluForward : ref.swigluForward;
export const swigluBackward = w ? w.swigluBackward : ref.swigluBackward;
export const residualForward = w ? w.residualForward : ref.residualForward;
export const rmsnormForward = w ? w.rmsnormForward : ref.rmsnormForward;
export const rmsnormBackward = w ? w.rmsnormBackward : ref.rmsnormBackward;
export const crossEntropyForward = w ? w.crossEntropyForward : ref.crossEntropyForward;
export const crossEntropyBackward = w ? w.crossEntropyBackward : ref.crossEntropyBackward;

/** x[0..n) *= s */
export const scale: (x: Float32Array, s: number, n: number) => void = w
  ? w.scale
  : (x, s, n) => {
      for (let i = 0; i < n; i++) x[i] *= s;
    };

export const attentionForward: typeof ref.attentionForward = (out, att, q, k, v, s) =>
  w && s.hd % 4 === 0 ? w.attentionForward(out, att, q, k, v, s) : ref.attentionForward(out, att, q, k, v, s);

export const attentionBackward: typeof ref.attentionBackward = (dq, dk, dv, dout, att, q, k, v, s) =>
  w && s.hd % 4 === 0 ? w.attentionBackward(dq, dk, dv, dout, att, q, k, v, s) : ref.attentionBackward(dq, dk, dv, dout, att, q, k, v, s);

/** The NF4 tensor's values into out (bit-identical to ../nf4.ts dequantizeNF4). */
export const dequantizeNF4 = (t: NF4Tensor, out: Float32Array): Float32Array =>
  w ? w.dequantizeNF4(t, blockAbsmax(t), NF4_CODE, out) : refDequantizeNF4(t, out);
