// An append-only JSON Lines file shared by several processes.
//
// Writers append each batch with ONE write(2) on an O_APPEND descriptor while holding the file's lock, so
// entries from two processes never interleave and none is lost. Readers parse complete lines only; a last
// line without "\n" is either being written right now (another process) or was torn by a kill -9. Under the
// lock nobody is writing, so a torn tail seen there is damage: `repair()` keeps a copy of the damaged file
// next to it and rewrites the file with every entry that could be decoded (and migrated).
import { closeSync, existsSync, fdatasyncSync, fstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { keepBadCopy, writeFileAtomic } from './atomic.js';
import { withLock } from './lock.js';
import { guard } from './errors.js';
import type { StoreWarning } from './warnings.js';

export type Decoded<T> = { ok: true; value: T; migrated: boolean } | { ok: false; reason: string };
export type Decoder<T> = (raw: unknown) => Decoded<T>;

export interface LineProblem {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

export interface ReadResult<T> {
  entries: T[];
  problems: LineProblem[];
  /** Entries written in an older format and converted while reading. */
  migrated: number;
  /** The file ended in a partial line (no trailing newline). */
  tornTail: boolean;
}

const NEWLINE = 0x0a;

/** A reader's position: byte offset just after the last complete line read, and which file that was. */
export interface Cursor {
  offset: number;
  inode: number | undefined;
}

export class JsonlFile<T> {
  readonly lockPath: string;

  constructor(
    readonly path: string,
    private readonly decode: Decoder<T>,
    /** Converts a decoded entry back to the current on-disk format (used when rewriting). */
    private readonly encode: (value: T) => unknown = (v) => v,
    /** Completes entries that need their neighbours to be understood (e.g. migration by replay). */
    private readonly prepare: (values: T[]) => void = () => {},
  ) {
    this.lockPath = `${path}.lock`;
  }

  /** Run `fn` while holding this file's cross-process lock. */
  locked<R>(fn: () => R): R {
    return withLock(this.lockPath, fn);
  }

  /** Read the whole file from the start; `cursor` (if given) ends up after the last complete line. */
  readAll(cursor: Cursor = newCursor()): ReadResult<T> {
    cursor.offset = 0;
    cursor.inode = undefined;
    const result = guard(() => this.readFrom(cursor, 0), this.path);
    this.prepare(result.entries);
    return result;
  }

  /**
   * Read entries appended since the last read. Returns null when the file was replaced (rewritten by a
   * repair, an import or a reset in another process): the caller must then `readAll()` again.
   */
  readNew(cursor: Cursor): ReadResult<T> | null {
    return guard(() => this.readNewUnguarded(cursor), this.path);
  }

  private readNewUnguarded(cursor: Cursor): ReadResult<T> | null {
    if (!existsSync(this.path)) return cursor.inode === undefined && cursor.offset === 0 ? emptyResult() : null;
    const st = statSync(this.path);
    if (cursor.inode === undefined ? cursor.offset !== 0 : st.ino !== cursor.inode || st.size < cursor.offset) return null;
    if (cursor.inode === st.ino && st.size === cursor.offset) return emptyResult(); // nothing new: skip the read
    return this.readFrom(cursor, undefined);
  }

  private readFrom(cursor: Cursor, firstLine: number | undefined): ReadResult<T> {
    const start = cursor.offset;
    if (!existsSync(this.path)) {
      cursor.offset = 0;
      cursor.inode = undefined;
      return emptyResult();
    }
    const fd = openSync(this.path, 'r');
    let buf: Buffer;
    try {
      const st = fstatSync(fd);
      cursor.inode = st.ino;
      const length = Math.max(0, st.size - start);
      buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, start + got);
        if (n === 0) break;
        got += n;
      }
      buf = buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
    const entries: T[] = [];
    const problems: LineProblem[] = [];
    let migrated = 0;
    let pos = 0;
    let lineNo = firstLine ?? 0;
    for (;;) {
      const nl = buf.indexOf(NEWLINE, pos);
      if (nl < 0) break;
      lineNo++;
      const text = buf.toString('utf8', pos, nl).trim();
      pos = nl + 1;
      if (text === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        problems.push({ line: lineNo, reason: 'not valid JSON' });
        continue;
      }
      const decoded = this.decode(raw);
      if (decoded.ok) {
        entries.push(decoded.value);
        if (decoded.migrated) migrated++;
      } else problems.push({ line: lineNo, reason: decoded.reason });
    }
    cursor.offset = start + pos;
    const tornTail = pos < buf.length && buf.subarray(pos).toString('utf8').trim() !== '';
    return { entries, problems, migrated, tornTail };
  }

  /**
   * Append entries (one write). Call it inside `locked()` after `readNew()`, so the caller has seen everything
   * other processes wrote before deciding what to append. A cursor that had read everything before is moved
   * past the appended lines (so its owner does not read its own entries back).
   */
  append(values: readonly unknown[], cursor?: Cursor): void {
    if (values.length === 0) return;
    const text = values.map((v) => JSON.stringify(v)).join('\n') + '\n';
    // Raw fs errors (a read-only log, a full disk) leave as StoreError naming this file.
    guard(() => this.locked(() => this.appendLocked(text, cursor)), this.path);
  }

  private appendLocked(text: string, cursor: Cursor | undefined): void {
    const fd = openSync(this.path, 'a+', 0o600);
    try {
      const st = fstatSync(fd);
      // A torn last line (writer killed mid-write) must not swallow our first entry.
      if (st.size > 0) {
        const last = Buffer.alloc(1);
        readSync(fd, last, 0, 1, st.size - 1);
        if (last[0] !== NEWLINE) text = '\n' + text;
      }
      const bytes = Buffer.from(text, 'utf8');
      writeSync(fd, bytes);
      // On disk before we return: a review reported as saved survives a power cut or an OS crash too,
      // not only a killed process. One fdatasync per review costs about a millisecond on an SSD.
      fdatasyncSync(fd);
      if (cursor && ((cursor.inode === st.ino && cursor.offset === st.size) || (st.size === 0 && cursor.offset === 0))) {
        cursor.offset = st.size + bytes.length;
        cursor.inode = st.ino;
      }
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Inspect the file under the lock; when it has undecodable lines, a torn tail or entries in an old format,
   * keep a copy of it and rewrite it with every entry that could be recovered. Returns a warning to show the
   * user, or undefined when the file was fine. `cursor` is the position after everything returned.
   */
  repair(): { warning?: StoreWarning; result: ReadResult<T>; cursor: Cursor } {
    return guard(() => this.repairLocked(), this.path);
  }

  private repairLocked(): { warning?: StoreWarning; result: ReadResult<T>; cursor: Cursor } {
    return this.locked(() => {
      const cursor = newCursor();
      const result = this.readAll(cursor);
      if (result.problems.length === 0 && !result.tornTail && result.migrated === 0) return { result, cursor };
      const backup = keepBadCopy(this.path, result.problems.length || result.tornTail ? 'corrupt' : 'pre-migration');
      const body = result.entries.map((e) => JSON.stringify(this.encode(e)) + '\n').join('');
      writeFileAtomic(this.path, body);
      const st = statSync(this.path);
      cursor.offset = st.size;
      cursor.inode = st.ino;
      const parts: string[] = [];
      if (result.problems.length) {
        const lines = result.problems
          .slice(0, 5)
          .map((p) => `line ${p.line}: ${p.reason}`)
          .join('; ');
        parts.push(`${result.problems.length} damaged line(s) skipped (${lines}${result.problems.length > 5 ? '; …' : ''})`);
      }
      if (result.tornTail) parts.push('an entry cut off by an interrupted write was dropped');
      if (result.migrated) parts.push(`${result.migrated} entr${result.migrated === 1 ? 'y' : 'ies'} upgraded from an older format`);
      const damaged = result.problems.length > 0 || result.tornTail;
      return {
        cursor,
        result: { ...result, problems: [], tornTail: false },
        warning: {
          file: this.path,
          level: damaged ? 'warning' : 'info',
          message: `${basename(this.path)}: ${parts.join('; ')}; ${result.entries.length} entr${result.entries.length === 1 ? 'y' : 'ies'} kept`,
          backup,
        },
      };
    });
  }

  /** Replace the whole file (import, reset). Readers notice (new inode) and re-read everything. */
  rewrite(values: readonly T[]): void {
    guard(
      () =>
        this.locked(() => {
          writeFileAtomic(this.path, values.map((e) => JSON.stringify(this.encode(e)) + '\n').join(''));
        }),
      this.path,
    );
  }
}

export function newCursor(): Cursor {
  return { offset: 0, inode: undefined };
}

function emptyResult<T>(): ReadResult<T> {
  return { entries: [], problems: [], migrated: 0, tornTail: false };
}
