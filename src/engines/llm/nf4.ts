// 4-bit NormalFloat (NF4) quantisation as bitsandbytes stores a QLoRA base: the flattened weight is cut
// into blocks of 64, each block keeps its absolute maximum, and every value becomes the index of the
// nearest of 16 fixed levels (quantiles of a normal distribution, scaled to [−1, 1]). Two indices share
// a byte, the first in the high nibble, as bitsandbytes packs them.
//
// The per-block absmax is fp32 (4 + 32/64 = 4.5 bits per weight), or, with double quantisation
// (bitsandbytes' compress_statistics, the QLoRA paper's §3), itself quantised: the tensor's mean absmax
// is subtracted (one fp32 offset), and the centred values are stored as 8-bit codes of bitsandbytes'
// signed dynamic map in blocks of 256, each block with one fp32 scale: 4 + 8/64 + 32/(64·256) ≈ 4.127
// bits per weight.

export const NF4_BLOCK = 64;
/** Block size of the second quantisation (absmax values per fp32 scale), as bitsandbytes uses. */
export const DQ_BLOCK = 256;

/** The 16 NF4 code values from bitsandbytes (QLoRA paper, appendix E). */
export const NF4_CODE = new Float32Array([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495,
  0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0,
]);

/**
 * bitsandbytes' `create_dynamic_map(signed=True)`: 256 sorted levels in [−1, 1], dense near zero. For
 * exponent i = 0…6 it holds the midpoints of linspace(0.1, 1, 2^i + 1) scaled by 10^(i−6), with both
 * signs, plus 0 and 1. Computed in double and rounded to fp32 once; torch rounds each step to fp32, so
 * some levels differ from bitsandbytes' in the last bit (≤ 2e-7 relative, tested against torch's values).
 */
export const DYNAMIC_CODE: Float32Array = (() => {
  const data: number[] = [];
  for (let i = 0; i < 7; i++) {
    const items = 2 ** i + 1;
    const scale = 10 ** (i - 6);
    for (let k = 0; k < items - 1; k++) {
      const mean = 0.1 + (0.9 * (k + 0.5)) / (items - 1); // midpoint of two neighbouring linspace points
      data.push(scale * mean, -scale * mean);
    }
  }
  data.push(0, 1);
  return Float32Array.from(data.sort((a, b) => a - b));
})();

export interface DoubleQuant {
  /** One 8-bit index into DYNAMIC_CODE per NF4 block: the block's absmax minus `offset`, over its scale. */
  codes: Uint8Array;
  /** One fp32 scale per DQ_BLOCK codes (the largest |absmax − offset| of those blocks). */
  scales: Float32Array;
  /** The mean of the tensor's fp32 absmax values, subtracted before quantising them. */
  offset: number;
}

export interface NF4Tensor {
  shape: number[];
  length: number;
  packed: Uint8Array; // ceil(length/2) bytes
  /** One fp32 absmax per block, or null when the absmax values are double-quantised (`dq`). */
  absmax: Float32Array | null;
  dq: DoubleQuant | null;
}

const midpoints = (code: Float32Array) => Float32Array.from({ length: code.length - 1 }, (_, i) => (code[i] + code[i + 1]) / 2);
const NF4_MID = midpoints(NF4_CODE);
const DYN_MID = midpoints(DYNAMIC_CODE);

/** Index of the nearest level (binary search over the sorted midpoints). */
function nearest(mid: Float32Array, x: number): number {
  let lo = 0;
  let hi = mid.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (x > mid[m]) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/** bitsandbytes' quantize_4bit(quant_type="nf4", blocksize=64, compress_statistics=doubleQuant). */
export function quantizeNF4(w: Float32Array, shape: number[], opts: { doubleQuant?: boolean } = {}): NF4Tensor {
  const n = w.length;
  const blocks = Math.ceil(n / NF4_BLOCK);
  const absmax = new Float32Array(blocks);
  const packed = new Uint8Array(Math.ceil(n / 2));
  for (let b = 0; b < blocks; b++) {
    const end = Math.min(n, (b + 1) * NF4_BLOCK);
    let m = 0;
    for (let i = b * NF4_BLOCK; i < end; i++) m = Math.max(m, Math.abs(w[i]));
    absmax[b] = m;
    const inv = m > 0 ? 1 / m : 0;
    for (let i = b * NF4_BLOCK; i < end; i++) {
      const q = nearest(NF4_MID, w[i] * inv);
      packed[i >> 1] |= i & 1 ? q : q << 4;
    }
  }
  if (!opts.doubleQuant) return { shape, length: n, packed, absmax, dq: null };
  return { shape, length: n, packed, absmax: null, dq: quantizeAbsmax(absmax) };
}

/** The second quantisation: absmax − mean, as 8-bit dynamic-map codes in blocks of DQ_BLOCK with fp32 scales. */
export function quantizeAbsmax(absmax: Float32Array): DoubleQuant {
  let sum = 0;
  for (const a of absmax) sum += a;
  const offset = Math.fround(absmax.length ? sum / absmax.length : 0);
  const nb = Math.ceil(absmax.length / DQ_BLOCK);
  const scales = new Float32Array(nb);
  const codes = new Uint8Array(absmax.length);
  for (let b = 0; b < nb; b++) {
    const end = Math.min(absmax.length, (b + 1) * DQ_BLOCK);
    let m = 0;
    for (let i = b * DQ_BLOCK; i < end; i++) m = Math.max(m, Math.abs(absmax[i] - offset));
    scales[b] = m;
    const inv = m > 0 ? 1 / m : 0;
    for (let i = b * DQ_BLOCK; i < end; i++) codes[i] = nearest(DYN_MID, (absmax[i] - offset) * inv);
  }
  return { codes, scales, offset };
}

/** The per-block absmax values as the dequantisation uses them (decoded from the 8-bit codes when double-quantised). */
export function blockAbsmax(t: NF4Tensor): Float32Array {
  if (t.absmax) return t.absmax;
  const { codes, scales, offset } = t.dq!;
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = DYNAMIC_CODE[codes[i]] * scales[(i / DQ_BLOCK) | 0] + offset;
  return out;
}

/** out[i] = code[index_i] · absmax[block(i)] */
export function dequantizeNF4(t: NF4Tensor, out: Float32Array = new Float32Array(t.length)): Float32Array {
  const { packed, length } = t;
  const absmax = blockAbsmax(t);
  for (let i = 0; i < length; i++) {
    const byte = packed[i >> 1];
    const q = i & 1 ? byte & 15 : byte >> 4;
    out[i] = NF4_CODE[q] * absmax[(i / NF4_BLOCK) | 0];
  }
  return out;
}

/** Bytes held by the quantised tensor: packed indices plus fp32 absmax per block, or 8-bit codes + fp32 scales + the offset. */
export function nf4Bytes(t: NF4Tensor): number {
  if (t.absmax) return t.packed.byteLength + t.absmax.byteLength;
  const dq = t.dq!;
  return t.packed.byteLength + dq.codes.byteLength + dq.scales.byteLength + 4;
}

/** Storage bits per weight of the quantised tensor (4.5 plain, ≈ 4.127 double-quantised, for whole blocks). */
export function nf4BitsPerWeight(t: NF4Tensor): number {
  return (nf4Bytes(t) * 8) / t.length;
}
