// The one place model code gets its kernels from: WebAssembly SIMD kernels when the built module is
// present (dist/ftlab-kernels.wasm), plain JavaScript otherwise. FTLAB_KERNELS=js forces the
// JavaScript kernels. The two differ in precision and order: the WASM kernels (assembly/) sum in f32
// lanes and use a polynomial exp; the JS ones (js.ts, ../ops.ts) sum matrix products in f64 (JavaScript
// numbers) and round once on store. They agree within 1e-4 relative (test/engines/llm/kernels.test.ts),
// so bit-exact reproduction of a run needs the same choice. Model and LoRA code never import an
// implementation directly; layers come from ./ops.ts, which picks the same way.
import * as js from './js.js';
import { loadWasmKernels, type Arena, type MatmulKernels, type WasmKernels } from './wasm.js';

export type { Arena };

const jsKernels = { name: 'js', ...js } satisfies MatmulKernels;
/** The WebAssembly kernels when they are the chosen ones, else null. */
export const wasmKernels: WasmKernels | null = process.env.FTLAB_KERNELS !== 'js' ? loadWasmKernels() : null;
const chosen: MatmulKernels = wasmKernels ?? jsKernels;

export const kernelName = chosen.name;
export const matmulForward = chosen.matmulForward;
export const matmulBackwardInput = chosen.matmulBackwardInput;
export const matmulBackwardWeight = chosen.matmulBackwardWeight;

// With the JS kernels an arena is plain typed arrays that the garbage collector reclaims.
const plainArena: Arena = {
  f32: (n) => new Float32Array(n),
  i32: (n) => new Int32Array(n),
  u8: (n) => new Uint8Array(n),
  free: () => {},
  release: () => {},
};

/**
 * Buffers with one lifetime, in the kernels' memory when they run in WebAssembly (so no operand is
 * copied): released by release() or when `owner` is garbage-collected. Views must not be used after.
 */
export function arena(owner?: object): Arena {
  return wasmKernels ? wasmKernels.arena(owner) : plainArena;
}
