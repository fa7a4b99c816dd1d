// The engine's matrix kernels in AssemblyScript, compiled to WebAssembly with 128-bit SIMD by
// scripts/build-kernels.mjs (dist/ftlab-kernels.wasm); src/engines/llm/kernels/wasm.ts loads the result.
// This folder has its own tsconfig (AssemblyScript's builtins: v128, f32x4, load/store, usize), so
// `npm run typecheck` checks it separately from the Node code.
//
// Pointers are byte offsets into linear memory; the caller copies operands in and results out.
// Layouts follow nn.Linear: W is [OC, C] row-major, y = x·Wᵀ. Four output columns are computed
// together so every input vector loaded is used four times (register blocking); C % 4 leftovers and
// OC % 4 leftovers are handled by scalar loops. Sums accumulate in f32 lanes (the JS fallback in
// ../js.ts accumulates in f64 and rounds once), so the two differ in the last bits.

// @ts-ignore: decorator (AssemblyScript inlines the function; TypeScript has no function decorators)
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// out[N,OC] (=|+=) inp[N,C] · W[OC,C]^T
export function mm_fwd(out: usize, inp: usize, w: usize, N: i32, C: i32, OC: i32, accumulate: i32): void {
  const C4 = C & ~3;
  const rowW = <usize>C << 2;
  for (let n = 0; n < N; n++) {
    const x = inp + <usize>(n * C) * 4;
    const o = out + <usize>(n * OC) * 4;
    let oc = 0;
    for (; oc + 4 <= OC; oc += 4) {
      const w0 = w + <usize>(oc * C) * 4;
      const w1 = w0 + rowW, w2 = w1 + rowW, w3 = w2 + rowW;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      for (let c = 0; c < C4; c += 4) {
        const off = <usize>c << 2;
        const xv = v128.load(x + off);
        a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(w0 + off)));
        a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(w1 + off)));
        a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(w2 + off)));
        a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(w3 + off)));
      }
      let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
      for (let c = C4; c < C; c++) {
        const xv = load<f32>(x + (<usize>c << 2));
        s0 += xv * load<f32>(w0 + (<usize>c << 2));
        s1 += xv * load<f32>(w1 + (<usize>c << 2));
        s2 += xv * load<f32>(w2 + (<usize>c << 2));
        s3 += xv * load<f32>(w3 + (<usize>c << 2));
      }
      const op = o + (<usize>oc << 2);
      if (accumulate) {
        s0 += load<f32>(op); s1 += load<f32>(op + 4); s2 += load<f32>(op + 8); s3 += load<f32>(op + 12);
      }
      store<f32>(op, s0); store<f32>(op + 4, s1); store<f32>(op + 8, s2); store<f32>(op + 12, s3);
    }
    for (; oc < OC; oc++) {
      const w0 = w + <usize>(oc * C) * 4;
      let s: f32 = 0;
      for (let c = 0; c < C; c++) s += load<f32>(x + (<usize>c << 2)) * load<f32>(w0 + (<usize>c << 2));
      const op = o + (<usize>oc << 2);
      store<f32>(op, accumulate ? load<f32>(op) + s : s);
    }
  }
}

