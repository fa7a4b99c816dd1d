// Training data: JSONL in four formats, turned into token ids plus a mask of the positions that count
// toward the loss.
//   {"messages":[{"role","content"},…]}            chat; loss on assistant turns only
//   {"prompt": …, "completion": …}                  loss on the completion only
//   {"instruction": …, "input"?: …, "output": …}    loss on the output only
//   {"text": …}                                     plain language modelling; loss on every token
// Every malformed line is reported with its line number; nothing is skipped silently (blank lines
// are not records and are ignored).
import { readFileSync } from 'node:fs';
import { encodeChat, type ChatMessage } from './chat.js';
import { IGNORE } from './ops.js';
import type { Rng } from './rng.js';
import type { Tokenizer } from './tokenizer.js';

export type RecordFormat = 'messages' | 'prompt_completion' | 'instruction' | 'text';

export interface DataRecord {
  line: number;
  format: RecordFormat;
  messages: ChatMessage[] | null; // null for `text`
  text: string | null;
}

export interface Example {
  line: number;
  ids: number[];
  /** mask[i]: token i is a prediction target (the loss of predicting it from i−1 counts). */
  mask: boolean[];
}

export class DatasetError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Array<{ line: number; message: string }>,
  ) {
    super(problems.map((p) => `${file}:${p.line}: ${p.message}`).join('\n'));
    this.name = 'DatasetError';
  }
}

const str = (v: unknown) => typeof v === 'string';

export function parseRecord(obj: unknown, line: number): DataRecord {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new Error('each line must be a JSON object');
  const o = obj as Record<string, unknown>;
  if ('messages' in o) {
    if (!Array.isArray(o.messages) || o.messages.length === 0) throw new Error('"messages" must be a non-empty array');
    const msgs: ChatMessage[] = o.messages.map((m, i) => {
      const mm = m as Record<string, unknown>;
      if (!mm || typeof mm !== 'object') throw new Error(`messages[${i}] must be an object`);
      if (!['system', 'user', 'assistant'].includes(mm.role as string))
        throw new Error(`messages[${i}].role must be "system", "user" or "assistant" (got ${JSON.stringify(mm.role)})`);
      if (!str(mm.content)) throw new Error(`messages[${i}].content must be a string`);
      // an empty answer would teach the model to stop at once; the same rule as an empty completion
      if (mm.role === 'assistant' && !(mm.content as string).length) throw new Error(`messages[${i}] (assistant) is empty`);
      return { role: mm.role as ChatMessage['role'], content: mm.content as string };
    });
    if (!msgs.some((m) => m.role === 'assistant')) throw new Error('"messages" has no assistant turn to learn from');
    return { line, format: 'messages', messages: msgs, text: null };
  }
  if ('prompt' in o || 'completion' in o) {
    if (!str(o.prompt)) throw new Error('"prompt" must be a string');
    if (!str(o.completion)) throw new Error('"completion" must be a string');
    if (!(o.completion as string).length) throw new Error('"completion" is empty');
    return {
      line,
      format: 'prompt_completion',
      messages: [
        { role: 'user', content: o.prompt as string },
        { role: 'assistant', content: o.completion as string },
      ],
      text: null,
    };
  }
  if ('instruction' in o || 'output' in o) {
    if (!str(o.instruction)) throw new Error('"instruction" must be a string');
    if (o.input !== undefined && !str(o.input)) throw new Error('"input" must be a string when present');
    if (!str(o.output)) throw new Error('"output" must be a string');
    if (!(o.output as string).length) throw new Error('"output" is empty');
    const user = o.input ? `${o.instruction}\n\n${o.input}` : (o.instruction as string);
    return {
      line,
      format: 'instruction',
      messages: [
        { role: 'user', content: user },
        { role: 'assistant', content: o.output as string },
      ],
      text: null,
    };
  }
  if ('text' in o) {
    if (!str(o.text)) throw new Error('"text" must be a string');
    if (!(o.text as string).length) throw new Error('"text" is empty');
    return { line, format: 'text', messages: null, text: o.text as string };
  }
  throw new Error(
    `unrecognised record: expected "messages", "prompt"/"completion", "instruction"/"output" or "text" (keys: ${Object.keys(o).join(', ') || 'none'})`,
  );
}

/**
 * `lineProblems` holds faults found before decoding (invalid UTF-8, see readJsonl) by line number; those
 * lines are reported with the rest and not parsed.
 */
export function parseJsonl(content: string, file: string, lineProblems: Map<number, string> = new Map()): DataRecord[] {
  const records: DataRecord[] = [];
  const problems: Array<{ line: number; message: string }> = [];
  // A byte-order mark is how some editors start a UTF-8 file; it is not part of the first record.
  const lines = content.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const early = lineProblems.get(i + 1);
    if (early) {
      problems.push({ line: i + 1, message: early });
      return;
    }
    const text = raw.replace(/\r$/, '');
    if (!text.trim()) return;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      problems.push({ line: i + 1, message: `invalid JSON (${(e as Error).message})` });
      return;
    }
    try {
      records.push(parseRecord(obj, i + 1));
    } catch (e) {
      problems.push({ line: i + 1, message: (e as Error).message });
    }
  });
  if (problems.length) throw new DatasetError(file, problems);
  if (!records.length) throw new DatasetError(file, [{ line: 1, message: 'the file holds no records' }]);
  return records;
}

