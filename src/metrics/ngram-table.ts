// Clipped n-gram matching for BLEU without per-segment allocation. Tokens get integer ids from a
// shared vocabulary; the n-grams (n = 1..4) of a segment go into one open-addressing hash table
// whose slots hold the ids themselves (exact comparison, no string keys). A generation stamp
// empties the table in O(1) between segments. For each n-gram the table keeps the highest
// count over the references and how many hypothesis occurrences were credited so far, which
// yields sum(min(hyp count, max reference count)) — sacrebleu's clipped matches — in one pass.

const MAX_ORDER = 4;
/** Vocabulary cap: past it the id map is cleared between segments (ids only need to be consistent within one). */
const VOCAB_LIMIT = 1 << 20;

export class NgramMatcher {
  private readonly vocab = new Map<string, number>();
  private cap = 1 << 12;
  private mask = this.cap - 1;
  private ids = new Int32Array(this.cap * MAX_ORDER); // ids of slot i at [i*4, i*4+4), 0 = unused position
  private order = new Int8Array(this.cap);
  private stamp = new Int32Array(this.cap);
  private refMax = new Int32Array(this.cap);
  private refCount = new Int32Array(this.cap);
  private refStamp = new Int32Array(this.cap);
  private credited = new Int32Array(this.cap);
  private gen = 0;
  private refGen = 0;
  private seq = new Int32Array(256);

  /** Ids of the tokens in this.seq; returns the length. */
  private encode(tokens: readonly string[]): number {
    if (this.seq.length < tokens.length) this.seq = new Int32Array(tokens.length * 2);
    for (let i = 0; i < tokens.length; i++) {
      let id = this.vocab.get(tokens[i]);
      if (id === undefined) {
        id = this.vocab.size + 1;
        this.vocab.set(tokens[i], id);
      }
      this.seq[i] = id;
    }
    return tokens.length;
  }

  /** Starts a segment with room for `ngrams` entries. */
  private begin(ngrams: number): void {
    if (this.vocab.size > VOCAB_LIMIT) this.vocab.clear();
    if (ngrams * 2 > this.cap) {
      let cap = this.cap;
      while (ngrams * 2 > cap) cap *= 2;
      this.cap = cap;
      this.mask = cap - 1;
      this.ids = new Int32Array(cap * MAX_ORDER);
      this.order = new Int8Array(cap);
      this.stamp = new Int32Array(cap);
      this.refMax = new Int32Array(cap);
      this.refCount = new Int32Array(cap);
      this.refStamp = new Int32Array(cap);
      this.credited = new Int32Array(cap);
    }
    this.gen++;
  }

  /** The slot of the n-gram seq[start..start+n), created empty if absent. */
  private slot(start: number, n: number, hash: number): number {
    const { ids, seq, mask, stamp, gen } = this;
    let i = hash & mask;
    for (;;) {
      if (stamp[i] !== gen) {
        stamp[i] = gen;
        this.order[i] = n;
        const base = i * MAX_ORDER;
        for (let k = 0; k < MAX_ORDER; k++) ids[base + k] = k < n ? seq[start + k] : 0;
        this.refMax[i] = 0;
        this.refCount[i] = 0;
        this.refStamp[i] = 0;
        this.credited[i] = 0;
        return i;
      }
      if (this.order[i] === n) {
        const base = i * MAX_ORDER;
        let same = true;
        for (let k = 0; k < n; k++) {
          if (ids[base + k] !== seq[start + k]) {
            same = false;
            break;
          }
        }
        if (same) return i;
      }
      i = (i + 1) & mask;
    }
  }

  /** The slot of the n-gram seq[start..start+n), or -1 when no reference has it. */
  private find(start: number, n: number, hash: number): number {
    const { ids, seq, mask, stamp, gen, order } = this;
    let i = hash & mask;
    while (stamp[i] === gen) {
      if (order[i] === n) {
        const base = i * MAX_ORDER;
        let k = 0;
        while (k < n && ids[base + k] === seq[start + k]) k++;
        if (k === n) return i;
      }
      i = (i + 1) & mask;
    }
    return -1;
  }

  /**
   * Clipped matches per order of `hyp` against `refs`, written to correct[0..3].
   * Token lists are already tokenized.
   */
  match(hyp: readonly string[], refs: readonly (readonly string[])[], correct: number[]): void {
    let total = hyp.length;
    for (const r of refs) total += r.length;
    this.begin(total * MAX_ORDER);
    for (const ref of refs) {
      this.refGen++;
      const len = this.encode(ref);
      for (let i = 0; i < len; i++) {
        let hash = 0;
        const last = Math.min(len - i, MAX_ORDER);
        for (let n = 1; n <= last; n++) {
          hash = mix(hash, this.seq[i + n - 1]);
          const slot = this.slot(i, n, hash);
          if (this.refStamp[slot] !== this.refGen) {
            this.refStamp[slot] = this.refGen;
            this.refCount[slot] = 0;
          }
          const c = ++this.refCount[slot];
          if (c > this.refMax[slot]) this.refMax[slot] = c;
        }
      }
    }
    for (let n = 0; n < MAX_ORDER; n++) correct[n] = 0;
    const len = this.encode(hyp);
    for (let i = 0; i < len; i++) {
      let hash = 0;
      const last = Math.min(len - i, MAX_ORDER);
      for (let n = 1; n <= last; n++) {
        hash = mix(hash, this.seq[i + n - 1]);
        const slot = this.find(i, n, hash);
        if (slot < 0) break; // no reference has this n-gram, so none of its extensions either
        if (this.credited[slot] < this.refMax[slot]) {
          this.credited[slot]++;
          correct[n - 1]++;
        }
      }
    }
  }
}

/** Extends the hash of an n-gram by one more token id. */
function mix(hash: number, id: number): number {
  return Math.imul(hash ^ id, 0x9e3779b1) ^ (hash >>> 15);
}
