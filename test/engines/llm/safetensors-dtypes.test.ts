// Half-precision safetensors: files stored as F16 or BF16 (as transformers saves torch_dtype=float16 /
// bfloat16 models) are read back upcast to fp32 exactly, and the writer rounds fp32 to the nearest half
// value, ties to even, as torch's .half() / .bfloat16() do. The bit patterns below are IEEE 754 binary16
// and bfloat16 encodings (e.g. Python's struct.pack('<e', x) for F16).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, saveModel } from '../../../src/engines/llm/io.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import {
  f32ToBf16,
  f32ToF16,
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
  type TensorMap,
} from '../../../src/engines/llm/safetensors.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';

/** A safetensors file holding one tensor of raw 16-bit values. */
function halfFile(dtype: 'F16' | 'BF16', bits: number[]): Uint8Array {
  const header = JSON.stringify({ t: { dtype, shape: [bits.length], data_offsets: [0, bits.length * 2] } });
  const buf = new Uint8Array(8 + header.length + bits.length * 2);
  const dv = new DataView(buf.buffer);
  dv.setBigUint64(0, BigInt(header.length), true);
  buf.set(new TextEncoder().encode(header), 8);
  bits.forEach((b, i) => dv.setUint16(8 + header.length + 2 * i, b, true));
  return buf;
}

const read = (buf: Uint8Array) => Array.from(parseSafetensors(buf).tensors.get('t')!.data);

// [value, F16 bits, BF16 bits]
const KNOWN: Array<[number, number, number]> = [
  [0, 0x0000, 0x0000],
  [1, 0x3c00, 0x3f80],
  [-2, 0xc000, 0xc000],
  [0.5, 0x3800, 0x3f00],
  [65280, 0x7bf8, 0x477f],
  [2 ** -24, 0x0001, 0x3380],
  [2 ** -14, 0x0400, 0x3880],
  [Infinity, 0x7c00, 0x7f80],
  [-Infinity, 0xfc00, 0xff80],
];

