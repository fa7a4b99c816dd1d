// The engine's matrix kernels in AssemblyScript, compiled to WebAssembly with 128-bit SIMD by
// scripts/build-kernels.mjs (dist/ftlab-kernels.wasm, entry ./index.ts); ../wasm.ts loads the result.
// This folder has its own tsconfig (AssemblyScript's builtins: v128, f32x4, load/store, usize), so
// `npm run typecheck` checks it separately from the Node code.
//
// Pointers are byte offsets into linear memory. Layouts follow nn.Linear: W is [OC, C] row-major,
// y = x·Wᵀ. Each kernel computes a register tile (several rows and columns at once, so every vector
// loaded is used several times) and handles leftover rows/columns with narrower loops that do the
// same arithmetic in the same order: every output element gets bit-for-bit the same value whichever
// path computed it, so results never depend on how many rows a call is given. No FMA: WebAssembly
// rounds every product and sum, so results are the same on every machine.
//
// Summation order per element: mm_fwd sums c in four f32 lanes (c mod 4), adds the lanes
// (l0 + l2) + (l1 + l3), then the C % 4 tail in order; mm_bwd_in and mm_bwd_w add one term per oc
// (resp. per row n) in index order onto the existing value. The JS fallback (../js.ts) sums in f64,
// so the two differ in the last bits. Scalars are broadcast with load32_splat (one instruction).

// @ts-ignore: decorator (AssemblyScript inlines the function; TypeScript has no function decorators)
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f32x4.add(acc, f32x4.mul(a, b));
}

// lanes of v summed as (l0 + l2) + (l1 + l3)
// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 2) + (f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 3));
}

