// WebAssembly SIMD kernels (compiled from AssemblyScript by scripts/build-kernels.mjs into
// dist/ftlab-kernels.wasm) and the heap they work in. The module's memory is shared (a
// SharedArrayBuffer, which grows without detaching), so the engine keeps its activations, scratch and
// replica weights as typed-array views into it (`Arena`) and the kernels take their byte offsets: no
// copies. An operand that lives elsewhere (a plain Float32Array) is copied in for the call, and out
// again when the kernel writes it; results are the same either way.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AttnShape } from '../ops.js';
import type { NF4Tensor } from '../nf4.js';

export interface MatmulKernels {
  name: string;
  matmulForward(out: Float32Array, inp: Float32Array, w: Float32Array, N: number, C: number, OC: number, accumulate?: boolean): void;
  matmulBackwardInput(dinp: Float32Array, dout: Float32Array, w: Float32Array, N: number, C: number, OC: number): void;
  matmulBackwardWeight(dw: Float32Array, dout: Float32Array, inp: Float32Array, N: number, C: number, OC: number): void;
}

/**
 * Allocations with one lifetime (a model's activations, a worker's replica): released together by
 * release(), or when `owner` is garbage-collected. Views stay valid until then.
 */
export interface Arena {
  f32(n: number): Float32Array;
  i32(n: number): Int32Array;
  u8(n: number): Uint8Array;
  /** Releases one block early (a buffer being replaced by a bigger one). */
  free(view: ArrayBufferView): void;
  release(): void;
}

export interface WasmKernels extends MatmulKernels {
  arena(owner?: object): Arena;
  /** Bytes of the module's memory in use (for tests: arenas give their blocks back). */
  heapInUse(): number;
  swigluForward(h: Float32Array, g: Float32Array, u: Float32Array, n: number): void;
  swigluBackward(dg: Float32Array, du: Float32Array, dh: Float32Array, g: Float32Array, u: Float32Array, n: number): void;
  residualForward(out: Float32Array, a: Float32Array, b: Float32Array, n: number): void;
  scale(x: Float32Array, s: number, n: number): void;
  rmsnormForward(out: Float32Array, rstd: Float32Array, inp: Float32Array, w: Float32Array, N: number, C: number, eps: number): void;
  rmsnormBackward(
    dinp: Float32Array,
    dw: Float32Array | null,
    dout: Float32Array,
    inp: Float32Array,
    w: Float32Array,
    rstd: Float32Array,
    N: number,
    C: number,
  ): void;
  crossEntropyForward(
    logits: Float32Array,
    targets: Int32Array,
    N: number,
    V: number,
    losses?: Float32Array,
  ): { sum: number; count: number };
  crossEntropyBackward(dlogits: Float32Array, probs: Float32Array, targets: Int32Array, N: number, V: number, scale: number): void;
  /** hd must be a multiple of 4. */
  attentionForward(out: Float32Array, att: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, s: AttnShape): void;
  attentionBackward(
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    dout: Float32Array,
    att: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    s: AttnShape,
  ): void;
  dequantizeNF4(t: NF4Tensor, absmax: Float32Array, code: Float32Array, out: Float32Array): Float32Array;
}

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

/** What assembly/index.ts exports (pointers are byte offsets into memory). */
interface KernelExports {
  heap_base(): number;
  mm_fwd(out: number, inp: number, w: number, N: number, C: number, OC: number, accumulate: number): void;
  mm_bwd_in(dinp: number, dout: number, w: number, N: number, C: number, OC: number): void;
  mm_bwd_w(dw: number, dout: number, inp: number, N: number, C: number, OC: number): void;
  swiglu_fwd(h: number, g: number, u: number, n: number): void;
  swiglu_bwd(dg: number, du: number, dh: number, g: number, u: number, n: number): void;
  add(out: number, a: number, b: number, n: number): void;
  scale(x: number, s: number, n: number): void;
  rmsnorm_fwd(out: number, rstd: number, inp: number, w: number, N: number, C: number, eps: number): void;
  rmsnorm_bwd(dinp: number, dw: number, dout: number, inp: number, w: number, rstd: number, N: number, C: number): void;
  ce_fwd(logits: number, targets: number, N: number, V: number, losses: number): number;
  ce_bwd(dlogits: number, probs: number, targets: number, N: number, V: number, s: number): void;
  nf4_dequant(out: number, packed: number, absmax: number, code: number, n: number): void;
  attn_fwd(
    out: number,
    att: number,
    q: number,
    k: number,
    v: number,
    scratch: number,
    B: number,
    T: number,
    H: number,
    KVH: number,
    hd: number,
    scale: number,
  ): void;
  attn_bwd(
    dq: number,
    dk: number,
    dv: number,
    dout: number,
    att: number,
    q: number,
    k: number,
    v: number,
    scratch: number,
    B: number,
    T: number,
    H: number,
    KVH: number,
    hd: number,
    scale: number,
  ): void;
}

const PAGE = 65536;
const ALIGN = 64; // a cache line: blocks never share one

type View = Float32Array | Int32Array | Uint8Array;

