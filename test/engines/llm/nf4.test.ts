// NF4 storage as bitsandbytes keeps a QLoRA base, with and without double quantisation of the absmax
// scales: the levels, the storage bits per weight, and the dequantisation error of each.
import { describe, expect, it } from 'vitest';
import {
  blockAbsmax,
  DQ_BLOCK,
  dequantizeNF4,
  DYNAMIC_CODE,
  NF4_BLOCK,
  nf4BitsPerWeight,
  nf4Bytes,
  quantizeNF4,
} from '../../../src/engines/llm/nf4.js';
import { Rng } from '../../../src/engines/llm/rng.js';

/** ‖a − b‖ / ‖b‖ */
function relErr(a: Float32Array, b: Float32Array): number {
  let e = 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    e += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(e / s);
}

// A projection-like weight: normal values whose scale changes every 4,096 values (as rows of a trained
// matrix do), so the absmax values spread and their own quantisation has something to lose.
function weight(n: number, seed = 3): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, (_, i) => rng.normal() * 0.02 * (1 + (((i / 4096) | 0) % 7) / 3));
}

describe('bitsandbytes dynamic 8-bit map (the second quantisation)', () => {
  it('has 256 sorted levels from −0.99297 to 1, with 0, equal to torch-computed create_dynamic_map()', () => {
    expect(DYNAMIC_CODE).toHaveLength(256);
    for (let i = 1; i < 256; i++) expect(DYNAMIC_CODE[i]).toBeGreaterThan(DYNAMIC_CODE[i - 1]);
    // values printed by bitsandbytes' create_dynamic_map() (run under torch 1.13): index → level
    const fromTorch: Array<[number, number]> = [
      [0, -0.992968738079071],
      [1, -0.9789062142372131],
      [127, 0],
      [128, 5.500000384017767e-7],
      [129, 3.250000190746505e-6],
      [200, 0.23359376192092896],
      [254, 0.992968738079071],
      [255, 1],
    ];
    for (const [i, v] of fromTorch) expect(Math.abs(DYNAMIC_CODE[i] - v)).toBeLessThanOrEqual(2e-7 * Math.abs(v));
  });
});

describe('NF4 with double quantisation', () => {
  const n = 64 * NF4_BLOCK * 16; // 65,536 weights: 1,024 NF4 blocks, 4 second-level blocks
  const w = weight(n);
  const single = quantizeNF4(w, [n]);
  const double = quantizeNF4(w, [n], { doubleQuant: true });

  it('stores 4.5 bits per weight plain and ≈ 4.127 double-quantised (QLoRA paper: 4 + 8/64 + 32/(64·256))', () => {
    expect(nf4BitsPerWeight(single)).toBe(4.5);
    expect(nf4Bytes(single)).toBe(n / 2 + (n / NF4_BLOCK) * 4);
    // packed codes + one byte per block + one fp32 scale per 256 blocks + the fp32 offset
    expect(nf4Bytes(double)).toBe(n / 2 + n / NF4_BLOCK + (n / NF4_BLOCK / DQ_BLOCK) * 4 + 4);
    expect(nf4BitsPerWeight(double)).toBeCloseTo(4 + 8 / 64 + 32 / (64 * 256), 3);
    expect(double.absmax).toBeNull();
    expect(double.packed).toEqual(single.packed); // the 4-bit codes themselves do not change
  });

  it('recovers every absmax to within half a dynamic-map step of its block scale', () => {
    const exact = single.absmax!;
    const got = blockAbsmax(double);
    const dq = double.dq!;
    let maxGap = 0;
    for (let i = 1; i < 256; i++) maxGap = Math.max(maxGap, DYNAMIC_CODE[i] - DYNAMIC_CODE[i - 1]);
    let mean = 0;
    for (const a of exact) mean += a / exact.length;
    expect(dq.offset).toBeCloseTo(mean, 6);
    for (let i = 0; i < exact.length; i++) {
      const scale = dq.scales[Math.floor(i / DQ_BLOCK)];
      expect(Math.abs(got[i] - exact[i])).toBeLessThanOrEqual((maxGap / 2) * scale + 1e-7);
    }
    // and overall the scales lose well under 1 %
    expect(relErr(got, exact)).toBeLessThan(0.01);
  });

  it('adds little to the NF4 error of the weights themselves', () => {
    const e1 = relErr(dequantizeNF4(single), w);
    const e2 = relErr(dequantizeNF4(double), w);
    // NF4 of normal weights loses about 9 % (relative Frobenius); the 8-bit scales add a fraction of a percent of that
    expect(e1).toBeGreaterThan(0.07);
    expect(e1).toBeLessThan(0.11);
    expect(e2).toBeGreaterThanOrEqual(e1 * 0.999);
    expect(e2).toBeLessThan(e1 * 1.01);
  });

  it('handles a ragged tail and an all-zero tensor', () => {
    const odd = weight(1000, 9);
    const q = quantizeNF4(odd, [1000], { doubleQuant: true });
    expect(q.dq!.codes).toHaveLength(Math.ceil(1000 / NF4_BLOCK));
    expect(relErr(dequantizeNF4(q), odd)).toBeLessThan(0.12);
    const zeros = quantizeNF4(new Float32Array(300), [300], { doubleQuant: true });
    expect(Array.from(dequantizeNF4(zeros)).every((x) => x === 0)).toBe(true);
  });
});
