// Byte-level BPE in the Hugging Face `tokenizers` format (tokenizer.json). The shipped micro model
// uses the degenerate case with no merges: one token per UTF-8 byte plus <s> and </s>. That keeps the
// vocabulary at 258 (the embedding stays a small share of a ~100k-parameter model), nothing is ever
// out of vocabulary, and the file still loads in `tokenizers`/transformers unchanged. Files with merges
// (a trained byte-level BPE) are applied too, so the class is not tied to our choice.
import { readFileSync } from 'node:fs';

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

  constructor(readonly json: Record<string, any>) {
    const model = json.model ?? {};
    if (model.type !== 'BPE') throw new Error(`tokenizer.json: model.type "${model.type}" is not supported (byte-level BPE only)`);
    const pre = json.pre_tokenizer;
    const preList = pre?.type === 'Sequence' ? pre.pretokenizers : pre ? [pre] : [];
    const byteLevel = preList.find((p: any) => p.type === 'ByteLevel');
    if (!byteLevel) throw new Error('tokenizer.json: only byte-level BPE (ByteLevel pre-tokenizer) is supported');
    if (byteLevel.add_prefix_space) throw new Error('tokenizer.json: add_prefix_space=true is not supported');
    this.useRegex = byteLevel.use_regex !== false;
    this.vocab = new Map(Object.entries(model.vocab as Record<string, number>));
    this.added = (json.added_tokens ?? []).map((t: any) => ({ id: t.id, content: t.content, special: Boolean(t.special) }));
    const size = Math.max(...this.vocab.values(), ...this.added.map((t) => t.id)) + 1;
    this.idToToken = new Array(size);
    for (const [tok, id] of this.vocab) this.idToToken[id] = tok;
    for (const t of this.added) this.idToToken[t.id] = t.content;
    this.merges = new Map();
    (model.merges ?? []).forEach((m: string | string[], i: number) => this.merges.set(Array.isArray(m) ? m.join(' ') : m, i));
    const find = (content: string) => this.added.find((t) => t.content === content)?.id;
    this.bosId = find('<s>') ?? -1;
    this.eosId = find('</s>') ?? -1;
    const single = json.post_processor?.single as any[] | undefined;
    this.addBos = Boolean(single?.some((x) => x.SpecialToken?.id === '<s>'));
  }

  static fromFile(path: string): Tokenizer {
    return new Tokenizer(JSON.parse(readFileSync(path, 'utf8')));
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
        if (i > start) ids.push(...this.encodeOrdinary(text.slice(start, i)));
        ids.push(hit.id);
        i += hit.content.length;
        start = i;
      } else i++;
    }
    if (start < text.length) ids.push(...this.encodeOrdinary(text.slice(start)));
    return ids;
  }

  /** Text → ids with no special-token handling (used for template pieces). */
  encodeOrdinary(text: string): number[] {
    const pieces = this.useRegex ? text.match(GPT2_SPLIT) ?? [] : [text];
    const out: number[] = [];
    for (const piece of pieces) {
      let parts = [...new TextEncoder().encode(piece)].map((b) => BYTE_CHAR[b]);
      if (this.merges.size) parts = this.bpe(parts);
      for (const p of parts) {
        const id = this.vocab.get(p);
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
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
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
