// Ink wraps <Text> with wrap-ansi and `trim: false` (to keep intentional indentation). wrap-ansi then
// keeps the space between two words that meet exactly at the wrap width, and puts it at the start of
// the next row, so wrapped prose now and then shows a row indented by one column. Ink's build and the
// test setup route Ink's import of wrap-ansi here (scripts/build.mjs, vitest.config.ts): the same
// wrapping, minus that one space at the start of a continuation row. Rows that start a line of the
// source text keep their indentation.
import wrapAnsi from 'wrap-ansi';

type Options = Parameters<typeof wrapAnsi>[2];

// Escape sequences wrap-ansi re-opens at the start of a continuation row (SGR styles, OSC 8 links).
const ESCAPES = '(?:\u001B\\[[0-9;]*m|\u001B\\]8;;[^\u0007]*\u0007)*';
const LEADING_ESCAPES = new RegExp(`^(${ESCAPES}) `);
const ONLY_ESCAPES = new RegExp(`^${ESCAPES}$`);

export default function wrapAnsiForInk(text: string, columns: number, options?: Options): string {
  if (options?.trim !== false) return wrapAnsi(text, columns, options);
  return text
    .split('\n')
    .map((line) => {
      const rows = wrapAnsi(line, columns, options).split('\n');
      const out = [rows[0]!];
      for (let i = 1; i < rows.length; i++) {
        const row = rows[i]!.replace(LEADING_ESCAPES, '$1');
        // A row that held nothing but the moved space (the word after it went on to the next row).
        if (row !== rows[i] && ONLY_ESCAPES.test(row)) continue;
        out.push(row);
      }
      return out.join('\n');
    })
    .join('\n');
}
