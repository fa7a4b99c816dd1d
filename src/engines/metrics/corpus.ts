// Corpus scores sum per-segment statistics (as sacrebleu does) and take the score once at the end.
// BLEU and chrF share this running sum and the signature's "nrefs" bookkeeping.

export class SegmentStatsSum {
  readonly stats: number[];
  segments = 0;
  private readonly refCounts = new Set<number>();

  constructor(size: number) {
    this.stats = new Array<number>(size).fill(0);
  }

  add(segment: readonly number[], nrefs: number): void {
    for (let i = 0; i < segment.length; i++) this.stats[i] += segment[i];
    this.segments++;
    this.refCounts.add(nrefs);
  }

  /** Number of references per segment for the signature ("var" when it varies). */
  get nrefs(): number | 'var' {
    if (this.refCounts.size === 1) return [...this.refCounts][0];
    return this.refCounts.size === 0 ? 1 : 'var';
  }
}
