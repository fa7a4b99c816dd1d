// 4-bit NormalFloat (NF4) quantisation as bitsandbytes stores a QLoRA base: the flattened weight is cut
// into blocks of 64, each block keeps its absolute maximum in fp32, and every value becomes the index
// of the nearest of 16 fixed levels (quantiles of a normal distribution, scaled to [−1, 1]).
// Two indices share a byte, the first in the high nibble, as bitsandbytes packs them.
// (bitsandbytes can also quantise the absmax values themselves, "double quantisation"; we keep them fp32.)

export const NF4_BLOCK = 64;

/** The 16 NF4 code values from bitsandbytes (QLoRA paper, appendix E). */
export const NF4_CODE = new Float32Array([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334, -0.09105003625154495,
  0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1.0,
]);

export interface NF4Tensor {
  shape: number[];
  length: number;
  packed: Uint8Array; // ceil(length/2) bytes
  absmax: Float32Array; // one per block
}

const MIDPOINTS = Array.from({ length: 15 }, (_, i) => (NF4_CODE[i] + NF4_CODE[i + 1]) / 2);

function nearestCode(x: number): number {
  // binary search over the sorted midpoints
  let lo = 0;
  let hi = 15;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x > MIDPOINTS[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function quantizeNF4(w: Float32Array, shape: number[]): NF4Tensor {
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
      const q = nearestCode(w[i] * inv);
      packed[i >> 1] |= i & 1 ? q : q << 4;
    }
  }
  return { shape, length: n, packed, absmax };
}

/** out[i] = code[index_i] · absmax[block(i)] */
export function dequantizeNF4(t: NF4Tensor, out: Float32Array = new Float32Array(t.length)): Float32Array {
  const { packed, absmax, length } = t;
  for (let i = 0; i < length; i++) {
    const byte = packed[i >> 1];
    const q = i & 1 ? byte & 15 : byte >> 4;
    out[i] = NF4_CODE[q] * absmax[(i / NF4_BLOCK) | 0];
  }
  return out;
}

/** Bytes held by the quantised tensor (packed indices + fp32 absmax per block). */
export function nf4Bytes(t: NF4Tensor): number {
  return t.packed.byteLength + t.absmax.byteLength;
}
