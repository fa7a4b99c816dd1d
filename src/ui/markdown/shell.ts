// Shell commands that must stay copyable at any width. A terminal copies what it shows, row by row, so
// a command that simply wrapped would paste as two commands. A command too long for its rows is broken
// the way a person would write it over several lines: at a space outside quotes, each row but the last
// ending in " \" (a line continuation) and the next one indented. Pasted, with whatever spaces the
// screen put before each row, it is still one command. A trailing comment that does not fit goes on its
// own rows above the command (a comment cannot be continued). A single word longer than a row is never
// split, since no split of a word survives the indent a copy picks up: that row runs long instead.
import { lineText, textWidth, type Line, type Span } from './text.js';

/** Quote state carried from one line of a script to the next (a string may span lines). */
export interface ShellScan {
  quote: '' | "'" | '"';
}

interface LineScan {
  /** [start, end) of each run of spaces outside quotes: the places a row may end. */
  gaps: Array<[number, number]>;
  /** Where an unquoted comment starts, or -1. */
  comment: number;
}

function scan(text: string, state: ShellScan): LineScan {
  const gaps: Array<[number, number]> = [];
  let comment = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (state.quote === "'") {
      if (ch === "'") state.quote = '';
      continue;
    }
    if (ch === '\\') {
      i++; // the next character is escaped (inside double quotes too)
      continue;
    }
    if (state.quote === '"') {
      if (ch === '"') state.quote = '';
      continue;
    }
    if (ch === "'" || ch === '"') state.quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]!))) {
      comment = i;
      break;
    } else if (ch === ' ' || ch === '\t') {
      let j = i;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
      gaps.push([i, j]);
      i = j - 1;
    }
  }
  return { gaps, comment };
}

/** The part of a styled line between two string offsets. */
export function sliceLine(line: Line, from: number, to = Infinity): Line {
  const out: Line = [];
  let at = 0;
  for (const s of line) {
    const end = at + s.text.length;
    const a = Math.max(from, at);
    const b = Math.min(to, end);
    if (b > a) out.push({ ...s, text: s.text.slice(a - at, b - at) });
    at = end;
  }
  return out;
}

const CONTINUATION: Span = { text: ' \\' };
const INDENT = '  ';

/**
 * One line of a shell script as rows of at most `width` cells (see the top of this file). `state`
 * carries open quotes to the next line; pass the same object for every line of one script.
 */
export function shellRows(line: Line, width: number, state: ShellScan = { quote: '' }, muted: Partial<Span> = {}): Line[] {
  const text = lineText(line);
  const { gaps, comment } = scan(text, state);
  if (textWidth(text) <= width) return [line];
  const rows: Line[] = [];
  let codeEnd = text.length;
  if (comment >= 0) {
    // The comment first, on rows of its own, each a comment.
    codeEnd = text.slice(0, comment).trimEnd().length;
    const words = text
      .slice(comment + 1)
      .trim()
      .split(/\s+/);
    let row = '#';
    for (const w of words) {
      if (row !== '#' && textWidth(row) + 1 + textWidth(w) > width) {
        rows.push([{ ...sliceLine(line, comment, comment + 1)[0], text: row }]);
        row = '#';
      }
      row += ` ${w}`;
    }
    rows.push([{ ...sliceLine(line, comment, comment + 1)[0], text: row }]);
    if (codeEnd === 0) return rows;
  }
  const code = sliceLine(line, 0, codeEnd);
  const breaks = gaps.filter(([a]) => a < codeEnd);
  let start = 0;
  let first = true;
  while (start < codeEnd) {
    const prefix = first ? '' : INDENT;
    const room = width - textWidth(prefix) - CONTINUATION.text.length;
    const rest = textWidth(text.slice(start, codeEnd));
    if (textWidth(prefix) + rest <= width) {
      rows.push([...(prefix ? [{ text: prefix }] : []), ...sliceLine(code, start)]);
      break;
    }
    // The last gap that leaves the row within its room, else the first one after the start (an over-long word).
    const candidates = breaks.filter(([a]) => a > start);
    const fitting = candidates.filter(([a]) => textWidth(text.slice(start, a)) <= room);
    const gap = fitting[fitting.length - 1] ?? candidates[0];
    if (!gap) {
      rows.push([...(prefix ? [{ text: prefix }] : []), ...sliceLine(code, start)]);
      break;
    }
    rows.push([...(prefix ? [{ text: prefix }] : []), ...sliceLine(code, start, gap[0]), { ...muted, ...CONTINUATION }]);
    start = gap[1];
    first = false;
  }
  return rows;
}

/** A plain command string as copyable rows of text. */
export function shellCommandRows(command: string, width: number): string[] {
  const state: ShellScan = { quote: '' };
  return command.split('\n').flatMap((l) => shellRows([{ text: l }], width, state).map(lineText));
}
