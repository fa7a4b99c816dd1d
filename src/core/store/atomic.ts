// Whole-file writes that are never seen half-done: write a temporary file, fsync, rename over the target.
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'w', 0o600);
  // The temporary file is removed on every failure (write, fsync, close or the rename itself, e.g. when a
  // folder sits where the target should be), so a failing write never leaves files behind.
  let renamed = false;
  try {
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {
        /* already gone */
      }
    }
  }
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
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Copy `path` to `<path>.<label>-<stamp>` (never overwriting an earlier copy); returns the copy's path. */
export function keepBadCopy(path: string, label = 'corrupt'): string {
  let target = `${path}.${label}-${stamp()}`;
  for (let i = 1; existsSync(target); i++) target = `${path}.${label}-${stamp()}-${i}`;
  try {
    copyFileSync(path, target, constants.COPYFILE_EXCL);
  } catch (err) {
    // A half-made copy (disk full) would later pass for a kept copy: remove it (unless it is another
    // process's copy that appeared meanwhile).
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      try {
        unlinkSync(target);
      } catch {
        /* never created */
      }
    }
    throw err;
  }
  return target;
}
