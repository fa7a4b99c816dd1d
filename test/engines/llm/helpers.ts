// Shared helpers for the engine tests: a tiny config and finite-difference gradient checking.
import type { LlamaConfig } from '../../../src/engines/llm/config.js';
import { saveModel } from '../../../src/engines/llm/io.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';

export function tinyConfig(over: Partial<LlamaConfig> = {}): LlamaConfig {
  return {
    vocabSize: 13,
    hiddenSize: 8,
    intermediateSize: 12,
    numLayers: 2,
    numHeads: 2,
    numKvHeads: 1,
    headDim: 4,
    maxPositions: 32,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
    bosTokenId: 11,
    eosTokenId: 12,
    ...over,
  };
}

/** The training tests' base: a tiny model on the byte vocabulary (256 bytes, <s>, </s>) saved at `dir`. */
export function saveTinyByteModel(dir: string): LlamaConfig {
  const cfg = tinyConfig({
    vocabSize: 258,
    bosTokenId: 256,
    eosTokenId: 257,
    hiddenSize: 16,
    intermediateSize: 32,
    headDim: 4,
    numHeads: 4,
    numKvHeads: 2,
    maxPositions: 64,
    tieWordEmbeddings: true,
  });
  saveModel(dir, LlamaModel.init(cfg, new Rng(3)), Tokenizer.bytes());
  return cfg;
}

export function randn(n: number, rng: Rng, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/**
 * Compares an analytic gradient with central differences of `loss()` for `count` random entries of `x`.
 * Returns the worst relative error |a−n| / max(1e-2, |a|+|n|) so tests assert a bound.
 */
export function gradCheck(
  x: Float32Array,
  analytic: Float32Array,
  loss: () => number,
  rng: Rng,
  count = 20,
  eps = 1e-2,
): { worst: number; where: string } {
  let worst = 0;
  let where = '';
  const idx = new Set<number>();
  while (idx.size < Math.min(count, x.length)) idx.add(rng.int(x.length));
  for (const i of idx) {
    const orig = x[i];
    x[i] = orig + eps;
    const lp = loss();
    x[i] = orig - eps;
    const lm = loss();
    x[i] = orig;
    const numeric = (lp - lm) / (2 * eps);
    const err = Math.abs(analytic[i] - numeric) / Math.max(1e-2, Math.abs(analytic[i]) + Math.abs(numeric));
    if (err > worst) {
      worst = err;
      where = `index ${i}: analytic ${analytic[i]} numeric ${numeric}`;
    }
  }
  return { worst, where };
}

/** Deterministic projection objective L = Σ out·R, whose gradient w.r.t. out is R. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