/** The dataset file is missing or unreadable (as opposed to DatasetError: it is there but malformed). */
export class DatasetFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot read the dataset ${file}: ${reason}`);
    this.name = 'DatasetFileError';
  }
}

export function readJsonl(file: string): DataRecord[] {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason =
      err.code === 'ENOENT'
        ? 'no such file'
        : err.code === 'EISDIR'
          ? 'it is a folder'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
    throw new DatasetFileError(file, reason);
  }
  // Invalid bytes are reported with their line rather than silently decoded as U+FFFD and trained on.
  let text: string | null = null;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    // not UTF-8: decode leniently and name each bad line below
  }
  if (text !== null) return parseJsonl(text, file);
  return parseJsonl(new TextDecoder('utf-8').decode(buf), file, invalidUtf8Lines(buf));
}

/** Line number → message for each line holding bytes that are not UTF-8 (lines split at 0x0A, as the text is). */
export function invalidUtf8Lines(buf: Uint8Array): Map<number, string> {
  const out = new Map<number, string>();
  let line = 1;
  let start = 0;
  for (let i = 0; i <= buf.length; i++) {
    if (i < buf.length && buf[i] !== 0x0a) continue;
    const at = firstInvalidUtf8(buf.subarray(start, i));
    if (at >= 0)
      out.set(
        line,
        `byte 0x${buf[start + at].toString(16).padStart(2, '0')} at byte ${at + 1} of the line is not valid UTF-8; save the file as UTF-8`,
      );
    line++;
    start = i + 1;
  }
  return out;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or −1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // the table of well-formed sequences in the Unicode standard (no overlongs, no surrogates, ≤ U+10FFFF)
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** BOS text EOS for `text` records (all trained on), the chat template otherwise. */
export function encodeRecord(tok: Tokenizer, r: DataRecord): Example {
  if (r.format === 'text') {
    const ids = [...(tok.bosId === null ? [] : [tok.bosId]), ...tok.encodeOrdinary(r.text!), tok.eosId];
    return { line: r.line, ids, mask: ids.map((_, i) => i > 0) };
  }
  const { ids, mask } = encodeChat(tok, r.messages!);
  return { line: r.line, ids, mask };
}

/**
 * Encodes records and cuts them to `maxLen` tokens (keeping the start). Returns how many were cut so
 * callers can say so; an example left with no target token is an error, not a silent skip.
 */
export function encodeDataset(
  tok: Tokenizer,
  records: DataRecord[],
  maxLen: number,
  file: string,
): { examples: Example[]; truncated: number } {
  let truncated = 0;
  const problems: Array<{ line: number; message: string }> = [];
  const examples: Example[] = [];
  for (const r of records) {
    const ex = encodeRecord(tok, r);
    if (ex.ids.length > maxLen) {
      truncated++;
      ex.ids = ex.ids.slice(0, maxLen);
      ex.mask = ex.mask.slice(0, maxLen);
    }
    if (!ex.mask.some(Boolean))
      problems.push({ line: r.line, message: `no answer tokens left within the ${maxLen}-token context (the prompt is too long)` });
    examples.push(ex);
  }
  if (problems.length) throw new DatasetError(file, problems);
  return { examples, truncated };
}

export interface Batch {
  tokens: Int32Array; // [B,T]
  targets: Int32Array; // [B,T] next-token ids, IGNORE where not trained on or padding
  B: number;
  T: number;
  count: number; // number of counted targets
  real: number; // tokens that are not padding
}

/** Right-pads to the longest example; the shift happens here: targets[t] = ids[t+1] when mask[t+1]. */
export function makeBatch(examples: Example[], padId: number): Batch {
  const B = examples.length;
  const T = Math.max(...examples.map((e) => e.ids.length));
  const tokens = new Int32Array(B * T).fill(padId);
  const targets = new Int32Array(B * T).fill(IGNORE);
  let count = 0;
  examples.forEach((e, b) => {
    for (let t = 0; t < e.ids.length; t++) {
      tokens[b * T + t] = e.ids[t];
      if (t + 1 < e.ids.length && e.mask[t + 1]) {
        targets[b * T + t] = e.ids[t + 1];
        count++;
      }
    }
  });
  return { tokens, targets, B, T, count, real: examples.reduce((a, e) => a + e.ids.length, 0) };
}

/** An endless, seeded stream of shuffled mini-batches (a new permutation every epoch). */
export class BatchSampler {
  private order: number[] = [];
  private pos = 0;
  epoch = 0;

  constructor(
    private readonly examples: Example[],
    private readonly batchSize: number,
    private readonly rng: Rng,
  ) {
    this.reshuffle();
  }

  private reshuffle(): void {
    this.order = this.rng.shuffle(this.examples.map((_, i) => i));
    this.pos = 0;
  }

  next(): Example[] {
    const out: Example[] = [];
    while (out.length < this.batchSize) {
      if (this.pos >= this.order.length) {
        this.epoch++;
        this.reshuffle();
      }
      out.push(this.examples[this.order[this.pos++]]);
    }
    return out;
  }

  get position(): { epoch: number; pos: number; order: number[] } {
    return { epoch: this.epoch, pos: this.pos, order: [...this.order] };
  }

  restore(p: { epoch: number; pos: number; order: number[] }): void {
    this.epoch = p.epoch;
    this.pos = p.pos;
    this.order = [...p.order];
  }
}

/** Fixed batches covering every example once, in file order (for validation / eval). */
export function sequentialBatches(examples: Example[], batchSize: number): Example[][] {
  const out: Example[][] = [];
  for (let i = 0; i < examples.length; i += batchSize) out.push(examples.slice(i, i + batchSize));
  return out;
}
