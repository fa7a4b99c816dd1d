// Trains a byte-level BPE tokenizer and writes it in the Hugging Face `tokenizers` format
// (tokenizer.json), the way GPT-2-style tokenizers are made: text is cut into words by the ByteLevel
// pre-tokenizer (GPT-2's regex, bytes mapped to printable characters), and the most frequent adjacent
// pair of symbols is merged until the vocabulary is full.
//
// The algorithm is HF's BpeTrainer (tokenizers/src/models/bpe/trainer.rs), step for step, so the same
// words, vocabulary size and special tokens give the same vocabulary and merges (test/engines/llm/
// bpe-train.test.ts compares with merges the Rust trainer wrote): special tokens take the first ids,
// then the 256 byte characters in code-point order, then one id per merge. The next merge is the pair
// with the highest count, ties going to the pair with the smaller ids; counts are updated only in the
// words a merge touches, through a max-heap whose stale entries are re-queued when popped.
import { buildPreTokenizer, BYTE_CHAR } from './tokenizer-pipeline.js';

export interface BpeTrainOptions {
  /** Size of the finished vocabulary, special tokens and the 256 byte characters included. */
  vocabSize: number;
  /** Special tokens, given the first ids in this order (e.g. ['<s>', '</s>']). */
  specialTokens: string[];
  /** A pair seen fewer times than this is never merged (HF's min_frequency; default 2). */
  minFrequency?: number;
  /** Longest token, in byte characters (HF's max_token_length; default unlimited). */
  maxTokenLength?: number;
}

export interface BpeTrainResult {
  /** token → id: special tokens, then the byte alphabet, then merged tokens. */
  vocab: Map<string, number>;
  /** Merges in rank order, as [left, right] token strings. */
  merges: Array<[string, string]>;
  specialTokens: string[];
}

/** The pre-tokenizer the trainer and the trained tokenizer share: GPT-2's ByteLevel, no prefix space. */
export const BYTE_LEVEL_PRE_TOKENIZER = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } as const;

/** Counts the words (byte-level strings after pre-tokenization) of each text, as HF's Trainer::feed. */
export function countWords(texts: Iterable<string>, counts: Map<string, number> = new Map()): Map<string, number> {
  const pre = buildPreTokenizer(BYTE_LEVEL_PRE_TOKENIZER).run;
  for (const t of texts) for (const w of pre([t])) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** A symbol sequence with left-to-right pair merging, as HF's bpe::Word. */
class Word {
  constructor(
    readonly ids: number[],
    readonly lens: number[],
  ) {}

  /** Merges every (a, b) left to right; returns the pair-count changes ([a, b, delta]). */
  merge(a: number, b: number, merged: number, maxLen: number): Array<[number, number, number]> {
    const changes: Array<[number, number, number]> = [];
    const { ids, lens } = this;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] !== a || i + 1 >= ids.length || ids[i + 1] !== b) continue;
      const len = lens[i] + lens[i + 1];
      if (i > 0) {
        changes.push([ids[i - 1], a, -1]);
        if (lens[i - 1] + len < maxLen) changes.push([ids[i - 1], merged, 1]);
      }
      ids.splice(i, 2, merged);
      lens.splice(i, 2, len);
      if (i < ids.length - 1) {
        changes.push([b, ids[i + 1], -1]);
        if (lens[i + 1] + len < maxLen) changes.push([merged, ids[i + 1], 1]);
      }
    }
    return changes;
  }
}

interface Entry {
  a: number;
  b: number;
  count: number;
  pos: Set<number>;
}

/** Max-heap on (count, then the smaller pair first), HF's Merge ordering. */
class MergeQueue {
  private readonly heap: Entry[] = [];
  private static before(x: Entry, y: Entry): boolean {
    if (x.count !== y.count) return x.count > y.count;
    return x.a !== y.a ? x.a < y.a : x.b < y.b;
  }
  get size(): number {
    return this.heap.length;
  }
  push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let k = h.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!MergeQueue.before(h[k], h[p])) break;
      [h[k], h[p]] = [h[p], h[k]];
      k = p;
    }
  }
  pop(): Entry {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < h.length && MergeQueue.before(h[l], h[m])) m = l;
        if (r < h.length && MergeQueue.before(h[r], h[m])) m = r;
        if (m === k) break;
        [h[k], h[m]] = [h[m], h[k]];
        k = m;
      }
    }
    return top;
  }
}

// pair ids packed into one number (ids stay far below 2^26)
const key = (a: number, b: number) => a * 67108864 + b;

