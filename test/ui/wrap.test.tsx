// Ink's <Text> wrapping, as the app ships it (src/ui/ink/wrap-ansi.ts): a word that ends exactly at
// the width must not push a space to the start of the next row; indentation in the source stays.
import { createElement as h } from 'react';
import { Box, Text, renderToString } from 'ink';
import { describe, expect, it } from 'vitest';
import wrapAnsiForInk from '../../src/ui/ink/wrap-ansi.js';

describe('wrapping prose', () => {
  it('starts no continuation row with the space where the line was broken', () => {
    const frame = renderToString(
      h(Box, { width: 30 }, h(Text, null, 'The quick brown fox jumps over the lazy dog and keeps running far away.')),
      { columns: 80 },
    );
    expect(frame.split('\n')).toEqual(['The quick brown fox jumps over', 'the lazy dog and keeps', 'running far away.']);
  });

  it('keeps styles across the break and indentation at the start of a source line', () => {
    const bold = '\u001B[1mover the\u001B[22m';
    expect(wrapAnsiForInk(`abc ${bold}`, 8, { trim: false, hard: true })).toBe('abc \u001B[1mover\u001B[22m\n\u001B[1mthe\u001B[22m');
    expect(wrapAnsiForInk('  indented line\n    code', 40, { trim: false, hard: true })).toBe('  indented line\n    code');
    expect(wrapAnsiForInk('aaaa bbbb', 4, { trim: false, hard: true })).toBe('aaaa\nbbbb');
  });
});
