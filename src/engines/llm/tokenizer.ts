// Byte-level BPE in the Hugging Face `tokenizers` format (tokenizer.json), encoding to the same ids as
// the Rust library (0.23; test/engines/llm/tokenizer-parity.test.ts holds it to that on the shipped
// tokenizer and on Llama-3- and GPT-2-style fixtures). The pipeline is HF's: added tokens are cut out of
// the raw text first (those with normalized=false), the rest is normalized and cut again (normalized=true),
// then pre-tokenized (ByteLevel, Split, …), each piece is BPE-merged, and the post-processor's template
// adds BOS/EOS. Decoding is HF's ByteLevel decoder. The stages live in tokenizer-pipeline.ts.
//
// The shipped micro model's tokenizer is a 2,048-token byte-level BPE that ftlab trains itself
// (bpe-train.ts); Tokenizer.bytes() is the degenerate case with no merges (one token per UTF-8 byte plus
// <s> and </s>), used by tests.
//
// Which tokens are BOS/EOS/PAD is not hard-coded: a model folder names them in tokenizer_config.json /
// special_tokens_map.json (special-tokens.ts reads those and calls setSpecials). A bare tokenizer.json
// falls back to <s>/</s> when it has them (the legacy ftlab byte tokenizer).
import { ModelFileError, readJsonObject } from './errors.js';
import {
  BpeModel,
  buildNormalizer,
  buildPostProcessor,
  buildPreTokenizer,
  BYTE_CHAR,
  byteLevelTokenBytes,
  checkDecoder,
  PipelineError,
  type Framing,
  type Normalizer,
  type PreTokenizer,
} from './tokenizer-pipeline.js';

/** A tokenizer.json (or its special-token files) the engine cannot use; the message starts with the file's path. */
export class TokenizerError extends ModelFileError {}

/** Largest token id accepted (the id table is allocated from it). */
const MAX_VOCAB = 1 << 22;

export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  singleWord: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
}

export type SpecialRole = 'bos' | 'eos' | 'pad' | 'unk';
export interface SpecialToken {
  content: string;
  id: number;
}
export type SpecialTokens = Record<SpecialRole, SpecialToken | null>;

// Rust regex classes used by HF's added-token matching (\w, \s are Unicode there).
const WORD_AT_END = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;
const WORD_AT_START = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]/u;
const SPACES_AT_END = /\p{White_Space}*$/u;
const SPACES_AT_START = /^\p{White_Space}*/u;

/** Added tokens to cut out of a string, leftmost-longest as HF's Aho-Corasick matcher does. */
class AddedMatcher {
  private readonly byFirst = new Map<string, Array<{ pattern: string; token: AddedToken }>>();
  constructor(entries: Array<{ pattern: string; token: AddedToken }>) {
    for (const e of entries) {
      if (!e.pattern) continue;
      const k = e.pattern[0];
      const l = this.byFirst.get(k) ?? [];
      l.push(e);
      this.byFirst.set(k, l);
    }
    for (const l of this.byFirst.values()) l.sort((a, b) => b.pattern.length - a.pattern.length);
  }

  get empty(): boolean {
    return this.byFirst.size === 0;
  }

  /** HF's AddedVocabulary::find_matches: spans of plain text and of added tokens (with their id). */
  split(s: string, skipSpecial: boolean): Array<{ text: string; id?: number }> {
    if (this.empty || !s) return [{ text: s }];
    const out: Array<{ text: string; id?: number }> = [];
    let startOffset = 0;
    let pos = 0;
    while (pos < s.length) {
      const cands = this.byFirst.get(s[pos]);
      const hit = cands?.find((c) => s.startsWith(c.pattern, pos));
      if (!hit) {
        pos++;
        continue;
      }
      const matchEnd = pos + hit.pattern.length;
      let start = pos;
      let stop = matchEnd;
      pos = matchEnd; // the matcher resumes after the match, whether or not it is used
      const t = hit.token;
      if (skipSpecial && t.special) continue;
      if (t.singleWord) {
        const startOk = start === 0 || !WORD_AT_END.test(s.slice(0, start));
        const stopOk = stop === s.length || !WORD_AT_START.test(s.slice(stop));
        if (!startOk || !stopOk) continue;
      }
      if (t.lstrip) start = Math.max(SPACES_AT_END.exec(s.slice(0, start))!.index, startOffset);
      if (t.rstrip) stop += SPACES_AT_START.exec(s.slice(stop))![0].length;
      if (startOffset < start) out.push({ text: s.slice(startOffset, start) });
      out.push({ text: s.slice(start, stop), id: t.id });
      startOffset = stop;
    }
    if (startOffset !== s.length) out.push({ text: s.slice(startOffset) });
    return out;
  }
}

