// The stages of a Hugging Face `tokenizers` pipeline that a byte-level BPE tokenizer.json uses, each
// written to give the same pieces as the Rust library (tokenizers 0.23): normalizers, pre-tokenizers,
// the BPE model and the post-processor's special tokens. Every reader takes the parsed JSON of its
// section and throws a PipelineError naming the JSON path for anything it cannot honour exactly.
import { compileOnigRegex, RegexTranslationError } from './tokenizer-regex.js';

/** A section of tokenizer.json that cannot be used; `path` is its JSON path (e.g. pre_tokenizer.pretokenizers[0]). */
export class PipelineError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
type Json = any;

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const typeOf = (v: unknown): string => JSON.stringify(isObject(v) ? v.type : v) ?? 'undefined';

function bool(j: Json, key: string, path: string, fallback: boolean): boolean {
  const v = j[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new PipelineError(`${path}.${key}`, `must be true or false (got ${JSON.stringify(v)})`);
  return v;
}

function str(j: Json, key: string, path: string): string {
  const v = j[key];
  if (typeof v !== 'string') throw new PipelineError(`${path}.${key}`, `must be a string (got ${JSON.stringify(v) ?? 'nothing'})`);
  return v;
}

function list(j: Json, key: string, path: string): unknown[] {
  const v = j[key];
  if (!Array.isArray(v)) throw new PipelineError(`${path}.${key}`, 'must be a list');
  return v;
}

// ---- bytes <-> characters (GPT-2's reversible map) -------------------------------------------

function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const map: string[] = new Array(256);
  for (const b of bs) map[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (!bs.includes(b)) map[b] = String.fromCharCode(256 + n++);
  return map;
}

export const BYTE_CHAR = bytesToUnicode();
export const CHAR_BYTE = new Map(BYTE_CHAR.map((ch, b) => [ch, b]));
const utf8 = new TextEncoder();

/** A string's UTF-8 bytes written as byte-level characters. */
export function byteLevelChars(s: string): string {
  let out = '';
  for (const b of utf8.encode(s)) out += BYTE_CHAR[b];
  return out;
}

/** HF's ByteLevel decoder for one token: its bytes if every character is a byte-level one, else its UTF-8. */
export function byteLevelTokenBytes(token: string): Uint8Array {
  const out = new Uint8Array(token.length);
  let n = 0;
  for (const ch of token) {
    const b = CHAR_BYTE.get(ch);
    if (b === undefined) return utf8.encode(token);
    out[n++] = b;
  }
  return out.subarray(0, n);
}

// ---- normalizers ---------------------------------------------------------------------------

export type Normalizer = (s: string) => string;

/** Rust's char::is_whitespace is Unicode White_Space. */
const LEADING_WS = /^\p{White_Space}+/u;
const TRAILING_WS = /\p{White_Space}+$/u;

export function buildNormalizer(j: Json, path = 'normalizer'): Normalizer | null {
  if (j === null || j === undefined) return null;
  if (!isObject(j)) throw new PipelineError(path, 'must be an object or null');
  switch (j.type) {
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD': {
      const form = j.type;
      return (s) => s.normalize(form);
    }
    case 'Lowercase':
      // per character, as Rust's char::to_lowercase: no final-sigma rule (String.toLowerCase has one)
      return (s) => {
        let out = '';
        for (const ch of s) out += ch.toLowerCase();
        return out;
      };
    case 'Strip': {
      const left = bool(j, 'strip_left', path, true);
      const right = bool(j, 'strip_right', path, true);
      return (s) => {
        if (left) s = s.replace(LEADING_WS, '');
        if (right) s = s.replace(TRAILING_WS, '');
        return s;
      };
    }
    case 'Prepend': {
      const pre = str(j, 'prepend', path);
      return (s) => (s ? pre + s : s);
    }
    case 'Replace': {
      const re = splitPattern(j.pattern, `${path}.pattern`);
      const content = str(j, 'content', path);
      return (s) => s.replace(re, () => content);
    }
    case 'Sequence': {
      const parts = list(j, 'normalizers', path).map((n, k) => buildNormalizer(n, `${path}.normalizers[${k}]`));
      return (s) => parts.reduce((acc, n) => (n ? n(acc) : acc), s);
    }
    default:
      throw new PipelineError(
        `${path}.type`,
        `${typeOf(j)} is not supported (NFC, NFD, NFKC, NFKD, Lowercase, Strip, Prepend, Replace, Sequence or null)`,
      );
  }
}

