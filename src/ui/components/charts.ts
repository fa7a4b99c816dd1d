// Text charts built from the glyph set: horizontal bars with 1/8-cell resolution (Unicode) or whole
// cells (ASCII), sparklines, and a vertical column chart. Pure functions returning strings, so the
// stats screen, the plain-text output and the tests all share them.
import type { Glyphs } from '../theme/glyphs.js';

/** A bar `value/max` of `width` cells. */
export function bar(value: number, max: number, width: number, g: Glyphs): string {
  if (width <= 0) return '';
  const share = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  const eighths = Math.round(share * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  let out = g.barFull.repeat(full);
  if (rest && g.barPartials.length) out += g.barPartials[rest - 1];
  else if (rest >= 4 && !g.barPartials.length) out += g.barFull;
  return out.padEnd(width, g.barEmpty);
}

/** A progress bar with a visible track: [#####.....] in ASCII, ▰▱ style in Unicode. */
export function progressBar(value: number, max: number, width: number, g: Glyphs): string {
  const inner = Math.max(1, width);
  const filled = max > 0 ? Math.round((Math.max(0, Math.min(max, value)) / max) * inner) : 0;
  return g.ascii ? '#'.repeat(filled) + '.'.repeat(inner - filled) : '█'.repeat(filled) + '░'.repeat(inner - filled);
}

/** One character per value, scaled to the maximum (0 stays at the lowest level; null is a space). */
export function sparkline(values: ReadonlyArray<number | null>, g: Glyphs, max = Math.max(0, ...values.map((v) => v ?? 0))): string {
  const levels = g.spark;
  return values
    .map((v) => {
      if (v === null) return ' ';
      if (max <= 0 || v <= 0) return levels[0];
      return levels[Math.min(levels.length - 1, Math.max(1, Math.ceil((v / max) * (levels.length - 1))))];
    })
    .join('');
}

/**
 * A vertical column chart `height` rows tall, one column per value (each `colWidth` cells wide,
 * separated by `gap`). Returns rows top to bottom.
 */
export function columns(values: readonly number[], height: number, g: Glyphs, colWidth = 1, gap = 0): string[] {
  const max = Math.max(0, ...values);
  const rows: string[] = [];
  const eighthsOf = (v: number) => (max > 0 ? Math.round((v / max) * height * 8) : 0);
  const partialUp = g.ascii ? [] : ['▁', '▂', '▃', '▄', '▅', '▆', '▇'];
  for (let r = height - 1; r >= 0; r--) {
    const cells = values.map((v) => {
      const e = eighthsOf(v) - r * 8;
      let ch: string;
      if (e >= 8) ch = g.barFull;
      else if (e <= 0) ch = v > 0 && r === 0 ? (partialUp[0] ?? '.') : ' ';
      else ch = partialUp.length ? partialUp[e - 1]! : e >= 4 ? g.barFull : r === 0 ? '.' : ' ';
      return ch.repeat(colWidth);
    });
    rows.push(cells.join(' '.repeat(gap)));
  }
  return rows;
}

export function percent(share: number | null): string {
  return share === null ? 'n/a' : `${Math.round(share * 100)}%`;
}