export class Tokenizer {
  readonly vocab: Map<string, number>;
  readonly idToToken: string[];
  readonly added: AddedToken[];
  private readonly addedById = new Map<number, AddedToken>();
  /** The text an added token decodes to (its normalized form when it is matched after normalization). */
  private readonly addedText = new Map<number, string>();
  private readonly normalizer: Normalizer | null;
  private readonly preTokenize: PreTokenizer;
  private readonly model: BpeModel;
  private readonly framing: Framing;
  private readonly rawMatcher: AddedMatcher;
  private readonly normalizedMatcher: AddedMatcher;
  private special: SpecialTokens = { bos: null, eos: null, pad: null, unk: null };
  private stops: number[] = [];

  /** `where` names the file in errors (a TokenizerError, which the CLI prints as one line). */
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
    readonly json: Record<string, any>,
    readonly where = 'tokenizer.json',
  ) {
    const fail = (msg: string) => new TokenizerError(`${where}: ${msg}`);
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw fail('expected a JSON object');
    const model = json.model ?? {};
    if (!model || typeof model !== 'object' || model.type !== 'BPE')
      throw fail(`model.type ${JSON.stringify(model?.type)} is not supported (byte-level BPE only)`);
    // Ids index arrays: anything but a small non-negative integer is a damaged file.
    const isId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < MAX_VOCAB;
    const vocab = model.vocab;
    if (!vocab || typeof vocab !== 'object' || Array.isArray(vocab)) throw fail('model.vocab must map tokens to ids');
    for (const [tok, id] of Object.entries(vocab))
      if (!isId(id))
        throw fail(`model.vocab: token ${JSON.stringify(tok)} has id ${JSON.stringify(id)} (ids are integers from 0 to ${MAX_VOCAB - 1})`);
    this.vocab = new Map(Object.entries(vocab as Record<string, number>));
    // Byte-level BPE must be able to spell any byte, or encoding fails later on some input.
    const missing = BYTE_CHAR.findIndex((ch) => !this.vocab.has(ch));
    if (missing >= 0) throw fail(`model.vocab has no token for byte ${missing} (byte-level BPE needs all 256)`);
    if (model.dropout !== null && model.dropout !== undefined && model.dropout !== 0)
      throw fail('model.dropout is set (BPE dropout randomises encoding; it is for training a tokenizer, not for using one)');
    for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'])
      if (model[key] !== null && model[key] !== undefined && model[key] !== '')
        throw fail(`model.${key} is not supported in a byte-level BPE`);
    if (model.ignore_merges !== undefined && model.ignore_merges !== null && typeof model.ignore_merges !== 'boolean')
      throw fail('model.ignore_merges must be true or false');

    const merges = model.merges ?? [];
    if (!Array.isArray(merges)) throw fail('model.merges must be a list');
    const pairs: Array<[string, string]> = merges.map((m: unknown, i: number) => {
      // "a b" (tokenizers < 0.20) or ["a", "b"]
      const pair = typeof m === 'string' ? m.split(' ') : m;
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        !pair.every((x) => typeof x === 'string' && this.vocab.has(x)) ||
        !this.vocab.has(pair.join(''))
      ) {
        throw fail(`model.merges[${i}] ${JSON.stringify(m)} is not a pair of vocabulary tokens whose join is in the vocabulary`);
      }
      return pair as [string, string];
    });
    this.model = new BpeModel(this.vocab, pairs, model.ignore_merges === true);

    try {
      this.normalizer = buildNormalizer(json.normalizer);
      const pre = buildPreTokenizer(json.pre_tokenizer);
      if (!pre.byteLevel) throw new PipelineError('pre_tokenizer', 'has no ByteLevel step (only byte-level BPE is supported)');
      this.preTokenize = pre.run;
      this.framing = buildPostProcessor(json.post_processor, isId);
      checkDecoder(json.decoder);
    } catch (e) {
      if (e instanceof PipelineError) throw fail(e.message);
      throw e;
    }

    const added = json.added_tokens ?? [];
    if (!Array.isArray(added)) throw fail('added_tokens must be a list');
    // HF gives an added token the vocabulary's id when it is a vocabulary token, else the next free id
    // after the vocabulary; a file whose ids say otherwise would encode differently there.
    let nextId = this.vocab.size;
    const seen = new Map<string, number>();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
    this.added = added.map((t: any, i: number) => {
      if (!t || typeof t !== 'object' || !isId(t.id) || typeof t.content !== 'string' || !t.content)
        throw fail(`added_tokens[${i}] needs an integer "id" and a non-empty "content"`);
      const flag = (key: string, fallback: boolean): boolean => {
        const v = t[key];
        if (v === undefined || v === null) return fallback;
        if (typeof v !== 'boolean') throw fail(`added_tokens[${i}].${key} must be true or false`);
        return v;
      };
      if (seen.has(t.content))
        throw fail(`added_tokens[${i}] repeats ${JSON.stringify(t.content)} (also added_tokens[${seen.get(t.content)}])`);
      seen.set(t.content, i);
      const expected = this.vocab.get(t.content) ?? nextId++;
      if (t.id !== expected)
        throw fail(
          `added_tokens[${i}] ${JSON.stringify(t.content)} has id ${t.id}, but it is ${this.vocab.has(t.content) ? "model.vocab's" : 'the next free'} id ${expected} (added tokens take the vocabulary's id or continue after it)`,
        );
      const special = flag('special', false);
      return {
        id: t.id,
        content: t.content,
        special,
        singleWord: flag('single_word', false),
        lstrip: flag('lstrip', false),
        rstrip: flag('rstrip', false),
        normalized: flag('normalized', !special),
      };
    });
    // a loop, not Math.max(...ids): spreading a large vocabulary overflows the argument stack
    let size = 0;
    for (const id of this.vocab.values()) size = Math.max(size, id + 1);
    for (const t of this.added) size = Math.max(size, t.id + 1);
    this.idToToken = new Array(size);
    for (const [tok, id] of this.vocab) this.idToToken[id] = tok;
    const raw: Array<{ pattern: string; token: AddedToken }> = [];
    const norm: Array<{ pattern: string; token: AddedToken }> = [];
    for (const t of this.added) {
      this.idToToken[t.id] = t.content;
      this.addedById.set(t.id, t);
      const pattern = t.normalized && this.normalizer ? this.normalizer(t.content) : t.content;
      this.addedText.set(t.id, pattern);
      (t.normalized ? norm : raw).push({ pattern, token: t });
    }
    this.rawMatcher = new AddedMatcher(raw);
    this.normalizedMatcher = new AddedMatcher(norm);
    for (const id of [...this.framing.prefix, ...this.framing.suffix])
      if (id >= size) throw fail(`post_processor adds token id ${id}, which is not in the vocabulary`);

    // Legacy default (ftlab's byte tokenizer): <s>/</s> when present. Model folders name their own.
    const byContent = (content: string): SpecialToken | null => {
      const t = this.added.find((a) => a.content === content);
      return t ? { content, id: t.id } : null;
    };
    this.setSpecials({ bos: byContent('<s>'), eos: byContent('</s>'), pad: null, unk: null });
  }

  static fromFile(path: string): Tokenizer {
    return new Tokenizer(readJsonObject(path), path);
  }

  /** The plain byte tokenizer we ship: ids 0–255 are bytes, 256 = <s>, 257 = </s>. */
  static bytes(): Tokenizer {
    return new Tokenizer(byteTokenizerJson());
  }

  get vocabSize(): number {
    return this.idToToken.length;
  }

  /** The id of a token by its text (added tokens first, then the vocabulary), as HF's token_to_id. */
  tokenToId(content: string): number | undefined {
    return this.added.find((t) => t.content === content)?.id ?? this.vocab.get(content);
  }

  /** Sets BOS/EOS/PAD/UNK and the ids that end generation (EOS plus any extra ones, e.g. generation_config.json's). */
  setSpecials(s: SpecialTokens, extraStopIds: number[] = []): void {
    this.special = { ...s };
    this.stops = [...new Set([...(s.eos ? [s.eos.id] : []), ...extraStopIds])];
  }

  get specials(): Readonly<SpecialTokens> {
    return this.special;
  }

  /** BOS id, or null for a tokenizer without one (the chat template then starts with the first turn). */
  get bosId(): number | null {
    return this.special.bos?.id ?? null;
  }

  /** EOS id; a model folder without one is rejected when it is loaded (special-tokens.ts). */
  get eosId(): number {
    if (!this.special.eos)
      throw new TokenizerError(`${this.where}: no end-of-sequence token (name one as eos_token in tokenizer_config.json)`);
    return this.special.eos.id;
  }

  /** Padding id: pad_token if named, else EOS (padded positions never count toward the loss). */
  get padId(): number {
    return this.special.pad?.id ?? this.eosId;
  }

  /** Ids that end generation. */
  get stopIds(): readonly number[] {
    return this.stops;
  }

  isSpecial(id: number): boolean {
    return this.addedById.get(id)?.special ?? false;
  }

  /**
   * Text → ids as HF's `encode(text, add_special_tokens)`: added tokens written in the text are
   * recognised, and with addSpecial the post-processor's template adds BOS/EOS. With splitSpecial=false
   * special tokens in the text are plain text (HF's encode_special_tokens=True).
   */
  encode(text: string, opts: { addSpecial?: boolean; splitSpecial?: boolean } = {}): number[] {
    const ids: number[] = [];
    const addSpecial = opts.addSpecial ?? true;
    const skipSpecial = !(opts.splitSpecial ?? true);
    if (addSpecial) for (const id of this.framing.prefix) ids.push(id);
    // a Rust String is valid UTF-8: lone surrogates become U+FFFD, as TextEncoder would make them
    const s = wellFormed(text);
    for (const a of this.rawMatcher.split(s, skipSpecial)) {
      if (a.id !== undefined) {
        ids.push(a.id);
        continue;
      }
      const normalized = this.normalizer ? this.normalizer(a.text) : a.text;
      for (const b of this.normalizedMatcher.split(normalized, skipSpecial)) {
        if (b.id !== undefined) ids.push(b.id);
        else if (b.text)
          // a loop, not push(...ids): a long text would overflow the argument stack
          for (const piece of this.preTokenize([b.text])) for (const id of this.model.tokenize(piece)) ids.push(id);
      }
    }
    if (addSpecial) for (const id of this.framing.suffix) ids.push(id);
    return ids;
  }

  /** Text → ids with special tokens treated as text and none added (template pieces, user content). */
  encodeOrdinary(text: string): number[] {
    return this.encode(text, { addSpecial: false, splitSpecial: false });
  }

  /** Printable form of each token (byte-level characters, or the added token's text). */
  tokenStrings(ids: number[]): string[] {
    return ids.map((id) => this.idToToken[id] ?? `<unk:${id}>`);
  }

  /** Bytes of a token as HF's ByteLevel decoder gives them (special tokens give none unless kept). */
  tokenBytes(id: number, skipSpecial = true): Uint8Array {
    const added = this.addedById.get(id);
    if (added) return skipSpecial && added.special ? new Uint8Array(0) : byteLevelTokenBytes(this.addedText.get(id)!);
    const tok = this.idToToken[id];
    return tok === undefined ? new Uint8Array(0) : byteLevelTokenBytes(tok);
  }

  /** Ids → text as HF's decode (unknown ids are dropped; invalid UTF-8 becomes U+FFFD). */
  decode(ids: number[], skipSpecial = true): string {
    const parts = ids.map((id) => this.tokenBytes(id, skipSpecial));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return new TextDecoder().decode(bytes);
  }
}

/** Lone surrogates replaced by U+FFFD (String.prototype.toWellFormed, which the ES2023 lib does not declare). */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function byteTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) vocab[BYTE_CHAR[b]] = b;
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(256, '<s>'), special(257, '</s>')],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [256], tokens: ['<s>'] } },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
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
      merges: [],
    },
  };
}
