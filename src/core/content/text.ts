// Content files are UTF-8 text. Bytes that are not (a Latin-1 or UTF-16 file, a binary pasted in) and
// control characters (a NUL, an escape that would drive the learner's terminal) are reported at the
// first place they occur instead of being decoded into U+FFFD or passed to the screen.
import { isUtf8 } from 'node:buffer';

export interface TextFault {
  /** 1-based line and column (in characters) of the first offending byte. */
  line: number;
  col: number;
  message: string;
}

export interface DecodedText {
  /** The text with a leading BOM removed (invalid sequences decoded as U+FFFD, for id recovery only). */
  text: string;
  /** What makes the file unusable, if anything. */
  fault?: TextFault;
}

// C0 controls other than tab, line feed and carriage return, and DEL. Form feed and vertical tab are
// included: nothing in a lesson or a bank needs them and the terminal would act on them.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function decodeText(bytes: Buffer): DecodedText {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const body = start ? bytes.subarray(start) : bytes;
  const text = body.toString('utf8');
  if (!isUtf8(body)) {
    const at = firstInvalidUtf8(body);
    const { line, col } = positionOfByte(body, at);
    const count = countInvalid(text, body);
    return {
      text,
      fault: {
        line,
        col,
        message:
          `the file is not valid UTF-8 (byte 0x${body[at]!.toString(16).padStart(2, '0').toUpperCase()} here` +
          `${count > 1 ? `, ${count} bad sequences in all` : ''}): save it as UTF-8`,
      },
    };
  }
  const m = CONTROL.exec(text);
  if (m) {
    const before = text.slice(0, m.index);
    const line = before.split('\n').length;
    const col = m.index - before.lastIndexOf('\n');
    const code = m[0].charCodeAt(0);
    const what = code === 0 ? 'a NUL byte' : `a control character (U+${code.toString(16).padStart(4, '0').toUpperCase()})`;
    return { text, fault: { line, col, message: `${what} in the file: content is plain text; delete it` } };
  }
  return { text };
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0xff >> (n + 2));
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return b.length - 1;
}

function positionOfByte(b: Buffer, at: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = b.indexOf(0x0a); i !== -1 && i < at; i = b.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  // Columns count characters, as editors do: decode the line up to the bad byte.
  return { line, col: [...b.subarray(lineStart, at).toString('utf8')].length + 1 };
}

/** Replacement characters the decoder made (a U+FFFD written in the file is not one of them). */
function countInvalid(text: string, bytes: Buffer): number {
  let n = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) n++;
  const written = Buffer.from('\uFFFD', 'utf8');
  for (let i = bytes.indexOf(written); i !== -1; i = bytes.indexOf(written, i + 3)) n--;
  return n;
}