/** Learns merges from word counts (see countWords) until the vocabulary holds opts.vocabSize tokens. */
export function trainBpe(wordCounts: Map<string, number>, opts: BpeTrainOptions): BpeTrainResult {
  const minFrequency = opts.minFrequency ?? 2;
  const maxLen = opts.maxTokenLength ?? Number.MAX_SAFE_INTEGER;
  if (!(opts.vocabSize >= opts.specialTokens.length + 256))
    throw new Error(`vocabSize ${opts.vocabSize} leaves no room for the 256 byte characters and the special tokens`);
  const idToWord: string[] = [];
  const wordToId = new Map<string, number>();
  const add = (s: string) => {
    if (!wordToId.has(s)) {
      wordToId.set(s, idToWord.length);
      idToWord.push(s);
    }
  };
  for (const t of opts.specialTokens) add(t);
  // the byte alphabet is HF's initial_alphabet (ByteLevel.alphabet()), kept in code-point order
  for (const ch of [...BYTE_CHAR].sort((x, y) => x.codePointAt(0)! - y.codePointAt(0)!)) add(ch);

  // words in a fixed order (HF iterates a HashMap; the result does not depend on the order)
  const entries = [...wordCounts].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const words: Word[] = [];
  const counts: number[] = [];
  for (const [w, c] of entries) {
    const ids: number[] = [];
    for (const ch of w) {
      const id = wordToId.get(ch);
      if (id === undefined) throw new Error(`word ${JSON.stringify(w)} has a character outside the byte alphabet`);
      ids.push(id);
    }
    words.push(
      new Word(
        ids,
        ids.map(() => 1),
      ),
    );
    counts.push(c);
  }

  const pairCounts = new Map<number, number>();
  let where = new Map<number, Entry>();
  const note = (a: number, b: number, i: number) => {
    const k = key(a, b);
    let e = where.get(k);
    if (!e) where.set(k, (e = { a, b, count: 0, pos: new Set() }));
    e.pos.add(i);
  };
  words.forEach((w, i) => {
    for (let j = 0; j + 1 < w.ids.length; j++) {
      const k = key(w.ids[j], w.ids[j + 1]);
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + counts[i]);
      note(w.ids[j], w.ids[j + 1], i);
    }
  });
  const queue = new MergeQueue();
  const flush = () => {
    for (const [k, e] of where) {
      const c = pairCounts.get(k)!;
      if (c > 0) queue.push({ ...e, count: c });
    }
    where = new Map();
  };
  flush();

  const merges: Array<[string, string]> = [];
  while (wordToId.size < opts.vocabSize && queue.size) {
    const top = queue.pop();
    const current = pairCounts.get(key(top.a, top.b))!;
    if (top.count !== current) {
      top.count = current;
      queue.push(top);
      continue;
    }
    if (top.count < 1 || minFrequency > top.count) break;
    const left = idToWord[top.a];
    const right = idToWord[top.b];
    add(left + right);
    const merged = wordToId.get(left + right)!;
    merges.push([left, right]);
    for (const i of top.pos) {
      for (const [a, b, delta] of words[i].merge(top.a, top.b, merged, maxLen)) {
        const k = key(a, b);
        pairCounts.set(k, (pairCounts.get(k) ?? 0) + delta * counts[i]);
        if (delta > 0) note(a, b, i);
      }
    }
    flush();
  }
  return { vocab: wordToId, merges, specialTokens: [...opts.specialTokens] };
}

/**
 * A complete tokenizer.json for a trained byte-level BPE: ByteLevel pre-tokenizer and decoder, the special
 * tokens as added tokens, and (with `bos`) a TemplateProcessing post-processor that starts every encoded
 * text with BOS, as Llama tokenizers do.
 */
export function bpeTokenizerJson(r: BpeTrainResult, opts: { bos?: string } = {}): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (const [t, id] of [...r.vocab].sort((x, y) => x[1] - y[1])) vocab[t] = id;
  const added = r.specialTokens.map((content) => ({
    id: r.vocab.get(content)!,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const bos = opts.bos;
  if (bos !== undefined && !r.specialTokens.includes(bos)) throw new Error(`bos ${JSON.stringify(bos)} is not one of the special tokens`);
  const post =
    bos === undefined
      ? null
      : {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { [bos]: { id: bos, ids: [r.vocab.get(bos)!], tokens: [bos] } },
        };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { ...BYTE_LEVEL_PRE_TOKENIZER },
    post_processor: post,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: r.merges,
    },
  };
}
