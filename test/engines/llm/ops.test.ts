// Every op's backward pass against central finite differences.
import { describe, expect, it } from 'vitest';
import { matmulBackwardInput, matmulBackwardWeight, matmulForward } from '../../../src/engines/llm/kernels/index.js';
import {
  attentionBackward,
  attentionForward,
  crossEntropyBackward,
  crossEntropyForward,
  embeddingBackward,
  embeddingForward,
  IGNORE,
  rmsnormBackward,
  rmsnormForward,
  ropeApply,
  ropeTables,
  swigluBackward,
  swigluForward,
} from '../../../src/engines/llm/ops.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { dot, gradCheck, randn } from './helpers.js';

const TOL = 2e-2;

describe('op gradients match finite differences', () => {
  it('matmul (input and weight)', () => {
    const rng = new Rng(1);
    const [N, C, OC] = [5, 7, 6];
    const x = randn(N * C, rng),
      w = randn(OC * C, rng),
      R = randn(N * OC, rng);
    const out = new Float32Array(N * OC);
    const loss = () => (matmulForward(out, x, w, N, C, OC), dot(out, R));
    const dx = new Float32Array(N * C),
      dw = new Float32Array(OC * C);
    matmulBackwardInput(dx, R, w, N, C, OC);
    matmulBackwardWeight(dw, R, x, N, C, OC);
    expect(gradCheck(x, dx, loss, rng).worst).toBeLessThan(TOL);
    expect(gradCheck(w, dw, loss, rng).worst).toBeLessThan(TOL);
  });

  it('embedding', () => {
    const rng = new Rng(2);
    const [N, C, V] = [6, 4, 5];
    const tokens = Int32Array.from([0, 3, 3, 1, 4, 0]);
    const wte = randn(V * C, rng),
      R = randn(N * C, rng),
      out = new Float32Array(N * C);
    const loss = () => (embeddingForward(out, tokens, wte, N, C), dot(out, R));
    const dw = new Float32Array(V * C);
    embeddingBackward(dw, R, tokens, N, C);
    expect(gradCheck(wte, dw, loss, rng).worst).toBeLessThan(TOL);
  });

  it('rmsnorm (input and weight)', () => {
    const rng = new Rng(3);
    const [N, C] = [4, 8];
    const x = randn(N * C, rng),
      w = randn(C, rng),
      R = randn(N * C, rng);
    const out = new Float32Array(N * C),
      rstd = new Float32Array(N);
    const loss = () => (rmsnormForward(out, rstd, x, w, N, C, 1e-5), dot(out, R));
    loss();
    const dx = new Float32Array(N * C),
      dw = new Float32Array(C);
    rmsnormBackward(dx, dw, R, x, w, rstd, N, C);
    expect(gradCheck(x, dx, loss, rng).worst).toBeLessThan(TOL);
    expect(gradCheck(w, dw, loss, rng).worst).toBeLessThan(TOL);
  });

  it('rotary embedding (inverse rotation is the backward)', () => {
    const rng = new Rng(4);
    const [B, T, nh, hd] = [2, 5, 2, 6];
    const x = randn(B * T * nh * hd, rng),
      R = randn(x.length, rng);
    const { cos, sin } = ropeTables(T, hd, 10000);
    const loss = () => {
      const y = Float32Array.from(x);
      ropeApply(y, cos, sin, B, T, nh, hd);
      return dot(y, R);
    };
    const dx = Float32Array.from(R);
    ropeApply(dx, cos, sin, B, T, nh, hd, -1);
    expect(gradCheck(x, dx, loss, rng).worst).toBeLessThan(TOL);
  });

  it('causal attention with grouped KV heads (q, k, v)', () => {
    const rng = new Rng(5);
    const s = { B: 2, T: 5, H: 4, KVH: 2, hd: 3 };
    const N = s.B * s.T;
    const q = randn(N * s.H * s.hd, rng),
      k = randn(N * s.KVH * s.hd, rng),
      v = randn(N * s.KVH * s.hd, rng);
    const R = randn(N * s.H * s.hd, rng);
    const out = new Float32Array(q.length),
      att = new Float32Array(s.B * s.H * s.T * s.T);
    const loss = () => (attentionForward(out, att, q, k, v, s), dot(out, R));
    loss();
    const dq = new Float32Array(q.length),
      dk = new Float32Array(k.length),
      dv = new Float32Array(v.length);
    attentionBackward(dq, dk, dv, R, att, q, k, v, s);
    expect(gradCheck(q, dq, loss, rng).worst).toBeLessThan(TOL);
    expect(gradCheck(k, dk, loss, rng).worst).toBeLessThan(TOL);
    expect(gradCheck(v, dv, loss, rng).worst).toBeLessThan(TOL);
  });

  it('attention is causal: later positions do not change earlier outputs', () => {
    const rng = new Rng(6);
    const s = { B: 1, T: 4, H: 1, KVH: 1, hd: 2 };
    const q = randn(8, rng),
      k = randn(8, rng),
      v = randn(8, rng);
    const out1 = new Float32Array(8),
      out2 = new Float32Array(8),
      att = new Float32Array(16);
    attentionForward(out1, att, q, k, v, s);
    k[7] += 5;
    v[7] += 5;
    attentionForward(out2, att, q, k, v, s);
    expect(Array.from(out1.subarray(0, 6))).toEqual(Array.from(out2.subarray(0, 6)));
  });

  it('swiglu (gate and up)', () => {
    const rng = new Rng(7);
    const n = 20;
    const g = randn(n, rng),
      u = randn(n, rng),
      R = randn(n, rng),
      h = new Float32Array(n);
    const loss = () => (swigluForward(h, g, u, n), dot(h, R));
    const dg = new Float32Array(n),
      du = new Float32Array(n);
    swigluBackward(dg, du, R, g, u, n);
    expect(gradCheck(g, dg, loss, rng).worst).toBeLessThan(TOL);
    expect(gradCheck(u, du, loss, rng).worst).toBeLessThan(TOL);
  });

  it('cross-entropy with ignored targets', () => {
    const rng = new Rng(8);
    const [N, V] = [5, 7];
    const logits = randn(N * V, rng, 2);
    const targets = Int32Array.from([1, IGNORE, 6, 0, IGNORE]);
    const loss = () => crossEntropyForward(Float32Array.from(logits), targets, N, V).sum;
    const probs = Float32Array.from(logits);
    const { count } = crossEntropyForward(probs, targets, N, V);
    expect(count).toBe(3);
    const d = new Float32Array(N * V);
    crossEntropyBackward(d, probs, targets, N, V, 1);
    expect(gradCheck(logits, d, loss, rng, 30).worst).toBeLessThan(TOL);
    // an ignored row contributes nothing
    expect(Array.from(d.subarray(V, 2 * V)).every((x) => x === 0)).toBe(true);
  });
});
