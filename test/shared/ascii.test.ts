// --ascii output: every character becomes ASCII in the same number of terminal cells.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { asciiOnly, toAscii } from '../../src/shared/ascii.js';
import { textWidth } from '../../src/ui/markdown/text.js';

describe('toAscii', () => {
  it('maps separators, dashes, quotes, marks, bars and sparklines to ASCII of the same width', () => {
    const text = 'Exam (short) · question 1 — wait… “hi” → ✓ ✗ ─│┼╭ █▉░ ▁▂▃▄▅▆▇ café 日本 B·A ≈ 0.5 ⛔ ⚑ ◉ ○';
    const out = toAscii(text);
    expect(out).toMatch(/^[\x20-\x7e]*$/);
    expect(out.length).toBe(textWidth(text));
    expect(out).toBe('Exam (short) | question 1 - wait. "hi" > + x -|++ ##. _.-~=+* cafe ???? B.A ~ 0.5 ?? F @ o');
  });
  it('leaves ASCII (escape sequences included) untouched', () => {
    const s = '\x1b[1mbold\x1b[22m and a tab\there';
    expect(toAscii(s)).toBe(s);
  });
  it('keeps every character of the tables it maps to exactly one ASCII character', () => {
    for (let code = 0x80; code < 0x3000; code++) {
      const ch = String.fromCodePoint(code);
      const out = toAscii(ch);
      expect(out, ch).toMatch(/^[\x20-\x7e]*$/);
      // Combining marks and format characters take no cell; the UI's measure may count them as one.
      if (/^[\p{Mn}\p{Me}\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}]$/u.test(ch)) expect(out).toBe('');
      else expect(out.length, `U+${code.toString(16)}`).toBe(textWidth(ch));
    }
  });
});

describe('asciiOnly', () => {
  it('transliterates strings and UTF-8 buffers written to the stream, a character split across writes included', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let got = '';
    (stream as unknown as PassThrough).on('data', (d: Buffer) => (got += d.toString('utf8')));
    asciiOnly(stream);
    stream.write('a · b — ');
    const bytes = Buffer.from('✓ done…', 'utf8');
    stream.write(bytes.subarray(0, 2));
    stream.write(bytes.subarray(2));
    expect(got).toBe('a | b - + done.');
  });
});