export function loadWasmKernels(): WasmKernels | null {
  const path = findWasm();
  if (!path) return null;
  let ex: KernelExports;
  let memory: WebAssembly.Memory;
  try {
    const mod = new WebAssembly.Module(readFileSync(path));
    memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
    ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as KernelExports;
  } catch {
    return null; // an older build, or a runtime without SIMD or shared memory: the JS kernels take over
  }

  // ---- the heap: first fit over a free list sorted by offset, bump allocation above it ----------
  const buffers = new Set<ArrayBufferLike>([memory.buffer]);
  let top = Math.ceil(ex.heap_base() / ALIGN) * ALIGN;
  let hwm = top;
  const free: Array<{ off: number; size: number }> = [];
  const blocks = new Map<number, number>(); // offset → size of every live block
  let inUse = 0;
  const alloc = (bytes: number): number => {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    inUse += size;
    for (let i = 0; i < free.length; i++) {
      const f = free[i];
      if (f.size < size) continue;
      const off = f.off;
      if (f.size === size) free.splice(i, 1);
      else {
        f.off += size;
        f.size -= size;
      }
      new Uint8Array(memory.buffer, off, size).fill(0);
      blocks.set(off, size);
      return off;
    }
    const off = top;
    top += size;
    // memory above the high-water mark has never been handed out, so it is still zero
    if (off < hwm) new Uint8Array(memory.buffer, off, Math.min(size, hwm - off)).fill(0);
    hwm = Math.max(hwm, top);
    if (top > memory.buffer.byteLength) {
      memory.grow(Math.ceil((top - memory.buffer.byteLength) / PAGE));
      buffers.add(memory.buffer);
    }
    blocks.set(off, size);
    return off;
  };
  const release = (off: number): void => {
    const size = blocks.get(off);
    if (size === undefined) throw new Error(`kernel heap: no block at ${off}`);
    blocks.delete(off);
    inUse -= size;
    let i = 0;
    while (i < free.length && free[i].off < off) i++;
    free.splice(i, 0, { off, size });
    // coalesce with the next and the previous free block
    if (i + 1 < free.length && free[i].off + free[i].size === free[i + 1].off) {
      free[i].size += free[i + 1].size;
      free.splice(i + 1, 1);
    }
    if (i > 0 && free[i - 1].off + free[i - 1].size === free[i].off) {
      free[i - 1].size += free[i].size;
      free.splice(i, 1);
      i--;
    }
    // a free block at the top goes back to the bump region
    if (free[i].off + free[i].size === top) {
      top = free[i].off;
      free.splice(i, 1);
    }
  };
  const owns = (v: ArrayBufferView): boolean => buffers.has(v.buffer);

  const finalizer = new FinalizationRegistry((offs: Set<number>) => offs.forEach(release));
  const arena = (owner?: object): Arena => {
    const offs = new Set<number>();
    const token = {};
    if (owner) finalizer.register(owner, offs, token);
    return {
      f32: (n) => {
        const off = alloc(n * 4);
        offs.add(off);
        return new Float32Array(memory.buffer, off, n);
      },
      i32: (n) => {
        const off = alloc(n * 4);
        offs.add(off);
        return new Int32Array(memory.buffer, off, n);
      },
      u8: (n) => {
        const off = alloc(n);
        offs.add(off);
        return new Uint8Array(memory.buffer, off, n);
      },
      free: (view) => {
        if (!offs.delete(view.byteOffset)) throw new Error('kernel heap: the view was not allocated by this arena');
        release(view.byteOffset);
      },
      release: () => {
        finalizer.unregister(token);
        offs.forEach(release);
        offs.clear();
      },
    };
  };

  // ---- operands: their offset when they live in the heap, else a copy for the call --------------
  const temps: Array<{ view: View; off: number; out: boolean }> = [];
  const at = (view: View, n: number, mode: 'in' | 'out' | 'inout'): number => {
    // a short operand would let the kernel read or write past it (into other buffers of the heap)
    if (view.length < n) throw new RangeError(`kernel operand has ${view.length} values, the call needs ${n}`);
    if (owns(view)) return view.byteOffset;
    const bytes = n * view.BYTES_PER_ELEMENT;
    const off = alloc(bytes);
    if (mode !== 'out') new Uint8Array(memory.buffer, off, bytes).set(new Uint8Array(view.buffer, view.byteOffset, bytes));
    temps.push({ view, off, out: mode !== 'in' });
    return off;
  };
  const done = (): void => {
    for (const t of temps) {
      if (t.out) {
        const bytes = t.view.byteLength;
        new Uint8Array(t.view.buffer, t.view.byteOffset, bytes).set(new Uint8Array(memory.buffer, t.off, bytes));
      }
      release(t.off);
    }
    temps.length = 0;
  };
  const scratch = (floats: number): number => {
    const off = alloc(floats * 4);
    temps.push({ view: new Float32Array(0), off, out: false });
    return off;
  };
  const sub = (v: Float32Array, n: number) => (v.length === n ? v : v.subarray(0, n));

  return {
    name: 'wasm-simd',
    arena,
    heapInUse: () => inUse,
    matmulForward(out, inp, w, N, C, OC, accumulate = false) {
      const o = at(sub(out, N * OC), N * OC, accumulate ? 'inout' : 'out');
      ex.mm_fwd(o, at(inp, N * C, 'in'), at(w, OC * C, 'in'), N, C, OC, accumulate ? 1 : 0);
      done();
    },
    matmulBackwardInput(dinp, dout, w, N, C, OC) {
      ex.mm_bwd_in(at(sub(dinp, N * C), N * C, 'inout'), at(dout, N * OC, 'in'), at(w, OC * C, 'in'), N, C, OC);
      done();
    },
    matmulBackwardWeight(dw, dout, inp, N, C, OC) {
      ex.mm_bwd_w(at(sub(dw, OC * C), OC * C, 'inout'), at(dout, N * OC, 'in'), at(inp, N * C, 'in'), N, C, OC);
      done();
    },
    swigluForward(h, g, u, n) {
      ex.swiglu_fwd(at(sub(h, n), n, 'out'), at(g, n, 'in'), at(u, n, 'in'), n);
      done();
    },
    swigluBackward(dg, du, dh, g, u, n) {
      ex.swiglu_bwd(at(sub(dg, n), n, 'inout'), at(sub(du, n), n, 'inout'), at(dh, n, 'in'), at(g, n, 'in'), at(u, n, 'in'), n);
      done();
    },
    residualForward(out, a, b, n) {
      ex.add(at(sub(out, n), n, 'out'), at(a, n, 'in'), at(b, n, 'in'), n);
      done();
    },
    scale(x, s, n) {
      ex.scale(at(sub(x, n), n, 'inout'), s, n);
      done();
    },
    rmsnormForward(out, rstd, inp, w, N, C, eps) {
      ex.rmsnorm_fwd(at(sub(out, N * C), N * C, 'out'), at(sub(rstd, N), N, 'out'), at(inp, N * C, 'in'), at(w, C, 'in'), N, C, eps);
      done();
    },
    rmsnormBackward(dinp, dw, dout, inp, w, rstd, N, C) {
      ex.rmsnorm_bwd(
        at(sub(dinp, N * C), N * C, 'inout'),
        dw ? at(sub(dw, C), C, 'inout') : 0,
        at(dout, N * C, 'in'),
        at(inp, N * C, 'in'),
        at(w, C, 'in'),
        at(rstd, N, 'in'),
        N,
        C,
      );
      done();
    },
    crossEntropyForward(logits, targets, N, V, losses) {
      let count = 0;
      for (let n = 0; n < N; n++) if (targets[n] !== -100) count++;
      const sum = ex.ce_fwd(
        at(sub(logits, N * V), N * V, 'inout'),
        at(targets.length === N ? targets : targets.subarray(0, N), N, 'in'),
        N,
        V,
        losses ? at(sub(losses, N), N, 'out') : 0,
      );
      done();
      return { sum, count };
    },
    crossEntropyBackward(dlogits, probs, targets, N, V, s) {
      ex.ce_bwd(at(sub(dlogits, N * V), N * V, 'out'), at(probs, N * V, 'in'), at(targets, N, 'in'), N, V, s);
      done();
    },
    attentionForward(out, att, q, k, v, s) {
      const { B, T, H, KVH, hd } = s;
      const Tp = (T + 3) & ~3;
      ex.attn_fwd(
        at(sub(out, B * T * H * hd), B * T * H * hd, 'out'),
        at(sub(att, B * H * T * T), B * H * T * T, 'inout'),
        at(q, B * T * H * hd, 'in'),
        at(k, B * T * KVH * hd, 'in'),
        at(v, B * T * KVH * hd, 'in'),
        scratch(Tp * hd + Tp),
        B,
        T,
        H,
        KVH,
        hd,
        1 / Math.sqrt(hd),
      );
      done();
    },
    attentionBackward(dq, dk, dv, dout, att, q, k, v, s) {
      const { B, T, H, KVH, hd } = s;
      const Tp = (T + 3) & ~3;
      const NQ = B * T * H * hd;
      const NK = B * T * KVH * hd;
      ex.attn_bwd(
        at(sub(dq, NQ), NQ, 'inout'),
        at(sub(dk, NK), NK, 'inout'),
        at(sub(dv, NK), NK, 'inout'),
        at(dout, NQ, 'in'),
        at(att, B * H * T * T, 'in'),
        at(q, NQ, 'in'),
        at(k, NK, 'in'),
        at(v, NK, 'in'),
        scratch(3 * Tp * hd + T * Tp),
        B,
        T,
        H,
        KVH,
        hd,
        1 / Math.sqrt(hd),
      );
      done();
    },
    dequantizeNF4(t, absmax, code, out) {
      ex.nf4_dequant(
        at(sub(out, t.length), t.length, 'out'),
        at(t.packed, t.packed.length, 'in'),
        at(absmax, absmax.length, 'in'),
        at(code, 16, 'in'),
        t.length,
      );
      done();
      return out;
    },
  };
}
