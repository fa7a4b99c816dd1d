// Seeded randomness: the same seed always gives the same shuffle, so an exam resumed after a crash shows its
// choices in the same order, and tests are reproducible.

/** 32-bit FNV-1a hash of a string, to derive seeds from ids ("<exam seed>:<question id>"). */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for shuffling. Returns floats in [0, 1). */
export function rng(seed: number | string): () => number {
  let a = (typeof seed === 'string' ? hashSeed(seed) : seed) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A random permutation of 0..n-1. */
export function permutation(n: number, random: () => number): number[] {
  return shuffled(
    Array.from({ length: n }, (_, i) => i),
    random,
  );
}
