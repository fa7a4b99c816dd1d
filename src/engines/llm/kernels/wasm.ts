// WebAssembly SIMD kernels (compiled from AssemblyScript by scripts/build-kernels.mjs into
// dist/ftlab-kernels.wasm). Operands are copied into the module's linear memory for each call and
// results copied back; for the shapes the engine uses, the copies cost a few percent of the multiply.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MatmulKernels {
  name: string;
  matmulForward(out: Float32Array, inp: Float32Array, w: Float32Array, N: number, C: number, OC: number, accumulate?: boolean): void;
  matmulBackwardInput(dinp: Float32Array, dout: Float32Array, w: Float32Array, N: number, C: number, OC: number): void;
  matmulBackwardWeight(dw: Float32Array, dout: Float32Array, inp: Float32Array, N: number, C: number, OC: number): void;
}

const BASE = 65536; // first page left to the module's own static data

function findWasm(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const p of [join(dir, 'ftlab-kernels.wasm'), join(dir, 'dist', 'ftlab-kernels.wasm')]) if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** What assembly/matmul.ts exports (pointers are byte offsets into memory). */
interface KernelExports {
  memory: WebAssembly.Memory;
  mm_fwd(out: number, inp: number, w: number, N: number, C: number, OC: number, accumulate: number): void;
  mm_bwd_in(dinp: number, dout: number, w: number, N: number, C: number, OC: number): void;
  mm_bwd_w(dw: number, dout: number, inp: number, N: number, C: number, OC: number): void;
}

export function loadWasmKernels(): MatmulKernels | null {
  const path = findWasm();
  if (!path) return null;
  let exports: KernelExports;
  try {
    exports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {}).exports as unknown as KernelExports;
  } catch {
    return null; // e.g. a runtime without SIMD: the JS kernels take over
  }
  const memory = exports.memory;
  let heap = new Float32Array(memory.buffer);
  const reserve = (bytes: number) => {
    const need = BASE + bytes;
    if (need > memory.buffer.byteLength) {
      memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
      heap = new Float32Array(memory.buffer);
    }
  };
  // lay operands out back to back from BASE (offsets in floats, 16-byte aligned)
  const place = (sizes: number[]): number[] => {
    const offs: number[] = [];
    let at = BASE / 4;
    for (const s of sizes) {
      offs.push(at);
      at += (s + 3) & ~3;
    }
    reserve(at * 4 - BASE);
    return offs;
  };
  return {
    name: 'wasm-simd',
    matmulForward(out, inp, w, N, C, OC, accumulate = false) {
      const [o, x, ww] = place([N * OC, N * C, OC * C]);
      heap.set(inp.subarray(0, N * C), x);
      heap.set(w.subarray(0, OC * C), ww);
      if (accumulate) heap.set(out.subarray(0, N * OC), o);
      exports.mm_fwd(o * 4, x * 4, ww * 4, N, C, OC, accumulate ? 1 : 0);
      out.set(heap.subarray(o, o + N * OC));
    },
    matmulBackwardInput(dinp, dout, w, N, C, OC) {
      const [dx, d, ww] = place([N * C, N * OC, OC * C]);
      heap.set(dinp.subarray(0, N * C), dx);
      heap.set(dout.subarray(0, N * OC), d);
      heap.set(w.subarray(0, OC * C), ww);
      exports.mm_bwd_in(dx * 4, d * 4, ww * 4, N, C, OC);
      dinp.set(heap.subarray(dx, dx + N * C));
    },
    matmulBackwardWeight(dw, dout, inp, N, C, OC) {
      const [g, d, x] = place([OC * C, N * OC, N * C]);
      heap.set(dw.subarray(0, OC * C), g);
      heap.set(dout.subarray(0, N * OC), d);
      heap.set(inp.subarray(0, N * C), x);
      exports.mm_bwd_w(g * 4, d * 4, x * 4, N, C, OC);
      dw.set(heap.subarray(g, g + OC * C));
    },
  };
}
