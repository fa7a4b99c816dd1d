// Plain JavaScript matrix kernels. Layouts follow nn.Linear: a weight is [OC, C] row-major and
// y = x · Wᵀ. Loops are arranged so the innermost loop walks contiguous memory, and four output
// columns are computed together to reuse each loaded input value (register blocking).

/** out[N,OC] (=|+=) inp[N,C] · W[OC,C]ᵀ */
export function matmulForward(
  out: Float32Array,
  inp: Float32Array,
  w: Float32Array,
  N: number,
  C: number,
  OC: number,
  accumulate = false,
): void {
  for (let n = 0; n < N; n++) {
    const xo = n * C;
    const oo = n * OC;
    let oc = 0;
    for (; oc + 4 <= OC; oc += 4) {
      const w0 = oc * C,
        w1 = w0 + C,
        w2 = w1 + C,
        w3 = w2 + C;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let c = 0; c < C; c++) {
        const x = inp[xo + c];
        s0 += x * w[w0 + c];
        s1 += x * w[w1 + c];
        s2 += x * w[w2 + c];
        s3 += x * w[w3 + c];
      }
      if (accumulate) {
        out[oo + oc] += s0;
        out[oo + oc + 1] += s1;
        out[oo + oc + 2] += s2;
        out[oo + oc + 3] += s3;
      } else {
        out[oo + oc] = s0;
        out[oo + oc + 1] = s1;
        out[oo + oc + 2] = s2;
        out[oo + oc + 3] = s3;
      }
    }
    for (; oc < OC; oc++) {
      const w0 = oc * C;
      let s = 0;
      for (let c = 0; c < C; c++) s += inp[xo + c] * w[w0 + c];
      out[oo + oc] = accumulate ? out[oo + oc] + s : s;
    }
  }
}

/** dinp[N,C] += dout[N,OC] · W[OC,C] */
export function matmulBackwardInput(dinp: Float32Array, dout: Float32Array, w: Float32Array, N: number, C: number, OC: number): void {
  for (let n = 0; n < N; n++) {
    const xo = n * C;
    const oo = n * OC;
    let oc = 0;
    for (; oc + 4 <= OC; oc += 4) {
      const d0 = dout[oo + oc],
        d1 = dout[oo + oc + 1],
        d2 = dout[oo + oc + 2],
        d3 = dout[oo + oc + 3];
      const w0 = oc * C,
        w1 = w0 + C,
        w2 = w1 + C,
        w3 = w2 + C;
      for (let c = 0; c < C; c++) dinp[xo + c] += d0 * w[w0 + c] + d1 * w[w1 + c] + d2 * w[w2 + c] + d3 * w[w3 + c];
    }
    for (; oc < OC; oc++) {
      const d = dout[oo + oc];
      const w0 = oc * C;
      for (let c = 0; c < C; c++) dinp[xo + c] += d * w[w0 + c];
    }
  }
}

/** dW[OC,C] += dout[N,OC]ᵀ · inp[N,C] */
export function matmulBackwardWeight(dw: Float32Array, dout: Float32Array, inp: Float32Array, N: number, C: number, OC: number): void {
  // Rows of dout/inp are streamed once, four at a time; dW (the small operand) stays in cache.
  let n = 0;
  for (; n + 4 <= N; n += 4) {
    const x0 = n * C,
      x1 = x0 + C,
      x2 = x1 + C,
      x3 = x2 + C;
    const o0 = n * OC,
      o1 = o0 + OC,
      o2 = o1 + OC,
      o3 = o2 + OC;
    for (let oc = 0; oc < OC; oc++) {
      const d0 = dout[o0 + oc],
        d1 = dout[o1 + oc],
        d2 = dout[o2 + oc],
        d3 = dout[o3 + oc];
      if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
      const wo = oc * C;
      for (let c = 0; c < C; c++) dw[wo + c] += d0 * inp[x0 + c] + d1 * inp[x1 + c] + d2 * inp[x2 + c] + d3 * inp[x3 + c];
    }
  }
  for (; n < N; n++) {
    const x0 = n * C;
    for (let oc = 0; oc < OC; oc++) {
      const d = dout[n * OC + oc];
      if (d === 0) continue;
      const wo = oc * C;
      for (let c = 0; c < C; c++) dw[wo + c] += d * inp[x0 + c];
    }
  }
}