// ---- pre-tokenizers ------------------------------------------------------------------------

/** Splits each piece into smaller ones; empty pieces are dropped (as PreTokenizedString.split does). */
export type PreTokenizer = (pieces: string[]) => string[];

type Behavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
const BEHAVIORS: Behavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/** `{String: s}` or `{Regex: r}` as a global unicode regexp. */
function splitPattern(p: Json, path: string): RegExp {
  if (isObject(p) && typeof p.String === 'string') return new RegExp(p.String.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'), 'gu');
  if (isObject(p) && typeof p.Regex === 'string') {
    try {
      return compileOnigRegex(p.Regex);
    } catch (e) {
      if (e instanceof RegexTranslationError) throw new PipelineError(`${path}.Regex`, `${JSON.stringify(p.Regex)}: ${e.message}`);
      throw e;
    }
  }
  throw new PipelineError(path, 'must be {"String": …} or {"Regex": …}');
}

/** HF's Pattern::find_matches: the whole string cut into (start, end, isMatch) spans. */
function findMatches(s: string, re: RegExp): Array<[number, number, boolean]> {
  if (!s) return [[0, 0, false]];
  const out: Array<[number, number, boolean]> = [];
  let prev = 0;
  for (const m of s.matchAll(re)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (prev !== start) out.push([prev, start, false]);
    out.push([start, end, true]);
    prev = end;
  }
  if (prev !== s.length) out.push([prev, s.length, false]);
  return out;
}

/** HF's NormalizedString::split with a delimiter behaviour. */
function splitBy(s: string, re: RegExp, behavior: Behavior, invert: boolean): string[] {
  let matches = findMatches(s, re);
  if (invert) matches = matches.map(([a, b, m]) => [a, b, !m]);
  let spans: Array<[number, number, boolean]>; // [start, end, remove]
  if (behavior === 'Isolated') spans = matches.map(([a, b]) => [a, b, false]);
  else if (behavior === 'Removed') spans = matches;
  else if (behavior === 'Contiguous') {
    spans = [];
    let prevMatch = false;
    for (const [a, b, m] of matches) {
      if (m === prevMatch && spans.length) spans[spans.length - 1][1] = b;
      else spans.push([a, b, false]);
      prevMatch = m;
    }
  } else if (behavior === 'MergedWithPrevious') {
    spans = [];
    let prevMatch = false;
    for (const [a, b, m] of matches) {
      if (m && !prevMatch && spans.length) spans[spans.length - 1][1] = b;
      else spans.push([a, b, false]);
      prevMatch = m;
    }
  } else {
    spans = [];
    let prevMatch = false;
    for (let k = matches.length - 1; k >= 0; k--) {
      const [a, b, m] = matches[k];
      if (m && !prevMatch && spans.length) spans[spans.length - 1][0] = a;
      else spans.push([a, b, false]);
      prevMatch = m;
    }
    spans.reverse();
  }
  const out: string[] = [];
  for (const [a, b, remove] of spans) if (!remove && b > a) out.push(s.slice(a, b));
  return out;
}

const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const GPT2_SPLIT = compileOnigRegex(GPT2_PATTERN);
/** Rust's char::is_numeric (Nd, Nl, No) and HF's is_punc (ASCII punctuation or any P category). */
const NUMERIC = /\p{N}/gu;
const PUNCT = /[\p{P}!-/:-@[-`{-~]/gu;

export interface PreTokenizerInfo {
  run: PreTokenizer;
  /** Whether a ByteLevel step maps the pieces to byte-level characters. */
  byteLevel: boolean;
}

export function buildPreTokenizer(j: Json, path = 'pre_tokenizer'): PreTokenizerInfo {
  if (j === null || j === undefined) return { run: (p) => p, byteLevel: false };
  if (!isObject(j)) throw new PipelineError(path, 'must be an object or null');
  const each =
    (fn: (s: string) => string[]): PreTokenizer =>
    (pieces) =>
      pieces.flatMap(fn).filter((p) => p.length > 0);
  switch (j.type) {
    case 'ByteLevel': {
      const prefix = bool(j, 'add_prefix_space', path, true);
      const useRegex = bool(j, 'use_regex', path, true);
      return {
        byteLevel: true,
        run: each((s) => {
          if (prefix && !s.startsWith(' ')) s = ' ' + s;
          return (useRegex ? splitBy(s, GPT2_SPLIT, 'Isolated', false) : [s]).map(byteLevelChars);
        }),
      };
    }
    case 'Split': {
      const re = splitPattern(j.pattern, `${path}.pattern`);
      const behavior = j.behavior as Behavior;
      if (!BEHAVIORS.includes(behavior)) throw new PipelineError(`${path}.behavior`, `must be one of ${BEHAVIORS.join(', ')}`);
      const invert = bool(j, 'invert', path, false);
      return { byteLevel: false, run: each((s) => splitBy(s, re, behavior, invert)) };
    }
    case 'Digits': {
      const individual = bool(j, 'individual_digits', path, false);
      return { byteLevel: false, run: each((s) => splitBy(s, NUMERIC, individual ? 'Isolated' : 'Contiguous', false)) };
    }
    case 'Punctuation': {
      const behavior = (j.behavior ?? 'Isolated') as Behavior;
      if (!BEHAVIORS.includes(behavior)) throw new PipelineError(`${path}.behavior`, `must be one of ${BEHAVIORS.join(', ')}`);
      return { byteLevel: false, run: each((s) => splitBy(s, PUNCT, behavior, false)) };
    }
    case 'Sequence': {
      const parts = list(j, 'pretokenizers', path).map((p, k) => buildPreTokenizer(p, `${path}.pretokenizers[${k}]`));
      return { byteLevel: parts.some((p) => p.byteLevel), run: (pieces) => parts.reduce((acc, p) => p.run(acc), pieces) };
    }
    default:
      throw new PipelineError(`${path}.type`, `${typeOf(j)} is not supported (ByteLevel, Split, Digits, Punctuation, Sequence or null)`);
  }
}

// ---- post-processor ------------------------------------------------------------------------

/** The ids `encode` puts around a single sequence when special tokens are added. */
export interface Framing {
  prefix: number[];
  suffix: number[];
}

export function buildPostProcessor(j: Json, isId: (v: unknown) => v is number, path = 'post_processor'): Framing {
  const none: Framing = { prefix: [], suffix: [] };
  if (j === null || j === undefined) return none;
  if (!isObject(j)) throw new PipelineError(path, 'must be an object or null');
  switch (j.type) {
    case 'ByteLevel':
      return none; // offsets only
    case 'Sequence': {
      const out: Framing = { prefix: [], suffix: [] };
      list(j, 'processors', path).forEach((p, k) => {
        const f = buildPostProcessor(p, isId, `${path}.processors[${k}]`);
        out.prefix = [...f.prefix, ...out.prefix];
        out.suffix = [...out.suffix, ...f.suffix];
      });
      return out;
    }
    case 'TemplateProcessing': {
      const single = list(j, 'single', path);
      const specials = isObject(j.special_tokens) ? j.special_tokens : {};
      const out: Framing = { prefix: [], suffix: [] };
      let seenA = false;
      single.forEach((piece: Json, k) => {
        const at = `${path}.single[${k}]`;
        if (isObject(piece) && isObject(piece.Sequence)) {
          if (seenA) throw new PipelineError(at, 'the single template may hold one Sequence');
          seenA = true;
        } else if (isObject(piece) && isObject(piece.SpecialToken) && typeof piece.SpecialToken.id === 'string') {
          const name = piece.SpecialToken.id;
          const entry: Json = specials[name];
          if (!isObject(entry) || !Array.isArray(entry.ids) || !entry.ids.every(isId))
            throw new PipelineError(at, `special token ${JSON.stringify(name)} has no ids in ${path}.special_tokens`);
          (seenA ? out.suffix : out.prefix).push(...(entry.ids as number[]));
        } else throw new PipelineError(at, 'must be {"SpecialToken": {"id": …}} or {"Sequence": {"id": "A"}}');
      });
      if (!seenA) throw new PipelineError(`${path}.single`, 'has no {"Sequence": {"id": "A"}}');
      return out;
    }
    case 'RobertaProcessing':
    case 'BertProcessing': {
      const pair = (key: string): number => {
        const v = j[key];
        if (!Array.isArray(v) || v.length !== 2 || !isId(v[1])) throw new PipelineError(`${path}.${key}`, 'must be [token, id]');
        return v[1];
      };
      return { prefix: [pair('cls')], suffix: [pair('sep')] };
    }
    default:
      throw new PipelineError(
        `${path}.type`,
        `${typeOf(j)} is not supported (TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing, Sequence or null)`,
      );
  }
}

/** Byte-level BPE decodes with the ByteLevel decoder; anything else would give other text than HF. */
export function checkDecoder(j: Json, path = 'decoder'): void {
  if (isObject(j) && j.type === 'ByteLevel') return;
  if (isObject(j) && j.type === 'Sequence' && Array.isArray(j.decoders) && j.decoders.length) {
    j.decoders.forEach((d: Json, k: number) => checkDecoder(d, `${path}.decoders[${k}]`));
    return;
  }
  throw new PipelineError(path, `${typeOf(j)} is not supported (a byte-level tokenizer decodes with {"type": "ByteLevel"})`);
}

// ---- the BPE model -------------------------------------------------------------------------

/**
 * Byte-level BPE: a piece (already byte-level characters) starts as single characters and merges the
 * lowest-ranked adjacent pair first, leftmost first among equal ranks (HF's Word::merge_all).
 */
export class BpeModel {
  private readonly cache = new Map<string, number[]>();
  /** "leftId rightId" -> [rank, mergedId] */
  private readonly pairRank = new Map<string, [number, number]>();

  constructor(
    readonly vocab: Map<string, number>,
    merges: Array<[string, string]>,
    readonly ignoreMerges: boolean,
  ) {
    merges.forEach(([a, b], rank) => this.pairRank.set(`${vocab.get(a)} ${vocab.get(b)}`, [rank, vocab.get(a + b)!]));
  }

  get mergeCount(): number {
    return this.pairRank.size;
  }

  /** Ids of one pre-tokenized piece. */
  tokenize(piece: string): number[] {
    if (!piece) return [];
    if (this.ignoreMerges) {
      const id = this.vocab.get(piece);
      if (id !== undefined) return [id];
    }
    const hit = this.cache.get(piece);
    if (hit) return hit;
    const ids = this.merge(piece);
    if (this.cache.size > 20000) this.cache.clear(); // bounded: a long stream of distinct pieces must not grow memory
    this.cache.set(piece, ids);
    return ids;
  }

  private merge(piece: string): number[] {
    const sym: number[] = [];
    for (const ch of piece) {
      const id = this.vocab.get(ch);
      // unreachable for a vocabulary that passed the loader's check (all 256 byte characters present)
      if (id === undefined) throw new Error(`tokenizer: character ${JSON.stringify(ch)} is not in the vocabulary`);
      sym.push(id);
    }
    const n = sym.length;
    if (n < 2 || this.pairRank.size === 0) return sym;
    const next = Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Array.from({ length: n }, (_, i) => i - 1);
    const alive = new Array<boolean>(n).fill(true);
    // binary heap of [rank, pos, newId], smallest rank then smallest position first
    const heap: Array<[number, number, number]> = [];
    const less = (a: [number, number, number], b: [number, number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const push = (e: [number, number, number]) => {
      heap.push(e);
      let k = heap.length - 1;
      while (k > 0) {
        const p = (k - 1) >> 1;
        if (!less(heap[k], heap[p])) break;
        [heap[k], heap[p]] = [heap[p], heap[k]];
        k = p;
      }
    };
    const pop = (): [number, number, number] => {
      const topE = heap[0];
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        let k = 0;
        for (;;) {
          const l = 2 * k + 1;
          const r = l + 1;
          let m = k;
          if (l < heap.length && less(heap[l], heap[m])) m = l;
          if (r < heap.length && less(heap[r], heap[m])) m = r;
          if (m === k) break;
          [heap[k], heap[m]] = [heap[m], heap[k]];
          k = m;
        }
      }
      return topE;
    };
    const consider = (i: number) => {
      const j = next[i];
      if (i < 0 || j < 0) return;
      const m = this.pairRank.get(`${sym[i]} ${sym[j]}`);
      if (m) push([m[0], i, m[1]]);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.length) {
      const [, i, newId] = pop();
      if (!alive[i] || next[i] < 0) continue;
      const j = next[i];
      const m = this.pairRank.get(`${sym[i]} ${sym[j]}`);
      if (!m || m[1] !== newId) continue; // stale: a neighbour changed since this pair was queued
      sym[i] = newId;
      alive[j] = false;
      next[i] = next[j];
      if (next[j] >= 0) prev[next[j]] = i;
      if (prev[i] >= 0) consider(prev[i]);
      consider(i);
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) out.push(sym[i]);
    return out;
  }
}
