// Token ids for BLEU's n-gram counting. Counting only needs to know which tokens are equal, so
// a segment becomes a sequence of integer ids. The interner hashes characters straight from the
// line and compares candidates in place, so the common 13a word costs no string allocation and
// no Map lookup; `ids13a` fuses sacrebleu's 13a tokenizer with that interning.
import { isPyWhitespace } from './text.js';
import { isolated13a, prepare13a, split13aWord } from './tokenizers.js';

/** Past this many distinct tokens the interner starts over (ids only need to agree within a segment). */
const VOCAB_LIMIT = 1 << 18;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** A growable sequence of token ids: `ids[0..length)`. */
export class IdSeq {
  ids = new Int32Array(64);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(id: number): void {
    if (this.length === this.ids.length) {
      const bigger = new Int32Array(this.ids.length * 2);
      bigger.set(this.ids);
      this.ids = bigger;
    }
    this.ids[this.length++] = id;
  }
}

export class TokenInterner {
  private keys: string[] = [];
  private hashes = new Int32Array(1 << 12);
  private slotIds = new Int32Array(1 << 12); // 0 = empty slot
  private mask = (1 << 12) - 1;
  private count = 0;

  constructor(private readonly limit = VOCAB_LIMIT) {}

  get size(): number {
    return this.count;
  }

  /** Forgets every id; call only between segments. */
  resetIfFull(): void {
    if (this.count < this.limit) return;
    this.keys = [];
    this.hashes = new Int32Array(1 << 12);
    this.slotIds = new Int32Array(1 << 12);
    this.mask = (1 << 12) - 1;
    this.count = 0;
  }

  /** Id of the token s[start..end), whose FNV-1a hash over UTF-16 code units is `hash`. */
  internHashed(s: string, start: number, end: number, hash: number): number {
    const { hashes, slotIds, keys, mask } = this;
    const len = end - start;
    let i = hash & mask;
    for (;;) {
      const id = slotIds[i];
      if (id === 0) break;
      if (hashes[i] === hash) {
        const key = keys[id - 1];
        if (key.length === len) {
          let k = 0;
          while (k < len && key.charCodeAt(k) === s.charCodeAt(start + k)) k++;
          if (k === len) return id;
        }
      }
      i = (i + 1) & mask;
    }
    const token = start === 0 && end === s.length ? s : s.slice(start, end);
    keys.push(token);
    const id = ++this.count;
    slotIds[i] = id;
    hashes[i] = hash;
    if (this.count * 2 > mask) this.grow();
    return id;
  }

  intern(token: string): number {
    let h = FNV_OFFSET;
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), FNV_PRIME);
    return this.internHashed(token, 0, token.length, h);
  }

  /** The token an id stands for. */
  token(id: number): string {
    return this.keys[id - 1];
  }

  private grow(): void {
    const cap = (this.mask + 1) * 2;
    const hashes = new Int32Array(cap);
    const slotIds = new Int32Array(cap);
    const mask = cap - 1;
    for (let s = 0; s <= this.mask; s++) {
      const id = this.slotIds[s];
      if (id === 0) continue;
      let i = this.hashes[s] & mask;
      while (slotIds[i] !== 0) i = (i + 1) & mask;
      slotIds[i] = id;
      hashes[i] = this.hashes[s];
    }
    this.hashes = hashes;
    this.slotIds = slotIds;
    this.mask = mask;
  }
}

const wordScratch: string[] = [];

// Character classes of ASCII for the 13a scan: word character, whitespace, isolated symbol, or
// one of '.', ',', '-' (which need the remaining 13a rules).
const WORD = 0;
const SPACE = 1;
const ISOLATED = 2;
const PERIOD_COMMA = 3;
const DASH = 4;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_CLASS[c] = isPyWhitespace(c)
    ? SPACE
    : isolated13a(c)
      ? ISOLATED
      : c === 0x2e || c === 0x2c
        ? PERIOD_COMMA
        : c === 0x2d
          ? DASH
          : WORD;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * sacrebleu's 13a tokenizer, emitting ids into `out` instead of strings: the same single-pass
 * scan as `tokens13a`, hashing each word's characters while it is read. The two common shapes
 * of a word with '.', ',' or '-' are settled during the scan, as `split13aWord` settles them: a
 * word ending in one '.' or ',' after a non-digit ("mat.") splits that mark off, and '-' not
 * after a digit keeps the word whole. Anything else takes `split13aWord`'s full rules.
 */
export function ids13a(line: string, interner: TokenInterner, out: IdSeq): void {
  line = prepare13a(line);
  out.clear();
  let start = -1;
  let periods = 0; // '.' and ',' in the current word
  let dashAfterDigit = false;
  let hash = FNV_OFFSET;
  let hashBeforeLast = FNV_OFFSET;
  let prev = 0;
  const len = line.length;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? line.charCodeAt(i) : 0x20;
    const cls = c < 128 ? ASCII_CLASS[c] : isPyWhitespace(c) ? SPACE : WORD;
    if (cls === SPACE || cls === ISOLATED) {
      if (start >= 0) {
        if (periods === 0 && !dashAfterDigit) {
          out.push(interner.internHashed(line, start, i, hash));
        } else if (
          periods === 1 &&
          !dashAfterDigit &&
          (prev === 0x2e || prev === 0x2c) &&
          i - start > 1 &&
          !isDigit(line.charCodeAt(i - 2))
        ) {
          out.push(interner.internHashed(line, start, i - 1, hashBeforeLast));
          out.push(interner.internHashed(line, i - 1, i, Math.imul(FNV_OFFSET ^ prev, FNV_PRIME)));
        } else {
          wordScratch.length = 0;
          split13aWord(line.slice(start, i), wordScratch);
          for (const t of wordScratch) out.push(interner.intern(t));
        }
        start = -1;
      }
      if (cls === ISOLATED && c !== 0x20) out.push(interner.internHashed(line, i, i + 1, Math.imul(FNV_OFFSET ^ c, FNV_PRIME)));
    } else {
      if (start < 0) {
        start = i;
        hash = FNV_OFFSET;
        periods = 0;
        dashAfterDigit = false;
      } else if (cls === DASH && isDigit(prev)) {
        dashAfterDigit = true;
      }
      if (cls === PERIOD_COMMA) periods++;
      hashBeforeLast = hash;
      hash = Math.imul(hash ^ c, FNV_PRIME);
    }
    prev = c;
  }
}

/** Ids of an already tokenized segment (the other tokenizers). */
export function idsOf(tokens: readonly string[], interner: TokenInterner, out: IdSeq): void {
  out.clear();
  for (const t of tokens) out.push(interner.intern(t));
}
