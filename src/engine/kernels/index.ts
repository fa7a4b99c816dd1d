// The one place model code gets its matrix multiplies from: WebAssembly SIMD kernels when the built
// module is present (dist/ftlab-kernels.wasm), plain JavaScript otherwise. FTLAB_KERNELS=js forces the
// JavaScript kernels (the two differ in summation order, so bit-exact reproduction of a run needs the
// same choice). The model and LoRA code never import an implementation directly.
import * as js from './js.js';
import { loadWasmKernels, type MatmulKernels } from './wasm.js';

const chosen: MatmulKernels = (process.env.FTLAB_KERNELS !== 'js' && loadWasmKernels()) || { name: 'js', ...js };

export const kernelName = chosen.name;
export const matmulForward = chosen.matmulForward;
export const matmulBackwardInput = chosen.matmulBackwardInput;
export const matmulBackwardWeight = chosen.matmulBackwardWeight;
