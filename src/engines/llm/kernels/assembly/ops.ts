// Element-wise and row-wise layers in WebAssembly SIMD: SwiGLU, RMSNorm, softmax cross-entropy, NF4
// dequantisation. The JavaScript reference implementations (../../ops.ts, ../../nf4.ts) say what each
// computes; these do the same in f32 with a vectorised exp (below), so they agree to ~1e-6 relative,
// not bit for bit. Pointers are byte offsets into linear memory.

// e^x for four lanes (Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial for e^r, 2^n put in
// the exponent bits); about 1 ulp on [−87, 88]. Inputs are clamped to that range, so e^x never
// overflows and is never exactly 0 (callers that need a hard 0 mask it themselves).
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.mul(f32x4.mul(y, r), r), f32x4.add(r, f32x4.splat(1.0)));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2);
}

// The same e^x for one value (lane 0 of the vector version, so tails match the vector body).
// @ts-ignore: decorator
@inline export function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

// @ts-ignore: decorator
@inline function hmax(v: v128): f32 {
  return max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

// ---- SwiGLU: h = silu(g)·u, silu(x) = x·σ(x) --------------------------------------------------------

export function swiglu_fwd(h: usize, g: usize, u: usize, n: i32): void {
  const one = f32x4.splat(1);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(g + o);
    const sig = f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
    v128.store(h + o, f32x4.mul(f32x4.mul(x, sig), v128.load(u + o)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(g + o);
    const sig: f32 = 1 / (1 + exp1(-x));
    store<f32>(h + o, x * sig * load<f32>(u + o));
  }
}

// dg += dh·u·σ(g)·(1 + g·(1 − σ(g))), du += dh·silu(g)
export function swiglu_bwd(dg: usize, du: usize, dh: usize, g: usize, u: usize, n: i32): void {
  const one = f32x4.splat(1);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    const x = v128.load(g + o);
    const sig = f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
    const silu = f32x4.mul(x, sig);
    const d = v128.load(dh + o);
    const local = f32x4.add(sig, f32x4.mul(silu, f32x4.sub(one, sig)));
    v128.store(dg + o, f32x4.add(v128.load(dg + o), f32x4.mul(f32x4.mul(d, v128.load(u + o)), local)));
    v128.store(du + o, f32x4.add(v128.load(du + o), f32x4.mul(d, silu)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<f32>(g + o);
    const sig: f32 = 1 / (1 + exp1(-x));
    const silu = x * sig;
    const d = load<f32>(dh + o);
    store<f32>(dg + o, load<f32>(dg + o) + d * load<f32>(u + o) * (sig + silu * (1 - sig)));
    store<f32>(du + o, load<f32>(du + o) + d * silu);
  }
}

// ---- element-wise helpers ------------------------------------------------------------------------

// out = a + b
export function add(out: usize, a: usize, b: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

// x *= s
export function scale(x: usize, s: f32, n: i32): void {
  const sv = f32x4.splat(s);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(x + o, f32x4.mul(v128.load(x + o), sv));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, load<f32>(x + o) * s);
  }
}

// ---- RMSNorm: out = x·rstd·w, rstd = 1/√(mean(x²) + eps) ---------------------------------------------

export function rmsnorm_fwd(out: usize, rstd: usize, inp: usize, w: usize, N: i32, C: i32, eps: f32): void {
  const C4 = C & ~3;
  for (let n = 0; n < N; n++) {
    const x = inp + (<usize>(n * C) << 2);
    const o = out + (<usize>(n * C) << 2);
    let a = f32x4.splat(0);
    for (let c = 0; c < C4; c += 4) {
      const v = v128.load(x + (<usize>c << 2));
      a = f32x4.add(a, f32x4.mul(v, v));
    }
    let ss = hsum(a);
    for (let c = C4; c < C; c++) {
      const v = load<f32>(x + (<usize>c << 2));
      ss += v * v;
    }
    const r = <f32>(1 / Math.sqrt(<f64>ss / <f64>C + <f64>eps));
    store<f32>(rstd + (<usize>n << 2), r);
    const rv = f32x4.splat(r);
    for (let c = 0; c < C4; c += 4) {
      const off = <usize>c << 2;
      v128.store(o + off, f32x4.mul(f32x4.mul(v128.load(x + off), rv), v128.load(w + off)));
    }
    for (let c = C4; c < C; c++) {
      const off = <usize>c << 2;
      store<f32>(o + off, load<f32>(x + off) * r * load<f32>(w + off));
    }
  }
}

// dinp += ∂L/∂x, dw += ∂L/∂w (dw = 0: frozen). y_c = w_c·x_c·r, ∂r/∂x_j = −r³·x_j/C
export function rmsnorm_bwd(dinp: usize, dw: usize, dout: usize, inp: usize, w: usize, rstd: usize, N: i32, C: i32): void {
  const C4 = C & ~3;
  for (let n = 0; n < N; n++) {
    const x = inp + (<usize>(n * C) << 2);
    const d = dout + (<usize>(n * C) << 2);
    const dx = dinp + (<usize>(n * C) << 2);
    const r = load<f32>(rstd + (<usize>n << 2));
    let a = f32x4.splat(0);
    for (let c = 0; c < C4; c += 4) {
      const off = <usize>c << 2;
      a = f32x4.add(a, f32x4.mul(f32x4.mul(v128.load(d + off), v128.load(w + off)), v128.load(x + off)));
    }
    let dot = hsum(a);
    for (let c = C4; c < C; c++) {
      const off = <usize>c << 2;
      dot += load<f32>(d + off) * load<f32>(w + off) * load<f32>(x + off);
    }
    const k = (r * r * r * dot) / <f32>C;
    const rv = f32x4.splat(r);
    const kv = f32x4.splat(k);
    for (let c = 0; c < C4; c += 4) {
      const off = <usize>c << 2;
      const dv = v128.load(d + off);
      const xv = v128.load(x + off);
      v128.store(dx + off, f32x4.add(v128.load(dx + off), f32x4.sub(f32x4.mul(f32x4.mul(rv, v128.load(w + off)), dv), f32x4.mul(kv, xv))));
      if (dw) v128.store(dw + off, f32x4.add(v128.load(dw + off), f32x4.mul(f32x4.mul(dv, xv), rv)));
    }
    for (let c = C4; c < C; c++) {
      const off = <usize>c << 2;
      const dv = load<f32>(d + off);
      const xv = load<f32>(x + off);
      store<f32>(dx + off, load<f32>(dx + off) + (r * load<f32>(w + off) * dv - k * xv));
      if (dw) store<f32>(dw + off, load<f32>(dw + off) + dv * xv * r);
    }
  }
}

// ---- softmax cross-entropy over rows of logits[N,V] ------------------------------------------------

// Rows whose target is −100 are skipped (left as they are, loss 0). Other rows become probabilities
// in place; losses[n] (when losses ≠ 0) gets the row's loss. Returns the summed loss (f64, rows in order).
export function ce_fwd(logits: usize, targets: usize, N: i32, V: i32, losses: usize): f64 {
  const V4 = V & ~3;
  let sum: f64 = 0;
  for (let n = 0; n < N; n++) {
    const row = logits + (<usize>n * <usize>V << 2);
    const t = load<i32>(targets + (<usize>n << 2));
    if (t == -100) {
      if (losses) store<f32>(losses + (<usize>n << 2), 0);
      continue;
    }
    let mv = f32x4.splat(-Infinity);
    for (let i = 0; i < V4; i += 4) mv = f32x4.max(mv, v128.load(row + (<usize>i << 2)));
    let m = hmax(mv);
    for (let i = V4; i < V; i++) m = max(m, load<f32>(row + (<usize>i << 2)));
    const target = load<f32>(row + (<usize>t << 2));
    const mvv = f32x4.splat(m);
    let zv = f32x4.splat(0);
    for (let i = 0; i < V4; i += 4) {
      const o = <usize>i << 2;
      const e = exp4(f32x4.sub(v128.load(row + o), mvv));
      v128.store(row + o, e);
      zv = f32x4.add(zv, e);
    }
    let z = hsum(zv);
    for (let i = V4; i < V; i++) {
      const o = <usize>i << 2;
      const e = exp1(load<f32>(row + o) - m);
      store<f32>(row + o, e);
      z += e;
    }
    const inv = f32x4.splat(<f32>1 / z);
    for (let i = 0; i < V4; i += 4) {
      const o = <usize>i << 2;
      v128.store(row + o, f32x4.mul(v128.load(row + o), inv));
    }
    for (let i = V4; i < V; i++) {
      const o = <usize>i << 2;
      store<f32>(row + o, load<f32>(row + o) * (<f32>1 / z));
    }
    // −log softmax in log-sum-exp form: log Σexp(x−max) − (x_t − max)
    const l = Math.log(<f64>z) - (<f64>target - <f64>m);
    if (losses) store<f32>(losses + (<usize>n << 2), <f32>l);
    sum += l;
  }
  return sum;
}

// dlogits = s·(probs − onehot(target)) on counted rows, 0 on ignored rows
export function ce_bwd(dlogits: usize, probs: usize, targets: usize, N: i32, V: i32, s: f32): void {
  const V4 = V & ~3;
  const sv = f32x4.splat(s);
  for (let n = 0; n < N; n++) {
    const off = <usize>n * <usize>V << 2;
    const d = dlogits + off;
    const p = probs + off;
    const t = load<i32>(targets + (<usize>n << 2));
    if (t == -100) {
      memory.fill(d, 0, <usize>V << 2);
      continue;
    }
    for (let i = 0; i < V4; i += 4) v128.store(d + (<usize>i << 2), f32x4.mul(v128.load(p + (<usize>i << 2)), sv));
    for (let i = V4; i < V; i++) store<f32>(d + (<usize>i << 2), load<f32>(p + (<usize>i << 2)) * s);
    store<f32>(d + (<usize>t << 2), load<f32>(d + (<usize>t << 2)) - s);
  }
}

// ---- NF4: out[i] = code[index_i]·absmax[i / 64], two indices per byte (high nibble first) -----------

export function nf4_dequant(out: usize, packed: usize, absmax: usize, code: usize, n: i32): void {
  for (let b = 0; b < (n + 63) >> 6; b++) {
    const m = load<f32>(absmax + (<usize>b << 2));
    const end = min(n, (b + 1) << 6);
    for (let i = b << 6; i < end; i += 2) {
      const byte = load<u8>(packed + (<usize>i >> 1));
      store<f32>(out + (<usize>i << 2), load<f32>(code + (<usize>(byte >> 4) << 2)) * m);
      if (i + 1 < end) store<f32>(out + (<usize>(i + 1) << 2), load<f32>(code + (<usize>(byte & 15) << 2)) * m);
    }
  }
}
