// Whole-file writes that are never seen half-done: write a temporary file, fsync, rename over the target.
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* ignore */
    }
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported everywhere (e.g. Windows); the rename itself is still atomic */
  }
}

/** A file-system-safe UTC timestamp for backup names: 20261122T054400Z. */
export function stamp(at = new Date()): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Copy `path` to `<path>.<label>-<stamp>` (never overwriting an earlier copy); returns the copy's path. */
export function keepBadCopy(path: string, label = 'corrupt'): string {
  let target = `${path}.${label}-${stamp()}`;
  for (let i = 1; existsSync(target); i++) target = `${path}.${label}-${stamp()}-${i}`;
  copyFileSync(path, target);
  return target;
}
