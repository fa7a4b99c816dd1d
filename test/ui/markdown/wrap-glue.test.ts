// Wrapping never breaks inside a word that runs across styled spans ("(" then bold "mean", inline code
// then a comma): the break goes before the whole word, as it would in plain text.
import { describe, expect, it } from 'vitest';
import { lineText, wrapSpans } from '../../../src/ui/markdown/text.js';

const rows = (spans: Parameters<typeof wrapSpans>[0], width: number) => wrapSpans(spans, width).map(lineText);

describe('wrapSpans keeps a word whole across style changes', () => {
  it('takes an opening bracket along with the bold word after it', () => {
    const spans = [{ text: 'the state, averages them (' }, { text: 'mean pooling', bold: true }, { text: ') and scales it' }];
    for (const width of [26, 27, 30, 32, 38]) {
      const out = rows(spans, width);
      expect(out.join('\n'), `width ${width}`).not.toMatch(/\($/m);
      expect(out.join('\n'), `width ${width}`).not.toMatch(/^\)/m);
      expect(out.join(' ').replace(/\s+/g, ' ')).toBe('the state, averages them (mean pooling) and scales it');
      for (const r of out) expect(r.length).toBeLessThanOrEqual(width);
    }
  });

  it('never starts a row with the comma after inline code', () => {
    const spans = [{ text: 'call ' }, { text: '/api/embed', color: 'cyan' }, { text: ', then rank them' }];
    // from 11 columns: "/api/embed," fits a row (narrower, it is split like any word too long for a row)
    for (let width = 11; width <= 30; width++) {
      const out = rows(spans, width);
      expect(out.join('\n'), `width ${width}`).not.toMatch(/^,/m);
      for (const r of out) expect(r.length, `width ${width}: ${JSON.stringify(out)}`).toBeLessThanOrEqual(width);
    }
  });

  it('still splits a glued word longer than a row', () => {
    const out = rows([{ text: 'x (' }, { text: 'a'.repeat(20), bold: true }], 10);
    expect(out.join('')).toBe('x (' + 'a'.repeat(20));
    for (const r of out) expect(r.length).toBeLessThanOrEqual(10);
  });
});
