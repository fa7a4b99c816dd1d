import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, StoreBusyError, withLock } from '../../../src/core/store/lock.js';
import { tempHome } from './helpers.js';

describe('lock files', () => {
  it('are re-entrant within a process and removed on release', () => {
    const path = join(tempHome('lock'), 'x.lock');
    const result = withLock(path, () => withLock(path, () => (existsSync(path) ? 'held' : 'free')));
    expect(result).toBe('held');
    expect(existsSync(path)).toBe(false);
  });

  it('a lock held by a live process makes others wait, then give up with StoreBusyError', () => {
    const path = join(tempHome('lock'), 'busy.lock');
    writeFileSync(path, `${process.ppid} ${Date.now()} someone-else\n`); // our parent is alive
    expect(() => acquireLock(path, { timeoutMs: 200 })).toThrow(StoreBusyError);
    expect(existsSync(path)).toBe(true);
  });

  it('a lock whose owner is dead, or that is too old, is broken', () => {
    const dir = tempHome('lock');
    const dead = join(dir, 'dead.lock');
    writeFileSync(dead, `999999999 ${Date.now()} gone\n`);
    acquireLock(dead, { timeoutMs: 2_000 })();
    const old = join(dir, 'old.lock');
    writeFileSync(old, `${process.ppid} ${Date.now() - 120_000} ancient\n`);
    acquireLock(old, { timeoutMs: 2_000, staleMs: 60_000 })();
    expect(existsSync(dead) || existsSync(old)).toBe(false);
  });

  it('an empty lock file (owner killed between create and write) is cleared after a grace period', () => {
    const path = join(tempHome('lock'), 'empty.lock');
    writeFileSync(path, '');
    const release = acquireLock(path, { timeoutMs: 5_000 });
    release();
    expect(existsSync(path)).toBe(false);
  });
});
