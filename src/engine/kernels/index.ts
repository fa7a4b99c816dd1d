// The one place model code gets its matrix multiplies from. Swapping in another implementation
// (e.g. WebAssembly SIMD) means changing this file only; the model and LoRA code never import js.ts.
export { matmulForward, matmulBackwardInput, matmulBackwardWeight } from './js.js';
