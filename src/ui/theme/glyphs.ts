// Characters that depend on the terminal: box drawing and block glyphs, or plain ASCII (--ascii)
// where those don't render. Screen-reader mode uses the ASCII set too and draws no boxes at all.
import type { BoxProps } from 'ink';

export interface Glyphs {
  ascii: boolean;
  border: NonNullable<BoxProps['borderStyle']>;
  bullet: string;
  /** A neutral mark (a blank exam item, a server not started). */
  dot: string;
  pointer: string;
  check: string;
  cross: string;
  hr: string;
  ellipsis: string;
  /** Bar chart: a full cell and the partial cells from 1/8 to 7/8 (ASCII: none). */
  barFull: string;
  barPartials: string[];
  barEmpty: string;
  /** Sparkline levels, lowest first. */
  spark: string[];
  tableH: string;
  tableV: string;
  tableCross: string;
  arrowUp: string;
  arrowDown: string;
  scrollThumb: string;
  scrollTrack: string;
  /** Question widgets: the focused row, radio buttons and check boxes, a graded right/wrong mark,
   * an exam flag, a pairing arrow and an order item being moved. */
  cursor: string;
  radioOn: string;
  radioOff: string;
  boxOn: string;
  boxOff: string;
  right: string;
  wrong: string;
  flag: string;
  arrow: string;
  grabbed: string;
}

export const unicodeGlyphs: Glyphs = {
  ascii: false,
  border: 'round',
  bullet: '•',
  dot: '·',
  pointer: '›',
  check: '✓',
  cross: '✗',
  hr: '─',
  ellipsis: '…',
  barFull: '█',
  barPartials: ['▏', '▎', '▍', '▌', '▋', '▊', '▉'],
  barEmpty: ' ',
  spark: ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
  tableH: '─',
  tableV: '│',
  tableCross: '┼',
  arrowUp: '↑',
  arrowDown: '↓',
  scrollThumb: '┃',
  scrollTrack: '│',
  cursor: '❯',
  radioOn: '◉',
  radioOff: '○',
  boxOn: '[x]',
  boxOff: '[ ]',
  right: '✓',
  wrong: '✗',
  flag: '⚑',
  arrow: '→',
  grabbed: '≡',
};

export const asciiGlyphs: Glyphs = {
  ascii: true,
  border: 'classic',
  bullet: '*',
  dot: '.',
  pointer: '>',
  // Not "x": read aloud (screen readers get these glyphs) or seen, an x means "no".
  check: '+',
  cross: '-',
  hr: '-',
  ellipsis: '...',
  barFull: '#',
  barPartials: [],
  barEmpty: ' ',
  spark: ['_', '.', '-', '~', '=', '+', '*', '#'],
  tableH: '-',
  tableV: '|',
  tableCross: '+',
  arrowUp: '^',
  arrowDown: 'v',
  scrollThumb: '#',
  scrollTrack: '|',
  cursor: '>',
  radioOn: '(*)',
  radioOff: '( )',
  boxOn: '[x]',
  boxOff: '[ ]',
  right: '+',
  wrong: 'x',
  flag: 'F',
  arrow: '->',
  grabbed: '=',
};
