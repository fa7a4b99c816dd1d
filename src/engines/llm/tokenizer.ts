// Byte-level BPE in the Hugging Face `tokenizers` format (tokenizer.json). The shipped micro model
// uses the degenerate case with no merges: one token per UTF-8 byte plus <s> and </s>. That keeps the
// vocabulary at 258 (the embedding stays a small share of a ~100k-parameter model), nothing is ever
// out of vocabulary, and the file still loads in `tokenizers`/transformers unchanged. Files with merges
// (a trained byte-level BPE) are applied too, so the class is not tied to our choice.
import { ModelFileError, readJsonObject } from './errors.js';

/** GPT-2's reversible map from bytes to printable unicode characters. */
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

const BYTE_CHAR = bytesToUnicode();
const CHAR_BYTE = new Map(BYTE_CHAR.map((ch, b) => [ch, b]));
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** A tokenizer.json the engine cannot use; the message starts with the file's path. */
export class TokenizerError extends ModelFileError {}

/** Largest token id accepted (the id table is allocated from it). */
const MAX_VOCAB = 1 << 22;

export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

export class Tokenizer {
  readonly vocab: Map<string, number>;
  readonly idToToken: string[];
  readonly merges: Map<string, number>;
  readonly added: AddedToken[];
  readonly useRegex: boolean;
  readonly addBos: boolean;
  readonly bosId: number;
  readonly eosId: number;

  /** `where` names the file in errors (a TokenizerError, which the CLI prints as one line). */
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
    readonly json: Record<string, any>,
    where = 'tokenizer.json',
  ) {
    const fail = (msg: string) => new TokenizerError(`${where}: ${msg}`);
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw fail('expected a JSON object');
    const model = json.model ?? {};
    if (typeof model !== 'object' || model.type !== 'BPE')
      throw fail(`model.type ${JSON.stringify(model?.type)} is not supported (byte-level BPE only)`);
    const pre = json.pre_tokenizer;
    const preList: unknown = pre?.type === 'Sequence' ? pre.pretokenizers : pre ? [pre] : [];
    if (!Array.isArray(preList)) throw fail('pre_tokenizer.pretokenizers must be a list');
    const byteLevel = preList.find((p: { type?: unknown } | null) => p?.type === 'ByteLevel');
    if (!byteLevel) throw fail('only byte-level BPE (ByteLevel pre-tokenizer) is supported');
    if (byteLevel.add_prefix_space) throw fail('add_prefix_space=true is not supported');
    this.useRegex = byteLevel.use_regex !== false;
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
    const added = json.added_tokens ?? [];
    if (!Array.isArray(added)) throw fail('added_tokens must be a list');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
    this.added = added.map((t: any, i: number) => {
      if (!t || typeof t !== 'object' || !isId(t.id) || typeof t.content !== 'string' || !t.content)
        throw fail(`added_tokens[${i}] needs an integer "id" and a non-empty "content"`);
      return { id: t.id, content: t.content, special: Boolean(t.special) };
    });
    // a loop, not Math.max(...ids): spreading a large vocabulary overflows the argument stack
    let size = 0;
    for (const id of this.vocab.values()) size = Math.max(size, id + 1);
    for (const t of this.added) size = Math.max(size, t.id + 1);
    this.idToToken = new Array(size);
    for (const [tok, id] of this.vocab) this.idToToken[id] = tok;
    for (const t of this.added) this.idToToken[t.id] = t.content;
    this.merges = new Map();
    const merges = model.merges ?? [];
    if (!Array.isArray(merges)) throw fail('model.merges must be a list');
    merges.forEach((m: unknown, i: number) => {
      const pair = typeof m === 'string' ? m.split(' ') : m;
      if (
        !Array.isArray(pair) ||
        pair.length !== 2 ||
        !pair.every((x) => typeof x === 'string' && this.vocab.has(x)) ||
        !this.vocab.has(pair.join(''))
      ) {
        throw fail(`model.merges[${i}] ${JSON.stringify(m)} is not a pair of vocabulary tokens whose join is in the vocabulary`);
      }
      this.merges.set(pair.join(' '), i);
    });
    const find = (content: string) => this.added.find((t) => t.content === content)?.id;
    // The chat template and the datasets frame every sequence with these two.
    const bos = find('<s>');
    const eos = find('</s>');
    if (bos === undefined || eos === undefined) throw fail('added_tokens must include <s> and </s> (the chat template uses them)');
    this.bosId = bos;
    this.eosId = eos;
    const single = json.post_processor?.single;
    this.addBos = Array.isArray(single) && single.some((x) => x?.SpecialToken?.id === '<s>');
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

  /** Text → ids. Special tokens written in the text are recognised; BOS is prepended as the post-processor says. */
  encode(text: string, opts: { addSpecial?: boolean } = {}): number[] {
    const ids: number[] = [];
    if ((opts.addSpecial ?? true) && this.addBos && this.bosId >= 0) ids.push(this.bosId);
    // split on added tokens (longest first), then byte-level BPE on the pieces between them
    const specials = [...this.added].sort((a, b) => b.content.length - a.content.length);
    let i = 0;
    let start = 0;
    while (i < text.length) {
      const hit = specials.find((t) => text.startsWith(t.content, i));
      if (hit) {
        if (i > start) for (const id of this.encodeOrdinary(text.slice(start, i))) ids.push(id);
        ids.push(hit.id);
        i += hit.content.length;
        start = i;
      } else i++;
    }
    // a loop, not push(...ids): a long text would overflow the argument stack
    if (start < text.length) for (const id of this.encodeOrdinary(text.slice(start))) ids.push(id);
    return ids;
  }

  /** Text → ids with no special-token handling (used for template pieces). */
  encodeOrdinary(text: string): number[] {
    const pieces = this.useRegex ? (text.match(GPT2_SPLIT) ?? []) : [text];
    const out: number[] = [];
    for (const piece of pieces) {
      let parts = [...new TextEncoder().encode(piece)].map((b) => BYTE_CHAR[b]);
      if (this.merges.size) parts = this.bpe(parts);
      for (const p of parts) {
        const id = this.vocab.get(p);
        // unreachable for a tokenizer that passed the constructor's checks (all bytes and merges in the vocabulary)
        if (id === undefined) throw new Error(`tokenizer: piece ${JSON.stringify(p)} is not in the vocabulary`);
        out.push(id);
      }
    }
    return out;
  }

  private bpe(parts: string[]): string[] {
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = this.merges.get(parts[i] + ' ' + parts[i + 1]);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) return parts;
      parts.splice(best, 2, parts[best] + parts[best + 1]);
    }
  }

  /** Printable form of each token (byte-level characters, or the special token's text). */
  tokenStrings(ids: number[]): string[] {
    return ids.map((id) => this.idToToken[id] ?? `<unk:${id}>`);
  }

  /** Bytes of a token (specials give their text unless skipped). */
  tokenBytes(id: number, skipSpecial = true): number[] {
    const added = this.added.find((t) => t.id === id);
    if (added) return skipSpecial && added.special ? [] : [...new TextEncoder().encode(added.content)];
    const tok = this.idToToken[id];
    if (tok === undefined) return [];
    return [...tok].map((ch) => CHAR_BYTE.get(ch) ?? 63);
  }

  decode(ids: number[], skipSpecial = true): string {
    const bytes: number[] = [];
    for (const id of ids) bytes.push(...this.tokenBytes(id, skipSpecial));
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
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
