// The safetensors file format: an 8-byte little-endian header length, a JSON header mapping tensor
// names to {dtype, shape, data_offsets}, then the raw little-endian tensor bytes.
// We write F32 only (what the engine computes in) and read F32, F16 and BF16 (what PEFT or
// transformers may hand us), converting to Float32Array.
import { readFileSync, writeFileSync } from 'node:fs';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export type TensorMap = Map<string, NamedTensor>;

export class SafetensorsError extends Error {}

export function parseSafetensors(buf: Uint8Array, what = 'safetensors file'): { tensors: TensorMap; metadata: Record<string, string> } {
  if (buf.byteLength < 8) throw new SafetensorsError(`${what}: too short to be a safetensors file`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > buf.byteLength - 8) throw new SafetensorsError(`${what}: header length ${headerLen} exceeds file size`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new SafetensorsError(`${what}: header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const tensors: TensorMap = new Map();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (entry ?? {}) as Record<string, string>;
      continue;
    }
    const e = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!e || !Array.isArray(e.shape) || !Array.isArray(e.data_offsets)) throw new SafetensorsError(`${what}: tensor ${name} has a malformed header entry`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    const [begin, end] = e.data_offsets;
    if (dataStart + end > buf.byteLength || begin > end) throw new SafetensorsError(`${what}: tensor ${name} points outside the file`);
    const bytes = buf.subarray(dataStart + begin, dataStart + end);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Float32Array(count);
    const elemSize = e.dtype === 'F32' ? 4 : e.dtype === 'F16' || e.dtype === 'BF16' ? 2 : e.dtype === 'F64' ? 8 : 0;
    if (!elemSize) throw new SafetensorsError(`${what}: tensor ${name} has unsupported dtype ${e.dtype} (F32, F16, BF16, F64 are read)`);
    if (bytes.byteLength !== count * elemSize) throw new SafetensorsError(`${what}: tensor ${name} has ${bytes.byteLength} bytes, expected ${count * elemSize}`);
    for (let i = 0; i < count; i++) {
      if (e.dtype === 'F32') out[i] = dv.getFloat32(i * 4, true);
      else if (e.dtype === 'F64') out[i] = dv.getFloat64(i * 8, true);
      else if (e.dtype === 'BF16') out[i] = bf16ToF32(dv.getUint16(i * 2, true));
      else out[i] = f16ToF32(dv.getUint16(i * 2, true));
    }
    tensors.set(name, { shape: e.shape, data: out });
  }
  return { tensors, metadata };
}

export function readSafetensors(path: string): { tensors: TensorMap; metadata: Record<string, string> } {
  return parseSafetensors(readFileSync(path), path);
}

/** Serialises tensors as F32 in the given order (names sorted for a canonical, reproducible file). */
export function serializeSafetensors(tensors: TensorMap, metadata: Record<string, string> = {}): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new SafetensorsError(`tensor ${name}: shape ${t.shape} does not match ${t.data.length} values`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
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
    // Float32Array is little-endian on every platform Node supports.
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), pos);
    pos += t.data.byteLength;
  }
  return out;
}

export function writeSafetensors(path: string, tensors: TensorMap, metadata: Record<string, string> = {}): number {
  const bytes = serializeSafetensors(tensors, metadata);
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
