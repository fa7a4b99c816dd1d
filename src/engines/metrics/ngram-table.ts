// Clipped n-gram matching for BLEU without per-segment allocation. A segment arrives as token ids
// (token-ids.ts); its n-grams (n = 1..4) go into one open-addressing hash table whose slots hold
// the ids themselves (exact comparison, no string keys). A generation stamp empties the table in
// O(1) between segments. For each n-gram the table keeps the highest count over the references
// and how many hypothesis occurrences were credited so far, which yields
// sum(min(hyp count, max reference count)) — sacrebleu's clipped matches — in one pass.
import type { IdSeq } from './token-ids.js';

const MAX_ORDER = 4;
// One slot is 8 int32s, so a slot lives in one cache line: stamp, order, 4 ids, refMax, credited.
const STRIDE = 8;
const F_STAMP = 0;
const F_ORDER = 1;
const F_IDS = 2;
const F_REF_MAX = 6;
const F_CREDITED = 7;

export class NgramMatcher {
  private cap = 1 << 12;
  private mask = this.cap - 1;
  private tab = new Int32Array(this.cap * STRIDE);
  // Only used with several references: the count within the current reference.
  private refCount = new Int32Array(this.cap);
  private refStamp = new Int32Array(this.cap);
  private gen = 0;
  private refGen = 0;

  /** Starts a segment with room for `ngrams` entries. */
  private begin(ngrams: number): void {
    if (ngrams * 2 > this.cap) {
      let cap = this.cap;
      while (ngrams * 2 > cap) cap *= 2;
      this.cap = cap;
      this.mask = cap - 1;
      this.tab = new Int32Array(cap * STRIDE);
      this.refCount = new Int32Array(cap);
      this.refStamp = new Int32Array(cap);
      this.gen = 0;
    }
    this.gen++;
  }

  /** Adds every n-gram of one reference; with `multi`, keeps the per-n-gram maximum over references. */
  private addReference(ref: IdSeq, multi: boolean): void {
    const { tab, mask, gen } = this;
    const seq = ref.ids;
    const len = ref.length;
    if (multi) this.refGen++;
    for (let i = 0; i < len; i++) {
      let hash = 0;
      const last = len - i < MAX_ORDER ? len - i : MAX_ORDER;
      for (let n = 1; n <= last; n++) {
        hash = mix(hash, seq[i + n - 1]);
        let s = hash & mask;
        let base: number;
        for (;;) {
          base = s * STRIDE;
          if (tab[base + F_STAMP] !== gen) {
            tab[base + F_STAMP] = gen;
            tab[base + F_ORDER] = n;
            for (let k = 0; k < n; k++) tab[base + F_IDS + k] = seq[i + k];
            tab[base + F_REF_MAX] = 0;
            tab[base + F_CREDITED] = 0;
            break;
          }
          if (tab[base + F_ORDER] === n) {
            let k = 0;
            while (k < n && tab[base + F_IDS + k] === seq[i + k]) k++;
            if (k === n) break;
          }
          s = (s + 1) & mask;
        }
        if (!multi) {
          tab[base + F_REF_MAX]++;
        } else {
          if (this.refStamp[s] !== this.refGen) {
            this.refStamp[s] = this.refGen;
            this.refCount[s] = 0;
          }
          const c = ++this.refCount[s];
          if (c > tab[base + F_REF_MAX]) tab[base + F_REF_MAX] = c;
        }
      }
    }
  }

  /** Clipped matches per order of `hyp` against `refs`, written to correct[0..3]. */
  match(hyp: IdSeq, refs: readonly IdSeq[], correct: number[]): void {
    let total = hyp.length;
    for (const r of refs) total += r.length;
    this.begin(total * MAX_ORDER);
    const multi = refs.length > 1;
    for (const ref of refs) this.addReference(ref, multi);
    for (let n = 0; n < MAX_ORDER; n++) correct[n] = 0;
    const { tab, mask, gen } = this;
    const seq = hyp.ids;
    const len = hyp.length;
    for (let i = 0; i < len; i++) {
      let hash = 0;
      const last = len - i < MAX_ORDER ? len - i : MAX_ORDER;
      for (let n = 1; n <= last; n++) {
        hash = mix(hash, seq[i + n - 1]);
        let s = hash & mask;
        let found = -1;
        for (;;) {
          const base = s * STRIDE;
          if (tab[base + F_STAMP] !== gen) break;
          if (tab[base + F_ORDER] === n) {
            let k = 0;
            while (k < n && tab[base + F_IDS + k] === seq[i + k]) k++;
            if (k === n) {
              found = base;
              break;
            }
          }
          s = (s + 1) & mask;
        }
        if (found < 0) break; // no reference has this n-gram, so none of its extensions either
        if (tab[found + F_CREDITED] < tab[found + F_REF_MAX]) {
          tab[found + F_CREDITED]++;
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
