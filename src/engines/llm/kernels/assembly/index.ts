// Entry of the WebAssembly build (scripts/build-kernels.mjs): everything ../wasm.ts calls.
export { mm_fwd, mm_bwd_in, mm_bwd_w } from './matmul';
export { swiglu_fwd, swiglu_bwd, add, scale, rmsnorm_fwd, rmsnorm_bwd, ce_fwd, ce_bwd, nf4_dequant } from './ops';
export { attn_fwd, attn_bwd } from './attention';

// First byte after the module's static data: the JavaScript heap allocator starts above it.
export function heap_base(): usize {
  return __heap_base;
}
