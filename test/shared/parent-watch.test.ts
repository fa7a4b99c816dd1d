// No orphans: a child started with the parent pipe stops when its parent dies, kill -9 included; a
// foreign command is stopped by its sentinel; the watch is opt-in, never keeps a process alive, and is
// not inherited by grandchildren; stopChildren waits for the stops, but only so long.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onStopChildren, PARENT_WATCH_ENV, stopChildren, watchParent, watchedChildOptions } from '../../src/shared/parent-watch.js';
import { alive, bundleDriver, killAll, waitGone } from '../helpers/processes.js';

let driver: string;
const started: number[] = [];
beforeAll(async () => {
  driver = await bundleDriver(fileURLToPath(new URL('./parent-watch.driver.ts', import.meta.url)), 'parent-watch');
});
afterAll(() => killAll(started));

/** Starts the driver and resolves with its process and the first JSON line it prints. */
function run(args: string[], opts: Parameters<typeof spawn>[2] = {}): Promise<{ proc: ChildProcess; line: Record<string, unknown> }> {
  const proc = spawn(process.execPath, [driver, ...args], { stdio: ['ignore', 'pipe', 'inherit'], ...opts });
  if (proc.pid) started.push(proc.pid);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no output from driver ${args.join(' ')}`)), 20_000);
    proc.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        const line = JSON.parse(out.slice(0, nl)) as Record<string, unknown>;
        for (const k of ['child', 'sentinel']) if (typeof line[k] === 'number') started.push(line[k] as number);
        resolve({ proc, line });
      }
    });
    proc.once('exit', (code) => reject(new Error(`driver ${args.join(' ')} exited (${code}) before printing`)));
  });
}

const exitOf = (proc: ChildProcess) =>
  new Promise<number | null>((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', (code) => resolve(code))));

describe('watchParent (child side)', () => {
  it('is opt-in: without the variable, or with an fd that is not a pipe, nothing is watched', () => {
    expect(watchParent({ env: {} })).toBe(false);
    const env: NodeJS.ProcessEnv = { [PARENT_WATCH_ENV]: '3x' };
    expect(watchParent({ env })).toBe(false);
    expect(env[PARENT_WATCH_ENV]).toBeUndefined(); // consumed either way
    expect(watchParent({ env: { [PARENT_WATCH_ENV]: '987' } })).toBe(false); // not an open fd
  });

  it('watches the pipe it was given, hides the variable from grandchildren, and never keeps the child alive', async () => {
    const { proc, line } = await run(['child'], { ...watchedChildOptions(), stdio: ['ignore', 'pipe', 'inherit', 'pipe'] });
    expect(line).toEqual({ watching: true, envLeft: null });
    // The parent end stays open (this test is alive), so the child ends on its own: code 0, not 42.
    expect(await exitOf(proc)).toBe(0);
  });

  it('a child started from a shell (no variable) does not watch', async () => {
    const { proc, line } = await run(['child']);
    expect(line).toEqual({ watching: false, envLeft: null });
    expect(await exitOf(proc)).toBe(0);
  });

  it('sends itself SIGTERM (its graceful path) when the pipe closes', async () => {
    const { proc, line } = await run(['child', 'linger'], { ...watchedChildOptions(), stdio: ['ignore', 'pipe', 'inherit', 'pipe'] });
    expect(line.watching).toBe(true);
    (proc.stdio[3] as import('node:net').Socket).destroy();
    expect(await exitOf(proc)).toBe(42); // the driver's SIGTERM handler ran
  });
});

describe('kill -9 of the parent', () => {
  it('a watched child exits', async () => {
    const { proc, line } = await run(['parent', 'watched']);
    const child = line.child as number;
    expect(alive(child)).toBe(true);
    proc.kill('SIGKILL');
    expect(await waitGone([child], 10_000)).toEqual([]);
  });

  it('a foreign command (its own process group) is stopped by its sentinel, and the sentinel ends too', async () => {
    const { proc, line } = await run(['foreign-parent']);
    const pids = [line.child as number, line.sentinel as number];
    expect(pids.every(alive)).toBe(true);
    proc.kill('SIGKILL');
    expect(await waitGone(pids, 10_000)).toEqual([]);
  });

  it('release() ends the sentinel and leaves the command to its owner', async () => {
    const { proc, line } = await run(['foreign-parent', 'release']);
    expect(await waitGone([line.sentinel as number], 10_000)).toEqual([]);
    expect(alive(line.child as number)).toBe(true);
    proc.kill('SIGKILL');
    killAll([line.child as number]);
  });
});

describe('stopChildren', () => {
  it('runs every registered stop and waits for them', async () => {
    const done: string[] = [];
    const offA = onStopChildren(async () => void done.push('a'));
    const offB = onStopChildren(() => new Promise((r) => setTimeout(() => r(void done.push('b')), 20)));
    await stopChildren(10_000);
    expect(done.sort()).toEqual(['a', 'b']);
    offA();
    offB();
    await stopChildren(10_000);
    expect(done).toHaveLength(2); // unregistered stops do not run again
  });

  it('gives up after the timeout when a stop never finishes, and survives a failing one', async () => {
    const offHang = onStopChildren(() => new Promise<void>(() => undefined));
    const offFail = onStopChildren(() => Promise.reject(new Error('boom')));
    await expect(stopChildren(50)).resolves.toBeUndefined();
    offHang();
    offFail();
  });
});
