// Keep it fixed (issue #10): random lines and bytes given to the dataset reader either become records
// or a DatasetError whose every problem names a line of the file; nothing else is thrown, bytes that
// are not UTF-8 are never accepted, and an empty answer is never trained on. Bounded by fuzzParams.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, encodeDataset, readJsonl } from '../../../src/engines/llm/data.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';
import { fuzzParams } from '../../helpers/fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'ftlab-data-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tok = Tokenizer.bytes();

const text = fc.oneof(
  fc.constantFrom('', ' ', 'a', 'é', '\uFFFD', '</s>', '\n'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const answer = fc.string({ minLength: 1, maxLength: 12 });
const role = fc.oneof(fc.constantFrom('system', 'user', 'assistant'), fc.string({ maxLength: 4 }));
/** Records of the four formats that are valid: what most lines of a real file are. */
const good = fc.oneof(
  fc.tuple(text, answer).map(([q, a]) => ({
    messages: [
      { role: 'user', content: q },
      { role: 'assistant', content: a },
    ],
  })),
  fc.tuple(text, answer).map(([q, a]) => ({ prompt: q, completion: a })),
  fc.tuple(text, fc.option(text, { nil: undefined }), answer).map(([q, x, a]) => ({ instruction: q, input: x, output: a })),
  answer.map((t) => ({ text: t })),
);
/** The same shapes with an empty answer somewhere: each must be rejected. */
const emptyAnswer = fc.oneof(
  text.map((q) => ({
    messages: [
      { role: 'user', content: q },
      { role: 'assistant', content: '' },
    ],
  })),
  fc.tuple(text, answer).map(([q, a]) => ({
    messages: [
      { role: 'user', content: q },
      { role: 'assistant', content: a },
      { role: 'user', content: q },
      { role: 'assistant', content: '' },
    ],
  })),
  text.map((q) => ({ prompt: q, completion: '' })),
  text.map((q) => ({ instruction: q, output: '' })),
  fc.constant({ text: '' }),
);
const anything = fc.oneof(
  fc.record({ messages: fc.array(fc.record({ role, content: fc.oneof(text, fc.jsonValue({ maxDepth: 1 })) }), { maxLength: 4 }) }),
  fc.record({ prompt: text, completion: text }, { requiredKeys: [] }),
  fc.record({ instruction: text, input: fc.option(text, { nil: undefined }), output: text }, { requiredKeys: [] }),
  fc.record({ text: fc.oneof(text, fc.jsonValue({ maxDepth: 1 })) }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);
const enc = (s: string) => Buffer.from(s, 'utf8');
const MARK = '\u0007';
const line: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: good.map((r) => enc(JSON.stringify(r))) },
  { weight: 1, arbitrary: emptyAnswer.map((r) => enc(JSON.stringify(r))) },
  { weight: 2, arbitrary: anything.map((r) => enc(JSON.stringify(r))) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => enc(JSON.stringify(v))) },
  {
    weight: 1,
    arbitrary: fc.tuple(good, fc.double({ min: 0, max: 1, noNaN: true })).map(([r, f]) => {
      const s = JSON.stringify(r);
      return enc(s.slice(0, Math.floor(s.length * f)));
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\r', '\t', '\u0000', '\uFEFF{"text":"a"}').map(enc) },
  // raw bytes, often not UTF-8 (newlines removed: they would only make more lines)
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0a))) },
  // a valid record whose answer holds a byte that is not UTF-8 (Latin-1 "é", a lone continuation byte, …)
  {
    weight: 2,
    arbitrary: fc.tuple(answer, fc.constantFrom(0x80, 0xbf, 0xc0, 0xc3, 0xe9, 0xed, 0xf4, 0xf8, 0xff)).map(([a, b]) => {
      const json = JSON.stringify({ prompt: 'q', completion: `${a}${MARK}` });
      const at = json.lastIndexOf('\\u0007');
      return Buffer.concat([enc(json.slice(0, at)), Buffer.from([b]), enc(json.slice(at + 6))]);
    }),
  },
);
const file = fc.record({ bom: fc.boolean(), crlf: fc.boolean(), lines: fc.array(line, { maxLength: 5 }) });

const strictUtf8 = (b: Uint8Array) => {
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('dataset reader fuzz', () => {
  it('random lines: records, or a DatasetError whose every problem is a line of the file', () => {
    let n = 0;
    const seen = { records: 0, errors: 0 };
    fc.assert(
      fc.property(file, ({ bom, crlf, lines }) => {
        const path = join(dir, `f${n++}.jsonl`);
        const body = Buffer.concat(lines.flatMap((l, i) => (i ? [enc(crlf ? '\r\n' : '\n'), l] : [l])));
        writeFileSync(path, bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body);
        const lineCount = Math.max(1, lines.length);
        // the oracle for UTF-8 is the platform's strict decoder, line by line
        const badUtf8 = lines.flatMap((l, i) => (strictUtf8(l) ? [] : [i + 1]));
        try {
          const records = readJsonl(path);
          seen.records++;
          expect(badUtf8, 'a line with invalid UTF-8 was accepted').toEqual([]);
          for (const r of records) {
            expect(r.line).toBeGreaterThanOrEqual(1);
            expect(r.line).toBeLessThanOrEqual(lineCount);
            if (r.messages) {
              expect(r.messages.some((m) => m.role === 'assistant')).toBe(true);
              for (const m of r.messages)
                if (m.role === 'assistant') expect(m.content.length, 'an empty answer was accepted').toBeGreaterThan(0);
            } else expect(r.text!.length).toBeGreaterThan(0);
          }
          try {
            encodeDataset(tok, records, 48, path);
          } catch (e) {
            if (!(e instanceof DatasetError)) throw e;
          }
        } catch (e) {
          if (!(e instanceof DatasetError)) throw e;
          seen.errors++;
          expect(e.problems.length).toBeGreaterThan(0);
          for (const p of e.problems) {
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.line).toBeLessThanOrEqual(lineCount);
            expect(e.message).toContain(`${path}:${p.line}: `);
          }
          for (const l of badUtf8)
            expect(
              e.problems.map((p) => p.line),
              `line ${l} has invalid UTF-8`,
            ).toContain(l);
        }
      }),
      fuzzParams(300),
    );
    // both outcomes must occur, or the generator has drifted and the property proves little
    expect(seen.records).toBeGreaterThan(0);
    expect(seen.errors).toBeGreaterThan(0);
  });
});
