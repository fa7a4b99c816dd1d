// `--ascii`: every byte ftlab writes is ASCII. The UI already picks ASCII glyphs (ui/theme/glyphs.ts), but
// lesson text, questions and messages carry typographic characters (— … · ’ → ×) that no glyph set can
// list, so the output streams are transliterated as a last step. Each character keeps its cell width
// (one cell becomes one ASCII character, a wide one two), because the terminal UI laid the frame out
// before it was written: a longer replacement would wrap rows and break the frame.
import { StringDecoder } from 'node:string_decoder';

// Each row: characters, then their ASCII stand-ins in the same order.
const TABLE: ReadonlyArray<readonly [string, string]> = [
  ['\u2010\u2011\u2012\u2013\u2014\u2015\u2212', '-------'], // dashes and minus
  ['·•‣‧∙⋅…', '.*>....'], // dots and the ellipsis (one cell: ".")
  ['\u00a0\u202f\u2007\u2009\u200a\u2002\u2003', '       '], // spaces
  ['‘’‚‛′´“”„″«»‹›', `''''''""""""<>`], // quotes
  ['→←↑↓↔⇒⇐↵❯▶▸◀▲▼', '><^v-><<>>><^v'], // arrows and pointers
  ['✓✔✗✘✕✖⚠ℹ✦★☆❢⚑⚐◉●○◦▪■□≡☰', '++xxxx!i***!FF@@oo-#.=='], // marks
  ['×÷≈∼≤≥≠±√∞∑∏∂∇∈∩∪‖°‰', 'x/~~<>#+V8EPdVenu|o%'], // maths
  ['²³¹⁰⁴⁵⁶⁷⁸⁹⁺⁻₀₁₂₃₄½¼¾', '2310456789+-01234244'], // super- and subscripts, fractions
  ['αβγδεζηθλμµνπρστφχψωΔΣΩΠ', 'abgdezn0luuvprstfxywDSWP'], // Greek letters that formulas use
  ['€£¥§¶©®™†‡', 'ELYSPcrT++'], // money and signs
];
const MAP = new Map<string, string>();
for (const [from, to] of TABLE) [...from].forEach((ch, i) => MAP.set(ch, to[i]!));

// What terminals (and Ink's string-width) draw in no cell: controls, format characters, combining marks.
const ZERO_WIDTH = /^[\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}]$/u;
// Cells a character takes (kept in step with ui/markdown/text.ts, which shared/ may not import).
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;

function boxDrawing(code: number): string | undefined {
  if (code >= 0x2500 && code <= 0x257f) {
    // ─ ━ ┄ ┅ ┈ ┉ ╌ ╍ ═ are horizontal, │ ┃ ┆ ┇ ┊ ┋ ╎ ╏ ║ vertical, everything else joins: +
    if ([0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x254c, 0x254d, 0x2550, 0x2574, 0x2576, 0x2578, 0x257a].includes(code)) return '-';
    if ([0x2502, 0x2503, 0x2506, 0x2507, 0x250a, 0x250b, 0x254e, 0x254f, 0x2551, 0x2575, 0x2577, 0x2579, 0x257b].includes(code)) return '|';
    return '+';
  }
  if (code >= 0x2580 && code <= 0x259f) {
    // Block elements: bars, sparklines and quote bars. Full and left blocks are bar cells, shades a track.
    if (code >= 0x2591 && code <= 0x2593) return '.';
    if (code >= 0x2581 && code <= 0x2587) return '_.-~=+*'[code - 0x2581]!;
    if (code === 0x258c) return '|';
    return '#';
  }
  return undefined;
}

/** One character in ASCII, in as many cells as it takes on a terminal. */
function asciiChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code < 0x80) return ch;
  const mapped = MAP.get(ch) ?? boxDrawing(code);
  if (mapped !== undefined) return mapped;
  if (ZERO_WIDTH.test(ch)) return '';
  // Accented letters: the letter without its accent (é -> e, Å -> A).
  const plain = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  if (plain.length === 1 && plain.charCodeAt(0) < 0x80) return plain;
  return WIDE.test(ch) ? '??' : '?';
}

/** `text` with every non-ASCII character replaced by ASCII of the same width; " · " becomes " | ". */
export function toAscii(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  let out = '';
  for (const ch of text.replace(/ \u00b7 /g, ' | ')) out += asciiChar(ch);
  return out;
}

/** Makes every later write to `stream` ASCII (buffers are decoded as UTF-8, split characters included). */
export function asciiOnly(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const decoder = new StringDecoder('utf8');
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? decoder.write(Buffer.from(chunk)) : String(chunk);
    const [encoding] = rest;
    // write(chunk, encoding, cb): the text is now a plain string, so the encoding argument goes.
    const tail = typeof encoding === 'string' ? rest.slice(1) : rest;
    return write(toAscii(text), ...tail);
  }) as typeof stream.write;
}
