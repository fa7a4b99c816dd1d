// The safetensors file format: an 8-byte little-endian header length, a JSON header mapping tensor
// names to {dtype, shape, data_offsets}, then the raw little-endian tensor bytes.
// We write F32 (what the engine computes in) or, on request, F16/BF16 (half the bytes, for shipping a
// model), and read F32, F16, BF16 and F64 (what PEFT or transformers may hand us), upcasting to Float32Array.
import { writeFileSync } from 'node:fs';
import { ModelFileError, readModelFile } from './errors.js';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export type TensorMap = Map<string, NamedTensor>;

/** A safetensors file that cannot be read; the message starts with the file's path. */
export class SafetensorsError extends ModelFileError {}

const ELEM_SIZE: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * Every field of the header is checked before it is used (types, integer shapes and offsets inside the
 * file, byte size = element count × dtype size), so a damaged file gives a SafetensorsError naming the
 * file and the tensor, never a RangeError or a huge allocation.
 */
export function parseSafetensors(buf: Uint8Array, what = 'safetensors file'): { tensors: TensorMap; metadata: Record<string, string> } {
  const fail = (msg: string) => new SafetensorsError(`${what}: ${msg}`);
  if (buf.byteLength < 8) throw fail(`too short to be a safetensors file (${buf.byteLength} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLenBig = view.getBigUint64(0, true);
  if (headerLenBig > BigInt(buf.byteLength - 8))
    throw fail(`header length ${headerLenBig} exceeds the file size (${buf.byteLength} bytes): the file is truncated or not safetensors`);
  const headerLen = Number(headerLenBig);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + headerLen));
  } catch {
    throw fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw fail('header is not a JSON object');
  const dataStart = 8 + headerLen;
  const dataLen = buf.byteLength - dataStart;
  const tensors: TensorMap = new Map();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null) continue;
      if (typeof entry !== 'object' || Array.isArray(entry) || Object.values(entry).some((v) => typeof v !== 'string'))
        throw fail('__metadata__ must map names to strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (!e || typeof e !== 'object' || Array.isArray(e)) throw fail(`tensor ${name} has a malformed header entry`);
    if (!Array.isArray(e.shape) || !e.shape.every(isCount))
      throw fail(`tensor ${name} has a malformed shape (expected a list of non-negative integers)`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
      throw fail(`tensor ${name} has malformed data_offsets (expected [begin, end])`);
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLen)
      throw fail(`tensor ${name} points outside the file (bytes ${begin}..${end} of ${dataLen}): the file is truncated or damaged`);
    const elemSize = typeof e.dtype === 'string' ? ELEM_SIZE[e.dtype] : undefined;
    if (!elemSize) throw fail(`tensor ${name} has unsupported dtype ${JSON.stringify(e.dtype)} (F32, F16, BF16, F64 are read)`);
    const shape = e.shape as number[];
    // the product stays exact: it is compared with a byte count that fits in the file
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * elemSize)
      throw fail(`tensor ${name} has ${end - begin} bytes, its shape [${shape}] and dtype ${e.dtype} need ${count * elemSize}`);
    const dv = new DataView(buf.buffer, buf.byteOffset + dataStart + begin, end - begin);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (e.dtype === 'F32') out[i] = dv.getFloat32(i * 4, true);
      else if (e.dtype === 'F64') out[i] = dv.getFloat64(i * 8, true);
      else if (e.dtype === 'BF16') out[i] = bf16ToF32(dv.getUint16(i * 2, true));
      else out[i] = f16ToF32(dv.getUint16(i * 2, true));
    }
    tensors.set(name, { shape, data: out });
  }
  return { tensors, metadata };
}

export function readSafetensors(path: string): { tensors: TensorMap; metadata: Record<string, string> } {
  return parseSafetensors(readModelFile(path), path);
}

/** The dtypes we write: F32, or half precision (values rounded to nearest, ties to even). */
export type WriteDtype = 'F32' | 'F16' | 'BF16';

/** Serialises tensors (names sorted for a canonical, reproducible file), as F32 unless `dtype` says otherwise. */
export function serializeSafetensors(tensors: TensorMap, metadata: Record<string, string> = {}, dtype: WriteDtype = 'F32'): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const size = ELEM_SIZE[dtype];
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const n = t.shape.reduce((a, b) => a * b, 1);
    // a caller's bug, not a user's file
    if (n !== t.data.length) throw new Error(`tensor ${name}: shape ${t.shape} does not match ${t.data.length} values`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + n * size] };
    offset += n * size;
  }
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    if (dtype === 'F32') {
      // Float32Array is little-endian on every platform Node supports.
      out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
      pos += t.data.byteLength;
      continue;
    }
    const toHalf = dtype === 'F16' ? f32ToF16 : f32ToBf16;
    for (let i = 0; i < t.data.length; i++, pos += 2) dv.setUint16(pos, toHalf(t.data[i]), true);
  }
  return out;
}

export function writeSafetensors(
  path: string,
  tensors: TensorMap,
  metadata: Record<string, string> = {},
  dtype: WriteDtype = 'F32',
): number {
  const bytes = serializeSafetensors(tensors, metadata, dtype);
  writeFileSync(path, bytes);
  return bytes.byteLength;
}

function bf16ToF32(h: number): number {
  const f = new Float32Array(1);
  new Uint32Array(f.buffer)[0] = h << 16;
  return f[0];
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → bfloat16 bits: the top 16 bits, rounded to nearest even; NaN stays a (quiet) NaN. */
export function f32ToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  if ((b & 0x7fffffff) > 0x7f800000) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float32 → IEEE half bits, rounded to nearest even; beyond 65504 gives ±Infinity, tiny values subnormals or ±0. */
export function f32ToF16(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal half (or zero): shift the mantissa with its implicit 1 into place, rounding to nearest even
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && half & 1) ? 1 : 0));
  }
  const rest = mant & 0x1fff;
  mant >>>= 13;
  if (rest > 0x1000 || (rest === 0x1000 && mant & 1)) {
    mant++;
    if (mant === 0x400) {
      mant = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | mant;
}
