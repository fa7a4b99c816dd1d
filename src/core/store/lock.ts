// A tiny cross-process lock: an exclusive lock file created with O_EXCL.
//
// Why not flock(2)? Node has no portable binding for it. The lock file holds "<pid> <time> <token>" so a lock
// left behind by a process that was killed (kill -9) is recognised and broken: its owner is no longer alive, or
// it is older than `staleMs`. Locks are re-entrant within one process, so store functions can nest.
import { closeSync, fstatSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { guard, StoreError } from './errors.js';

export class StoreBusyError extends StoreError {
  constructor(
    readonly lockPath: string,
    waitedMs: number,
  ) {
    super(
      `another ftlab process has held ${lockPath} for over ${Math.round(waitedMs / 1000)} s: close the other ftlab window, or remove ${lockPath} if no ftlab is running`,
      lockPath,
    );
    this.name = 'StoreBusyError';
  }
}

export interface LockOptions {
  /** Give up (StoreBusyError) after this long. */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned even if its pid is alive (pid reuse). */
  staleMs?: number;
}

const held = new Map<string, { token: string; depth: number; inode: number }>();
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Create the lock file; returns its inode, or undefined when someone else holds the lock. */
function tryCreate(lockPath: string, token: string): number | undefined {
  try {
    const fd = openSync(lockPath, 'wx');
    try {
      writeSync(fd, `${process.pid} ${Date.now()} ${token}\n`);
      return fstatSync(fd).ino;
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
}

/** Break the lock if its owner is gone; returns true when it was removed. */
function breakIfStale(lockPath: string, staleMs: number): boolean {
  let content: string;
  try {
    content = readFileSync(lockPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A folder in the lock's place would make every waiter spin until the timeout: say so at once.
    if (code === 'EISDIR') throw err;
    return code === 'ENOENT';
  }
  const [pidText, timeText] = content.trim().split(' ');
  const pid = Number(pidText);
  const time = Number(timeText);
  // An empty file means the owner died between create and write; give it a moment before judging.
  const age = Number.isFinite(time) ? Date.now() - time : Number.POSITIVE_INFINITY;
  const stale = content.trim() === '' ? false : !pidAlive(pid) || age > staleMs;
  if (!stale) return false;
  // Rename first so that only one of several breakers wins; then check that we moved what we judged.
  const aside = `${lockPath}.stale-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return false;
  }
  try {
    const moved = readFileSync(aside, 'utf8');
    if (moved !== content) {
      // Someone re-acquired between our read and rename: put theirs back if the slot is still free.
      try {
        renameSync(aside, lockPath);
      } catch {
        /* nothing sensible left to do */
      }
      return false;
    }
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
  return true;
}

/** Acquire `lockPath`; returns the release function. */
export function acquireLock(lockPath: string, options: LockOptions = {}): () => void {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 60_000;
  const mine = held.get(lockPath);
  if (mine) {
    mine.depth++;
    return () => release(lockPath);
  }
  const token = randomBytes(6).toString('hex');
  const started = Date.now();
  // Critical sections last about a millisecond, so poll often; jitter keeps waiters from moving in lockstep.
  let delay = 0.25;
  let emptySince: number | undefined;
  for (;;) {
    const inode = tryCreate(lockPath, token);
    if (inode !== undefined) {
      held.set(lockPath, { token, depth: 1, inode });
      return () => release(lockPath);
    }
    if (!breakIfStale(lockPath, staleMs)) {
      // An empty lock file that stays empty belonged to a process killed right after creating it.
      try {
        if (readFileSync(lockPath, 'utf8') === '') {
          emptySince ??= Date.now();
          if (Date.now() - emptySince > 2_000) unlinkSync(lockPath);
        } else emptySince = undefined;
      } catch {
        /* vanished: retry at once */
      }
      const waited = Date.now() - started;
      if (waited > timeoutMs) throw new StoreBusyError(lockPath, waited);
      sleepSync(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 4);
    }
  }
}

function release(lockPath: string): void {
  const mine = held.get(lockPath);
  if (!mine) return;
  if (--mine.depth > 0) return;
  held.delete(lockPath);
  try {
    // Only remove the file if it is still ours (it may have been broken as stale and re-created).
    if (statSync(lockPath).ino === mine.inode) unlinkSync(lockPath);
  } catch {
    /* already gone */
  }
}

export function withLock<T>(lockPath: string, fn: () => T, options?: LockOptions): T {
  const releaseLock = guard(() => acquireLock(lockPath, options), lockPath);
  try {
    return fn();
  } finally {
    releaseLock();
  }
}
