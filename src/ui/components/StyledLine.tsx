// Renders one pre-rendered line (a list of styled spans) as a single Ink row. The line is turned
// into one ANSI string once (cached per line object), so a frame of the lesson reader is 19 plain
// Text nodes rather than a tree of nested ones: less work for React, Yoga and Ink on every keypress.
import { memo } from 'react';
import { Text } from 'ink';
import type { Line, SpanStyle } from '../markdown/text.js';

// SGR codes of the colour names the palettes use (Ink's colour names, as chalk spells them).
const FG: Record<string, number> = {
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
  grey: 90,
  blackBright: 90,
  redBright: 91,
  greenBright: 92,
  yellowBright: 93,
  blueBright: 94,
  magentaBright: 95,
  cyanBright: 96,
  whiteBright: 97,
};

function open(s: SpanStyle): string {
  const codes: number[] = [];
  if (s.bold) codes.push(1);
  if (s.dim) codes.push(2);
  if (s.italic) codes.push(3);
  if (s.underline) codes.push(4);
  if (s.inverse) codes.push(7);
  if (s.strikethrough) codes.push(9);
  if (s.color) {
    const fg = FG[s.color];
    if (fg !== undefined) codes.push(fg);
    else {
      const hex = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s.color);
      if (hex) codes.push(38, 2, parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16));
    }
  }
  return codes.length ? `\x1b[${codes.join(';')}m` : '';
}

const cache = new WeakMap<Line, string>();

/** The line as text with SGR escapes; every styled span is closed with a full reset. */
export function lineToAnsi(line: Line): string {
  let out = cache.get(line);
  if (out !== undefined) return out;
  out = '';
  for (const s of line) {
    const o = open(s);
    out += o ? `${o}${s.text}\x1b[0m` : s.text;
  }
  cache.set(line, out);
  return out;
}

export const StyledLine = memo(function StyledLine({ line }: { line: Line }) {
  if (line.length === 0) return <Text> </Text>;
  return <Text wrap="truncate-end">{lineToAnsi(line)}</Text>;
});
