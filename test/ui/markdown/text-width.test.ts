// The reader's own width measure (src/ui/markdown/text.ts) agrees with how a terminal draws the
// glyphs the renderer itself emits, the callout icons included.
import { describe, expect, it } from 'vitest';
import { textWidth } from '../../../src/ui/markdown/text.js';
import { displayWidth } from './width.js';

describe('reader text width', () => {
  it('counts the caution icon ⛔ (emoji presentation) as two cells', () => {
    expect(textWidth('⛔')).toBe(2);
    expect(textWidth('⛔ Caution')).toBe(10);
  });
  it('agrees with the terminal on every callout icon and on the box and table glyphs', () => {
    for (const s of ['ℹ', '✦', '❢', '⚠', '⛔', '▌', '│', '─', '┼', '━', '•', '…', '×', 'Δ', '日本'])
      expect(textWidth(s), s).toBe(displayWidth(s));
  });
});