// [hsum(a), hsum(b), hsum(c), hsum(d)] with the same pairing, in six shuffles and three adds
// @ts-ignore: decorator
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 1, 4, 5), v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 1, 4, 5), v128.shuffle<f32>(c, d, 2, 3, 6, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

// One output element of mm_fwd: the same lane sums as the tiles, then the C % 4 tail in order.
// @ts-ignore: decorator
@inline function dot1(x: usize, w: usize, C: i32, C4: i32): f32 {
  let a = f32x4.splat(0);
  for (let c = 0; c < C4; c += 4) a = madd(a, v128.load(x + (<usize>c << 2)), v128.load(w + (<usize>c << 2)));
  let s = hsum(a);
  for (let c = C4; c < C; c++) s += load<f32>(x + (<usize>c << 2)) * load<f32>(w + (<usize>c << 2));
  return s;
}

// @ts-ignore: decorator
@inline function put(p: usize, s: f32, accumulate: i32): void {
  store<f32>(p, accumulate ? load<f32>(p) + s : s);
}

// out[N,OC] (=|+=) inp[N,C] · W[OC,C]^T; tiles of 2 rows × 4 columns (dot products along c)
export function mm_fwd(out: usize, inp: usize, w: usize, N: i32, C: i32, OC: i32, accumulate: i32): void {
  const C4 = C & ~3;
  const rowC = <usize>C << 2;
  const rowO = <usize>OC << 2;
  let n = 0;
  for (; n + 2 <= N; n += 2) {
    const x0 = inp + <usize>n * rowC;
    const x1 = x0 + rowC;
    const o0 = out + <usize>n * rowO;
    const o1 = o0 + rowO;
    let oc = 0;
    // the vector tile needs no C % 4 tail (the scalar loop below covers C % 4 ≠ 0)
    for (; C4 == C && oc + 4 <= OC; oc += 4) {
      // pointers step through the rows (cheaper than recomputing addresses from c)
      let wp = w + <usize>oc * rowC;
      let xp = x0;
      const xend = x0 + rowC;
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
      while (xp < xend) {
        const xa = v128.load(xp);
        const xb = v128.load(xp + rowC);
        let wv = v128.load(wp);
        a0 = madd(a0, xa, wv);
        b0 = madd(b0, xb, wv);
        wv = v128.load(wp + rowC);
        a1 = madd(a1, xa, wv);
        b1 = madd(b1, xb, wv);
        wv = v128.load(wp + 2 * rowC);
        a2 = madd(a2, xa, wv);
        b2 = madd(b2, xb, wv);
        wv = v128.load(wp + 3 * rowC);
        a3 = madd(a3, xa, wv);
        b3 = madd(b3, xb, wv);
        xp += 16;
        wp += 16;
      }
      const p0 = o0 + (<usize>oc << 2);
      const p1 = o1 + (<usize>oc << 2);
      let s0 = hsum4(a0, a1, a2, a3);
      let s1 = hsum4(b0, b1, b2, b3);
      if (accumulate) {
        s0 = f32x4.add(v128.load(p0), s0);
        s1 = f32x4.add(v128.load(p1), s1);
      }
      v128.store(p0, s0);
      v128.store(p1, s1);
    }
    for (; oc < OC; oc++) {
      const w0 = w + <usize>oc * rowC;
      put(o0 + (<usize>oc << 2), dot1(x0, w0, C, C4), accumulate);
      put(o1 + (<usize>oc << 2), dot1(x1, w0, C, C4), accumulate);
    }
  }
  for (; n < N; n++) {
    const x0 = inp + <usize>n * rowC;
    const o0 = out + <usize>n * rowO;
    for (let oc = 0; oc < OC; oc++) put(o0 + (<usize>oc << 2), dot1(x0, w + <usize>oc * rowC, C, C4), accumulate);
  }
}

// dinp[N,C] += dout[N,OC] · W[OC,C]; tiles of 2 rows × 16 columns held in registers over the oc loop
export function mm_bwd_in(dinp: usize, dout: usize, w: usize, N: i32, C: i32, OC: i32): void {
  const C16 = C & ~15;
  const C4 = C & ~3;
  const rowC = <usize>C << 2;
  const rowO = <usize>OC << 2;
  let n = 0;
  for (; n + 2 <= N; n += 2) {
    const d0 = dout + <usize>n * rowO;
    const d1 = d0 + rowO;
    const x0 = dinp + <usize>n * rowC;
    const x1 = x0 + rowC;
    let c = 0;
    for (; c < C16; c += 16) {
      const off = <usize>c << 2;
      let a0 = v128.load(x0 + off), a1 = v128.load(x0 + off + 16), a2 = v128.load(x0 + off + 32), a3 = v128.load(x0 + off + 48);
      let b0 = v128.load(x1 + off), b1 = v128.load(x1 + off + 16), b2 = v128.load(x1 + off + 32), b3 = v128.load(x1 + off + 48);
      let wp = w + off;
      let dp = d0;
      const dend = d0 + rowO;
      while (dp < dend) {
        const w0 = v128.load(wp), w1 = v128.load(wp + 16), w2 = v128.load(wp + 32), w3 = v128.load(wp + 48);
        wp += rowC;
        let g = v128.load32_splat(dp);
        a0 = madd(a0, g, w0);
        a1 = madd(a1, g, w1);
        a2 = madd(a2, g, w2);
        a3 = madd(a3, g, w3);
        g = v128.load32_splat(dp + rowO);
        dp += 4;
        b0 = madd(b0, g, w0);
        b1 = madd(b1, g, w1);
        b2 = madd(b2, g, w2);
        b3 = madd(b3, g, w3);
      }
      v128.store(x0 + off, a0);
      v128.store(x0 + off + 16, a1);
      v128.store(x0 + off + 32, a2);
      v128.store(x0 + off + 48, a3);
      v128.store(x1 + off, b0);
      v128.store(x1 + off + 16, b1);
      v128.store(x1 + off + 32, b2);
      v128.store(x1 + off + 48, b3);
    }
    for (; c < C4; c += 4) {
      const off = <usize>c << 2;
      let a0 = v128.load(x0 + off), b0 = v128.load(x1 + off);
      let wp = w + off;
      for (let oc = 0; oc < OC; oc++) {
        const o = <usize>oc << 2;
        const w0 = v128.load(wp);
        wp += rowC;
        a0 = madd(a0, v128.load32_splat(d0 + o), w0);
        b0 = madd(b0, v128.load32_splat(d1 + o), w0);
      }
      v128.store(x0 + off, a0);
      v128.store(x1 + off, b0);
    }
    for (; c < C; c++) {
      bwdInScalar(dinp, dout, w, n, c, C, OC);
      bwdInScalar(dinp, dout, w, n + 1, c, C, OC);
    }
  }
  for (; n < N; n++) {
    const d0 = dout + <usize>n * rowO;
    const x0 = dinp + <usize>n * rowC;
    let c = 0;
    for (; c < C4; c += 4) {
      const off = <usize>c << 2;
      let a0 = v128.load(x0 + off);
      let wp = w + off;
      for (let oc = 0; oc < OC; oc++) {
        a0 = madd(a0, v128.load32_splat(d0 + (<usize>oc << 2)), v128.load(wp));
        wp += rowC;
      }
      v128.store(x0 + off, a0);
    }
    for (; c < C; c++) bwdInScalar(dinp, dout, w, n, c, C, OC);
  }
}

// @ts-ignore: decorator
@inline function bwdInScalar(dinp: usize, dout: usize, w: usize, n: i32, c: i32, C: i32, OC: i32): void {
  const p = dinp + (<usize>(n * C + c) << 2);
  let s = load<f32>(p);
  for (let oc = 0; oc < OC; oc++) s += load<f32>(dout + (<usize>(n * OC + oc) << 2)) * load<f32>(w + (<usize>(oc * C + c) << 2));
  store<f32>(p, s);
}

// dW[OC,C] += dout[N,OC]^T · inp[N,C]; tiles of 2 dW rows × 16 columns held in registers over the n loop
export function mm_bwd_w(dw: usize, dout: usize, inp: usize, N: i32, C: i32, OC: i32): void {
  const C16 = C & ~15;
  const C4 = C & ~3;
  const rowC = <usize>C << 2;
  const rowO = <usize>OC << 2;
  let oc = 0;
  for (; oc + 2 <= OC; oc += 2) {
    const g0 = dw + <usize>oc * rowC;
    const g1 = g0 + rowC;
    const dcol = dout + (<usize>oc << 2);
    let c = 0;
    for (; c < C16; c += 16) {
      const off = <usize>c << 2;
      let a0 = v128.load(g0 + off), a1 = v128.load(g0 + off + 16), a2 = v128.load(g0 + off + 32), a3 = v128.load(g0 + off + 48);
      let b0 = v128.load(g1 + off), b1 = v128.load(g1 + off + 16), b2 = v128.load(g1 + off + 32), b3 = v128.load(g1 + off + 48);
      let xp = inp + off;
      let dp = dcol;
      for (let n = 0; n < N; n++) {
        const x0 = v128.load(xp), x1 = v128.load(xp + 16), x2 = v128.load(xp + 32), x3 = v128.load(xp + 48);
        let g = v128.load32_splat(dp);
        a0 = madd(a0, g, x0);
        a1 = madd(a1, g, x1);
        a2 = madd(a2, g, x2);
        a3 = madd(a3, g, x3);
        g = v128.load32_splat(dp + 4);
        b0 = madd(b0, g, x0);
        b1 = madd(b1, g, x1);
        b2 = madd(b2, g, x2);
        b3 = madd(b3, g, x3);
        xp += rowC;
        dp += rowO;
      }
      v128.store(g0 + off, a0);
      v128.store(g0 + off + 16, a1);
      v128.store(g0 + off + 32, a2);
      v128.store(g0 + off + 48, a3);
      v128.store(g1 + off, b0);
      v128.store(g1 + off + 16, b1);
      v128.store(g1 + off + 32, b2);
      v128.store(g1 + off + 48, b3);
    }
    for (; c < C4; c += 4) {
      const off = <usize>c << 2;
      let a0 = v128.load(g0 + off), b0 = v128.load(g1 + off);
      let xp = inp + off;
      let dp = dcol;
      for (let n = 0; n < N; n++) {
        const x0 = v128.load(xp);
        a0 = madd(a0, v128.load32_splat(dp), x0);
        b0 = madd(b0, v128.load32_splat(dp + 4), x0);
        xp += rowC;
        dp += rowO;
      }
      v128.store(g0 + off, a0);
      v128.store(g1 + off, b0);
    }
    for (; c < C; c++) {
      bwdWScalar(dw, dout, inp, N, oc, c, C, OC);
      bwdWScalar(dw, dout, inp, N, oc + 1, c, C, OC);
    }
  }
  for (; oc < OC; oc++) {
    const g0 = dw + <usize>oc * rowC;
    let c = 0;
    for (; c < C4; c += 4) {
      const off = <usize>c << 2;
      let a0 = v128.load(g0 + off);
      let xp = inp + off;
      let dp = dout + (<usize>oc << 2);
      for (let n = 0; n < N; n++) {
        a0 = madd(a0, v128.load32_splat(dp), v128.load(xp));
        xp += rowC;
        dp += rowO;
      }
      v128.store(g0 + off, a0);
    }
    for (; c < C; c++) bwdWScalar(dw, dout, inp, N, oc, c, C, OC);
  }
}

// @ts-ignore: decorator
@inline function bwdWScalar(dw: usize, dout: usize, inp: usize, N: i32, oc: i32, c: i32, C: i32, OC: i32): void {
  const p = dw + (<usize>(oc * C + c) << 2);
  let s = load<f32>(p);
  for (let n = 0; n < N; n++) s += load<f32>(dout + (<usize>(n * OC + oc) << 2)) * load<f32>(inp + (<usize>(n * C + c) << 2));
  store<f32>(p, s);
}
