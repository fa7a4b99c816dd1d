// Dataset parsing: four formats, loss masks, and every malformed line reported with its number.
import { describe, expect, it } from 'vitest';
import { DatasetError, encodeRecord, makeBatch, parseJsonl } from '../../src/engine/data.js';
import { IGNORE } from '../../src/engine/ops.js';
import { Tokenizer } from '../../src/engine/tokenizer.js';

const tok = Tokenizer.bytes();

describe('datasets', () => {
  it('reads all four formats', () => {
    const recs = parseJsonl(
      [
        JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }] }),
        JSON.stringify({ prompt: 'p', completion: 'c' }),
        '',
        JSON.stringify({ instruction: 'i', input: 'x', output: 'o' }),
        JSON.stringify({ text: 't' }),
      ].join('\n'),
      'f.jsonl',
    );
    expect(recs.map((r) => [r.format, r.line])).toEqual([['messages', 1], ['prompt_completion', 2], ['instruction', 4], ['text', 5]]);
    expect(recs[2].messages![0].content).toBe('i\n\nx');
  });

  it('reports every malformed line with its number and reason', () => {
    const bad = ['{"text": "fine"}', '{not json', '[1,2]', '{"prompt": "p"}', '{"messages": [{"role": "bot", "content": "x"}]}', '{"foo": 1}', '{"instruction": "i", "output": ""}'].join('\n');
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
});