describe('safetensors F16 and BF16', () => {
  it('reads known F16 and BF16 bit patterns as their exact values', () => {
    expect(
      read(
        halfFile(
          'F16',
          KNOWN.map((k) => k[1]),
        ),
      ),
    ).toEqual(KNOWN.map((k) => k[0]));
    expect(
      read(
        halfFile(
          'BF16',
          KNOWN.map((k) => k[2]),
        ),
      ),
    ).toEqual(KNOWN.map((k) => k[0]));
    expect(read(halfFile('F16', [0x7bff]))).toEqual([65504]); // the largest F16
    expect(read(halfFile('F16', [0x8000]))[0]).toBe(-0);
    expect(read(halfFile('F16', [0x7e00]))[0]).toBeNaN();
    expect(read(halfFile('BF16', [0x7fc0]))[0]).toBeNaN();
    // values that are not halves of small integers: 0.1 and 1/3 as F16, pi as BF16
    expect(read(halfFile('F16', [0x2e66, 0x3555]))).toEqual([0.0999755859375, 0.333251953125]);
    expect(read(halfFile('BF16', [0x4049]))).toEqual([3.140625]);
  });

  it('writes the same bit patterns for those values', () => {
    for (const [v, h, b] of KNOWN) {
      expect(f32ToF16(v)).toBe(h);
      expect(f32ToBf16(v)).toBe(b);
    }
    expect(f32ToF16(-0)).toBe(0x8000);
    expect(f32ToF16(0.1)).toBe(0x2e66);
    expect(f32ToF16(1 / 3)).toBe(0x3555);
    expect(f32ToBf16(Math.PI)).toBe(0x4049);
    expect(f32ToBf16(0.1)).toBe(0x3dcd);
    expect(f32ToF16(NaN) & 0x7c00).toBe(0x7c00);
    expect(f32ToF16(NaN) & 0x3ff).not.toBe(0);
    expect(f32ToBf16(NaN) & 0x7f).not.toBe(0);
  });

  it('every finite F16 and BF16 value survives a write/read round trip bit for bit', () => {
    const all = Array.from({ length: 65536 }, (_, i) => i);
    const finiteF16 = all.filter((h) => (h & 0x7c00) !== 0x7c00);
    const finiteBf16 = all.filter((h) => (h & 0x7f80) !== 0x7f80);
    const f16 = read(halfFile('F16', finiteF16));
    const bf16 = read(halfFile('BF16', finiteBf16));
    expect(f16.map(f32ToF16)).toEqual(finiteF16);
    expect(bf16.map(f32ToBf16)).toEqual(finiteBf16);
  });

  it('rounds to the nearest half value, ties to even, overflowing to infinity', () => {
    // halfway between 1 and the next F16 (1 + 2^-10) goes to 1 (even); halfway above that to 1 + 2^-9
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00);
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(f32ToF16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(f32ToF16(65519)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00);
    expect(f32ToF16(-1e6)).toBe(0xfc00);
    // subnormals: halfway between 0 and 2^-24 goes to 0, just above it to 2^-24; 3·2^-25 ties to 2·2^-24
    expect(f32ToF16(2 ** -25)).toBe(0x0000);
    expect(f32ToF16(2 ** -25 * 1.01)).toBe(0x0001);
    expect(f32ToF16(3 * 2 ** -25)).toBe(0x0002);
    expect(f32ToF16(2 ** -30)).toBe(0x0000);
    // the largest subnormal rounds up into the smallest normal
    expect(f32ToF16(2 ** -14 - 2 ** -26)).toBe(0x0400);
    // BF16 keeps the top 16 bits of the float32, rounding on the rest
    expect(f32ToBf16(1 + 2 ** -8)).toBe(0x3f80);
    expect(f32ToBf16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(f32ToBf16(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(f32ToBf16(3.4e38)).toBe(0x7f80);
  });

  it('serializes F16/BF16 files at half the size with dtype in the header, and reads them back rounded', () => {
    const rng = new Rng(3);
    const data = Float32Array.from({ length: 96 }, () => rng.normal() * 0.05);
    const tensors: TensorMap = new Map([
      ['a.weight', { shape: [8, 12], data }],
      ['b', { shape: [3], data: Float32Array.of(1, -0.25, 70000) }],
    ]);
    const f32 = serializeSafetensors(tensors);
    for (const dtype of ['F16', 'BF16'] as const) {
      const half = serializeSafetensors(tensors, { format: 'pt' }, dtype);
      const toHalf = dtype === 'F16' ? f32ToF16 : f32ToBf16;
      const back = parseSafetensors(half);
      expect(back.metadata).toEqual({ format: 'pt' });
      expect(back.tensors.get('a.weight')!.shape).toEqual([8, 12]);
      const a = back.tensors.get('a.weight')!.data;
      for (let i = 0; i < data.length; i++) {
        expect(toHalf(a[i])).toBe(toHalf(data[i]));
        expect(Math.abs(a[i] - data[i])).toBeLessThanOrEqual(Math.abs(data[i]) * (dtype === 'F16' ? 2 ** -11 : 2 ** -8) + 2 ** -25);
      }
      expect(Array.from(back.tensors.get('b')!.data)).toEqual(dtype === 'F16' ? [1, -0.25, Infinity] : [1, -0.25, 70144]);
      expect(half.byteLength - 8).toBeLessThan((f32.byteLength - 8) / 2 + 200);
      const headerLen = Number(new DataView(half.buffer).getBigUint64(0, true));
      expect(JSON.parse(new TextDecoder().decode(half.subarray(8, 8 + headerLen)))['a.weight'].dtype).toBe(dtype);
    }
  });

  it('a model folder saved as BF16 loads upcast and computes with the rounded weights', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-bf16-'));
    try {
      const config = {
        vocabSize: 258,
        hiddenSize: 16,
        intermediateSize: 24,
        numLayers: 1,
        numHeads: 2,
        numKvHeads: 1,
        headDim: 8,
        maxPositions: 32,
        rmsNormEps: 1e-5,
        ropeTheta: 10000,
        tieWordEmbeddings: true,
        bosTokenId: 256,
        eosTokenId: 257,
      };
      const model = LlamaModel.init(config, new Rng(5));
      saveModel(join(dir, 'f32'), model, Tokenizer.bytes());
      saveModel(join(dir, 'bf16'), model, Tokenizer.bytes());
      const tensors = readSafetensors(join(dir, 'f32', 'model.safetensors')).tensors;
      writeSafetensors(join(dir, 'bf16', 'model.safetensors'), tensors, { format: 'pt' }, 'BF16');
      const loaded = loadModel(join(dir, 'bf16')).model;
      for (const s of model.params.specs) {
        const want = model.params.view(s.name).map((v) => new Float32Array(new Uint32Array([f32ToBf16(v) << 16]).buffer)[0]);
        expect(loaded.params.view(s.name)).toEqual(want);
      }
      const ids = Int32Array.of(256, 72, 105, 33);
      const targets = Int32Array.of(72, 105, 33, 257);
      const a = model.forward(ids, targets, 1, 4).loss;
      const b = loaded.forward(ids, targets, 1, 4).loss;
      expect(Math.abs(a - b)).toBeLessThan(1e-2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
