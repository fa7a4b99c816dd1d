// Text helpers that behave like Python's str methods, because sacrebleu and rouge-score are
// Python: `str.split()` and `str.rstrip()` treat a wider set of characters as whitespace than
// JavaScript's \s (U+001C..U+001F and U+0085 are whitespace in Python, U+FEFF is not).

/** Characters Python's str.split()/str.strip() treat as whitespace. */
const PY_WS_CLASS = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_RUN = new RegExp(`[${PY_WS_CLASS}]+`, 'g');
const PY_WS_ONLY = new RegExp(`^[${PY_WS_CLASS}]*$`);

/** Python's `s.split()` (no arguments): split on whitespace runs, no empty pieces. */
export function pySplit(s: string): string[] {
  if (PY_WS_ONLY.test(s)) return [];
  const parts = s.split(PY_WS_RUN);
  // A leading or trailing whitespace run leaves one empty piece at that end.
  let start = 0;
  let end = parts.length;
  if (parts[0] === '') start = 1;
  if (end > start && parts[end - 1] === '') end -= 1;
  return start === 0 && end === parts.length ? parts : parts.slice(start, end);
}

/** True for the characters Python's str.isspace() accepts. */
export function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Python's `s.rstrip()` (no arguments). */
export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && isPyWhitespace(s.charCodeAt(end - 1))) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Python's `' '.join(s.split())`. */
export function collapseWhitespace(s: string): string {
  return pySplit(s).join(' ');
}

/** The string as an array of Unicode code points (Python indexes strings by code point). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}
