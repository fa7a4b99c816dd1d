// Styled text for the terminal: a line is a list of spans, each with one style. Width is measured
// in terminal cells (East Asian wide characters and most emoji take two).

export interface SpanStyle {
  color?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  strikethrough?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

export interface Span extends SpanStyle {
  text: string;
  /** wrapSpans keeps the span on one row (moving it to the next) when it fits a row whole. */
  nobreak?: boolean;
}

export type Line = Span[];

// Emoji_Presentation covers the symbols terminals draw two cells wide by default, such as the
// caution callout's ⛔ (U+26D4), which the ranges alone would count as one.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
const ZERO = /[\u0300-\u036f\u200b-\u200f\ufe0f]/;

export function charWidth(ch: string): number {
  if (ZERO.test(ch)) return 0;
  return WIDE.test(ch) ? 2 : 1;
}

export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch);
  return w;
}

export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + textWidth(s.text), 0);
}

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Cuts a string to at most `width` cells. */
export function cutText(s: string, width: number): string {
  let w = 0;
  let out = '';
  for (const ch of s) {
    const cw = charWidth(ch);
    if (w + cw > width) break;
    w += cw;
    out += ch;
  }
  return out;
}

/** Cuts a styled line to `width` cells; marks the cut with `marker` when something was dropped. */
export function cutLine(line: Line, width: number, marker = ''): Line {
  if (lineWidth(line) <= width) return line;
  const room = Math.max(0, width - textWidth(marker));
  const out: Line = [];
  let used = 0;
  for (const s of line) {
    const w = textWidth(s.text);
    if (used + w <= room) {
      out.push(s);
      used += w;
      continue;
    }
    const part = cutText(s.text, room - used);
    if (part) out.push({ ...s, text: part });
    break;
  }
  if (marker) out.push({ text: marker, dim: true });
  return out;
}

/**
 * Word-wraps styled spans to `width` cells. Breaks at spaces; a word longer than the width is split.
 * `firstPrefix` starts the first line, `restPrefix` every continuation line (hanging indents for list
 * items and quote bars); their width is taken off the room for text.
 */
export function wrapSpans(spans: readonly Span[], width: number, firstPrefix: Line = [], restPrefix: Line = firstPrefix): Line[] {
  const lines: Line[] = [];
  let current: Line = [...firstPrefix];
  let room = Math.max(1, width - lineWidth(firstPrefix));
  let used = 0;
  let pendingSpace: Span | undefined;
  const newLine = () => {
    lines.push(current);
    current = [...restPrefix];
    room = Math.max(1, width - lineWidth(restPrefix));
    used = 0;
    pendingSpace = undefined;
  };
  const push = (s: Span) => {
    const last = current[current.length - 1];
    if (last && sameStyle(last, s) && !firstPrefix.includes(last) && !restPrefix.includes(last))
      current[current.length - 1] = { ...last, text: last.text + s.text };
    else current.push(s);
  };
  // The fragments of the word being written, across spans: "(" then bold "mean" is one word, so a
  // break before "mean" takes the "(" along instead of leaving it at the end of the row.
  let glue: Span[] = [];
  const dropTail = (n: number) => {
    while (n > 0) {
      const last = current[current.length - 1]!;
      if (last.text.length <= n) {
        n -= last.text.length;
        current.pop();
      } else {
        current[current.length - 1] = { ...last, text: last.text.slice(0, last.text.length - n) };
        n = 0;
      }
    }
  };
  for (const span of spans) {
    const whole = textWidth(span.text);
    if (span.nobreak && span.text.includes(' ') && whole <= Math.max(1, width - lineWidth(restPrefix))) {
      // One unit: on this row if it fits after the pending space, else at the start of the next.
      const spaceW = pendingSpace ? 1 : 0;
      if (used > 0 && used + spaceW + whole > room) newLine();
      else if (pendingSpace) {
        push(pendingSpace);
        used += 1;
      }
      pendingSpace = undefined;
      const { nobreak: _, ...style } = span;
      push({ ...style, text: span.text });
      used += whole;
      glue = [];
      continue;
    }
    // Split into words and single spaces, keeping the span's style.
    const parts = span.text.split(/( +)/);
    for (const part of parts) {
      if (!part) continue;
      if (part.startsWith(' ')) {
        if (used > 0) pendingSpace = { ...span, text: ' ' };
        glue = [];
        continue;
      }
      let word = part;
      let w = textWidth(word);
      const spaceW = pendingSpace ? 1 : 0;
      if (used > 0 && used + spaceW + w > room) {
        const glueW = glue.reduce((n, g) => n + textWidth(g.text), 0);
        const moved = !spaceW && glue.length > 0 && glueW < used && glueW + w <= Math.max(1, width - lineWidth(restPrefix)) ? glue : [];
        dropTail(moved.reduce((n, g) => n + g.text.length, 0));
        newLine();
        for (const g of moved) {
          push(g);
          used += textWidth(g.text);
        }
        glue = moved;
      } else if (pendingSpace) {
        push(pendingSpace);
        used += 1;
      }
      pendingSpace = undefined;
      while (w > room - used) {
        // A word wider than the line: split it.
        const head = cutText(word, Math.max(1, room - used));
        push({ ...span, text: head });
        word = word.slice(head.length);
        w = textWidth(word);
        newLine();
        glue = [];
      }
      if (word) {
        push({ ...span, text: word });
        used += w;
        glue.push({ ...span, text: word });
      }
    }
  }
  if (used > 0 || lines.length === 0) lines.push(current);
  return lines;
}

function sameStyle(a: SpanStyle, b: SpanStyle): boolean {
  return (
    a.color === b.color &&
    !!a.bold === !!b.bold &&
    !!a.italic === !!b.italic &&
    !!a.underline === !!b.underline &&
    !!a.strikethrough === !!b.strikethrough &&
    !!a.dim === !!b.dim &&
    !!a.inverse === !!b.inverse
  );
}
