// Dataset parsing: four formats, loss masks, and every malformed line reported with its number.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, encodeRecord, firstInvalidUtf8, makeBatch, parseJsonl, readJsonl } from '../../../src/engines/llm/data.js';
import { IGNORE } from '../../../src/engines/llm/ops.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';

const tok = Tokenizer.bytes();

describe('datasets', () => {
  it('reads all four formats', () => {
    const recs = parseJsonl(
      [
        JSON.stringify({
          messages: [
            { role: 'system', content: 's' },
            { role: 'user', content: 'u' },
            { role: 'assistant', content: 'a' },
          ],
        }),
        JSON.stringify({ prompt: 'p', completion: 'c' }),
        '',
        JSON.stringify({ instruction: 'i', input: 'x', output: 'o' }),
        JSON.stringify({ text: 't' }),
      ].join('\n'),
      'f.jsonl',
    );
    expect(recs.map((r) => [r.format, r.line])).toEqual([
      ['messages', 1],
      ['prompt_completion', 2],
      ['instruction', 4],
      ['text', 5],
    ]);
    expect(recs[2].messages![0].content).toBe('i\n\nx');
  });

  it('reports every malformed line with its number and reason', () => {
    const bad = [
      '{"text": "fine"}',
      '{not json',
      '[1,2]',
      '{"prompt": "p"}',
      '{"messages": [{"role": "bot", "content": "x"}]}',
      '{"foo": 1}',
      '{"instruction": "i", "output": ""}',
    ].join('\n');
    try {
      parseJsonl(bad, 'bad.jsonl');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      const lines = (e as DatasetError).problems.map((p) => p.line);
      expect(lines).toEqual([2, 3, 4, 5, 6, 7]);
      expect((e as Error).message).toContain('bad.jsonl:5: messages[0].role');
      expect((e as Error).message).toContain('bad.jsonl:6: unrecognised record');
    }
  });

  it('chat template: loss only on the answer and its </s>; text records train on everything after <s>', () => {
    const [r] = parseJsonl(JSON.stringify({ prompt: 'Hi', completion: 'Yo' }), 'f');
    const ex = encodeRecord(tok, r);
    expect(tok.decode(ex.ids, false)).toBe('<s>User: Hi\nAssistant: Yo</s>\n');
    const trained = ex.ids.filter((_, i) => ex.mask[i]);
    expect(tok.decode(trained, false)).toBe('Yo</s>');
    const [t] = parseJsonl(JSON.stringify({ text: 'abc' }), 'f');
    const et = encodeRecord(tok, t);
    expect(et.mask).toEqual([false, true, true, true, true]);
  });

  it('batches shift targets by one and ignore padding', () => {
    const a = { line: 1, ids: [256, 1, 2, 257], mask: [false, false, true, true] };
    const b = { line: 2, ids: [256, 3], mask: [false, true] };
    const batch = makeBatch([a, b], 257);
    expect(batch.T).toBe(4);
    expect(Array.from(batch.targets)).toEqual([IGNORE, 2, 257, IGNORE, 3, IGNORE, IGNORE, IGNORE]);
    expect(batch.count).toBe(3);
  });

  it('an empty answer is rejected with its line in all four formats, as an empty completion is', () => {
    const empty = [
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: '' },
        ],
      },
      {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
          { role: 'user', content: 'q2' },
          { role: 'assistant', content: '' },
        ],
      },
      { prompt: 'q', completion: '' },
      { instruction: 'q', output: '' },
      { text: '' },
    ];
    try {
      parseJsonl(empty.map((r) => JSON.stringify(r)).join('\n'), 'e.jsonl');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      expect((e as DatasetError).problems.map((p) => p.line)).toEqual([1, 2, 3, 4, 5]);
      expect((e as Error).message).toContain('e.jsonl:1: messages[1] (assistant) is empty');
      expect((e as Error).message).toContain('e.jsonl:2: messages[3] (assistant) is empty');
      expect((e as Error).message).toContain('e.jsonl:3: "completion" is empty');
    }
    // an empty user or system turn is still allowed, as an empty prompt is
    expect(
      parseJsonl(
        JSON.stringify({
          messages: [
            { role: 'system', content: '' },
            { role: 'user', content: '' },
            { role: 'assistant', content: 'a' },
          ],
        }),
        'f',
      ),
    ).toHaveLength(1);
  });

  it('a UTF-8 byte-order mark at the start is not part of the first record', () => {
    const recs = parseJsonl('\uFEFF{"text": "a"}\n{"text": "b"}\n', 'bom.jsonl');
    expect(recs.map((r) => r.text)).toEqual(['a', 'b']);
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-data-'));
    writeFileSync(
      join(dir, 'bom.jsonl'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"prompt": "p", "completion": "c"}\n')]),
    );
    expect(readJsonl(join(dir, 'bom.jsonl'))[0].messages![1].content).toBe('c');
  });

  it('bytes that are not UTF-8 are reported with their line, not decoded as U+FFFD and trained on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-data-'));
    const file = join(dir, 'latin1.jsonl');
    // line 2 is Latin-1 "é", line 4 a lone continuation byte, line 3 a well-formed "é" and "€"
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from('{"text": "ok"}\n{"text": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n{"text": "café €"}\n{"text": "'),
        Buffer.from([0x80]),
        Buffer.from('x"}\n'),
      ]),
    );
    try {
      readJsonl(file);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DatasetError);
      expect((e as DatasetError).problems).toEqual([
        { line: 2, message: 'byte 0xe9 at byte 14 of the line is not valid UTF-8; save the file as UTF-8' },
        { line: 4, message: 'byte 0x80 at byte 11 of the line is not valid UTF-8; save the file as UTF-8' },
      ]);
    }
  });

  it('firstInvalidUtf8 agrees with the strict decoder (overlongs, surrogates, truncation)', () => {
    const cases: number[][] = [
      [0x41],
      [0xc3, 0xa9],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98, 0x80],
      [0xff],
      [0x41, 0xc3],
    ];
    for (const c of cases) {
      const bytes = Uint8Array.from(c);
      let strictOk = true;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        strictOk = false;
      }
      expect(firstInvalidUtf8(bytes) < 0, JSON.stringify(c)).toBe(strictOk);
    }
  });
});
