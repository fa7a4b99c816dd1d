// From a byte matcher to a token mask. Every token id is a byte string (tokenizer-agnostic: the byte
// vocabulary's 256 one-byte tokens and a BPE's merged ones alike); the ids are laid out in a trie of those
// bytes, so the tokens that can follow a state are found by one walk that feeds each trie edge once and
// drops a whole subtree as soon as its prefix is refused. Masks are cached per state key: inside a long
// string or a run of digits the state repeats, and a cache hit costs one Map lookup.
import type { TokenConstraint } from '../generate.js';
import type { Tokenizer } from '../tokenizer.js';
import { Matcher, type Stack } from './automaton.js';
import type { Grammar } from './grammar.js';

interface TrieNode {
  /** Child edges: bytes[i] leads to kids[i]. */
  bytes: number[];
  kids: TrieNode[];
  /** Token ids whose bytes end here. */
  ids: number[];
}

/** A tokenizer's token ids as byte strings, in a trie. */
export class TokenVocab {
  readonly root: TrieNode = { bytes: [], kids: [], ids: [] };
  readonly bytesOf: Uint8Array[] = [];
  readonly stopIds: readonly number[];

  /** `size`: the model's vocabulary (ids the model can produce); ids beyond the tokenizer's are never allowed. */
  constructor(tok: Tokenizer, size: number) {
    this.stopIds = tok.stopIds.filter((id) => id < size);
    const stops = new Set(this.stopIds);
    for (let id = 0; id < size; id++) {
      const bytes = id < tok.vocabSize && !stops.has(id) ? tok.tokenBytes(id) : new Uint8Array(0);
      this.bytesOf.push(bytes);
      // Tokens that print nothing (BOS, other special tokens) would spend the budget without progress.
      if (!bytes.length) continue;
      let node = this.root;
      for (const b of bytes) {
        let i = node.bytes.indexOf(b);
        if (i < 0) {
          i = node.bytes.length;
          node.bytes.push(b);
          node.kids.push({ bytes: [], kids: [], ids: [] });
        }
        node = node.kids[i];
      }
      node.ids.push(id);
    }
  }
}

const vocabs = new WeakMap<Tokenizer, Map<number, TokenVocab>>();

/** The (cached) trie of a tokenizer's tokens, for a model vocabulary of `size` ids. */
export function tokenVocab(tok: Tokenizer, size: number): TokenVocab {
  let bySize = vocabs.get(tok);
  if (!bySize) vocabs.set(tok, (bySize = new Map()));
  let v = bySize.get(size);
  if (!v) bySize.set(size, (v = new TokenVocab(tok, size)));
  return v;
}

interface MaskEntry {
  /** Allowed ids in ascending order, stop ids included when the document is complete. */
  ids: Int32Array;
  /** Some token can still extend the document. */
  continues: boolean;
  complete: boolean;
}

/** Cache bound per grammar and vocabulary, in stored ids (4 bytes each; 4 MB): past it the cache starts over. */
const CACHE_IDS = 1_000_000;

/** The masks of one grammar over one vocabulary, cached by state. */
export class MaskTable {
  readonly matcher: Matcher;
  private readonly cache = new Map<string, MaskEntry>();
  private stored = 0;
  /** Mask computations and cache hits, for the benchmark and the tests. */
  readonly stats = { computed: 0, hits: 0 };

  constructor(
    grammar: Grammar,
    readonly vocab: TokenVocab,
  ) {
    this.matcher = new Matcher(grammar);
  }

  entry(stacks: readonly Stack[]): MaskEntry {
    const key = stacks.length === 1 ? stacks[0].key : stacks.map((s) => s.key).join('|');
    const hit = this.cache.get(key);
    if (hit) {
      this.stats.hits++;
      return hit;
    }
    this.stats.computed++;
    const ids: number[] = [];
    const walk = (node: TrieNode, st: readonly Stack[]) => {
      for (let i = 0; i < node.bytes.length; i++) {
        const next = this.matcher.feed(st, node.bytes[i]);
        if (!next.length) continue;
        const kid = node.kids[i];
        for (const id of kid.ids) ids.push(id);
        if (kid.kids.length) walk(kid, next);
      }
    };
    walk(this.vocab.root, stacks);
    const continues = ids.length > 0;
    const complete = this.matcher.canEnd(stacks);
    if (complete) for (const id of this.vocab.stopIds) ids.push(id);
    const entry: MaskEntry = { ids: Int32Array.from(ids).sort(), continues, complete };
    if (this.stored + ids.length > CACHE_IDS) {
      this.cache.clear();
      this.stored = 0;
    }
    this.cache.set(key, entry);
    this.stored += ids.length;
    return entry;
  }
}

/** The constraint generateStream applies: the grammar's state after the tokens accepted so far. */
export class GrammarConstraint implements TokenConstraint {
  private stacks: Stack[];

  constructor(private readonly table: MaskTable) {
    this.stacks = table.matcher.initial();
  }

  allowed(): Int32Array {
    return this.table.entry(this.stacks).ids;
  }

  finished(): boolean {
    const e = this.table.entry(this.stacks);
    return e.complete && !e.continues;
  }

  complete(): boolean {
    return this.table.entry(this.stacks).complete;
  }

  accept(id: number): void {
    const next = this.table.matcher.feedAll(this.stacks, this.table.vocab.bytesOf[id] ?? []);
    if (!next.length) throw new Error(`token ${id} does not continue the constrained output (a bug: it was not in the mask)`);
    this.stacks = next;
  }
}
