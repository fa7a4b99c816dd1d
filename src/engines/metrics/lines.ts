// Streaming line input for the metrics CLI. Text files are split on "\n" with a trailing "\r"
// dropped; every line is a segment (empty ones too) and a final newline adds no segment.
// Reading is synchronous and chunked so several files can be read in lockstep cheaply.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 1 << 20;

export class LineReader {
  private readonly fd: number;
  private readonly decoder = new StringDecoder('utf8');
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private pending: string[] = [];
  private pendingPos = 0;
  private tail = '';
  private eof = false;
  lineNo = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    if (fstatSync(this.fd).isDirectory()) {
      closeSync(this.fd);
      throw Object.assign(new Error(`is a directory`), { code: 'EISDIR' });
    }
  }

  /** The next line without its terminator, or null at the end. */
  next(): string | null {
    for (;;) {
      if (this.pendingPos < this.pending.length) {
        this.lineNo++;
        return this.pending[this.pendingPos++];
      }
      if (this.eof) return null;
      this.fill();
    }
  }

  private fill(): void {
    const n = readSync(this.fd, this.buf, 0, CHUNK, null);
    let text: string;
    if (n === 0) {
      this.eof = true;
      closeSync(this.fd);
      text = this.tail + this.decoder.end();
      this.tail = '';
      this.pending = text === '' ? [] : [stripCr(text)];
      this.pendingPos = 0;
      return;
    }
    text = this.tail + this.decoder.write(this.buf.subarray(0, n));
    const parts = text.split('\n');
    this.tail = parts.pop() ?? '';
    for (let i = 0; i < parts.length; i++) parts[i] = stripCr(parts[i]);
    this.pending = parts;
    this.pendingPos = 0;
  }

  close(): void {
    if (!this.eof) {
      this.eof = true;
      closeSync(this.fd);
    }
  }
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

/** Number of segments in a file by the rule above, counted on raw bytes (no decoding). */
export function countLines(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let count = 0;
    let last = -1;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      for (let i = buf.indexOf(10, 0); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) count++;
      last = buf[n - 1];
    }
    if (last !== -1 && last !== 10) count++;
    return count;
  } finally {
    closeSync(fd);
  }
}