// dinp[N,C] += dout[N,OC] · W[OC,C]
export function mm_bwd_in(dinp: usize, dout: usize, w: usize, N: i32, C: i32, OC: i32): void {
  const C4 = C & ~3;
  const rowW = <usize>C << 2;
  for (let n = 0; n < N; n++) {
    const dx = dinp + <usize>(n * C) * 4;
    const d = dout + <usize>(n * OC) * 4;
    let oc = 0;
    for (; oc + 4 <= OC; oc += 4) {
      const g0 = load<f32>(d + (<usize>oc << 2)), g1 = load<f32>(d + (<usize>oc << 2) + 4);
      const g2 = load<f32>(d + (<usize>oc << 2) + 8), g3 = load<f32>(d + (<usize>oc << 2) + 12);
      const v0 = f32x4.splat(g0), v1 = f32x4.splat(g1), v2 = f32x4.splat(g2), v3 = f32x4.splat(g3);
      const w0 = w + <usize>(oc * C) * 4;
      const w1 = w0 + rowW, w2 = w1 + rowW, w3 = w2 + rowW;
      for (let c = 0; c < C4; c += 4) {
        const off = <usize>c << 2;
        let acc = v128.load(dx + off);
        acc = f32x4.add(acc, f32x4.mul(v0, v128.load(w0 + off)));
        acc = f32x4.add(acc, f32x4.mul(v1, v128.load(w1 + off)));
        acc = f32x4.add(acc, f32x4.mul(v2, v128.load(w2 + off)));
        acc = f32x4.add(acc, f32x4.mul(v3, v128.load(w3 + off)));
        v128.store(dx + off, acc);
      }
      for (let c = C4; c < C; c++) {
        const off = <usize>c << 2;
        store<f32>(dx + off, load<f32>(dx + off) + g0 * load<f32>(w0 + off) + g1 * load<f32>(w1 + off) + g2 * load<f32>(w2 + off) + g3 * load<f32>(w3 + off));
      }
    }
    for (; oc < OC; oc++) {
      const g = load<f32>(d + (<usize>oc << 2));
      const w0 = w + <usize>(oc * C) * 4;
      for (let c = 0; c < C; c++) {
        const off = <usize>c << 2;
        store<f32>(dx + off, load<f32>(dx + off) + g * load<f32>(w0 + off));
      }
    }
  }
}

// dW[OC,C] += dout[N,OC]^T · inp[N,C]
export function mm_bwd_w(dw: usize, dout: usize, inp: usize, N: i32, C: i32, OC: i32): void {
  const C4 = C & ~3;
  const rowX = <usize>C << 2;
  let n = 0;
  for (; n + 4 <= N; n += 4) {
    const x0 = inp + <usize>(n * C) * 4;
    const x1 = x0 + rowX, x2 = x1 + rowX, x3 = x2 + rowX;
    const d0 = dout + <usize>(n * OC) * 4;
    const d1 = d0 + (<usize>OC << 2), d2 = d1 + (<usize>OC << 2), d3 = d2 + (<usize>OC << 2);
    for (let oc = 0; oc < OC; oc++) {
      const o = <usize>oc << 2;
      const g0 = load<f32>(d0 + o), g1 = load<f32>(d1 + o), g2 = load<f32>(d2 + o), g3 = load<f32>(d3 + o);
      if (g0 == 0 && g1 == 0 && g2 == 0 && g3 == 0) continue;
      const v0 = f32x4.splat(g0), v1 = f32x4.splat(g1), v2 = f32x4.splat(g2), v3 = f32x4.splat(g3);
      const wr = dw + <usize>(oc * C) * 4;
      for (let c = 0; c < C4; c += 4) {
        const off = <usize>c << 2;
        let acc = v128.load(wr + off);
        acc = f32x4.add(acc, f32x4.mul(v0, v128.load(x0 + off)));
        acc = f32x4.add(acc, f32x4.mul(v1, v128.load(x1 + off)));
        acc = f32x4.add(acc, f32x4.mul(v2, v128.load(x2 + off)));
        acc = f32x4.add(acc, f32x4.mul(v3, v128.load(x3 + off)));
        v128.store(wr + off, acc);
      }
      for (let c = C4; c < C; c++) {
        const off = <usize>c << 2;
        store<f32>(wr + off, load<f32>(wr + off) + g0 * load<f32>(x0 + off) + g1 * load<f32>(x1 + off) + g2 * load<f32>(x2 + off) + g3 * load<f32>(x3 + off));
      }
    }
  }
  for (; n < N; n++) {
    const x0 = inp + <usize>(n * C) * 4;
    const d0 = dout + <usize>(n * OC) * 4;
    for (let oc = 0; oc < OC; oc++) {
      const g = load<f32>(d0 + (<usize>oc << 2));
      if (g == 0) continue;
      const wr = dw + <usize>(oc * C) * 4;
      for (let c = 0; c < C; c++) {
        const off = <usize>c << 2;
        store<f32>(wr + off, load<f32>(wr + off) + g * load<f32>(x0 + off));
      }
    }
  }
}
