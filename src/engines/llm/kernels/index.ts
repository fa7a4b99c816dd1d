// The one place model code gets its matrix multiplies from: WebAssembly SIMD kernels when the built
// module is present (dist/ftlab-kernels.wasm), plain JavaScript otherwise. FTLAB_KERNELS=js forces the
// JavaScript kernels. The two differ in precision and order: the WASM kernels (assembly/matmul.ts) sum
// in four f32 lanes and add the lanes at the end; the JS kernels sum in f64 (JavaScript numbers) and round
// once on store. They agree within 1e-4 relative (test/engines/llm/kernels.test.ts), so
// bit-exact reproduction of a run needs the same choice. Model and LoRA code never import an
// implementation directly.
import * as js from './js.js';
import { loadWasmKernels, type MatmulKernels } from './wasm.js';

const jsKernels = { name: 'js', ...js } satisfies MatmulKernels;
const chosen: MatmulKernels = (process.env.FTLAB_KERNELS !== 'js' && loadWasmKernels()) || jsKernels;

export const kernelName = chosen.name;
export const matmulForward = chosen.matmulForward;
export const matmulBackwardInput = chosen.matmulBackwardInput;
export const matmulBackwardWeight = chosen.matmulBackwardWeight;
