// Child processes never outlive ftlab, however it dies (kill -9 included). One mechanism: the parent
// hands each child a pipe it never writes; the kernel closes the parent's end when the parent dies, so
// the child reads end-of-file and stops.
//  - ftlab's own children (`ftlab backend`, `serve`, `train`, `eval-model` …) watch the pipe
//    themselves (watchParent, called at start-up when FTLAB_PARENT_WATCH names the pipe's fd) and
//    then send themselves SIGTERM, so their usual graceful shutdown runs.
//  - Any other command (a learner's server under `lab verify -o start=…`, dev-check's reference
//    servers) cannot be taught that, so a tiny sentinel process watches the pipe on its behalf and
//    stops the command's process group (guardForeignChild).
// Opt-in: without the variable nothing is watched, so `ftlab backend &` from a shell (stdin closed or
// not) behaves as before.
// A leaf: Node built-ins only, no import from the rest of src/ (the CLI entry loads it before anything).
import { spawn, type ChildProcess } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { Socket } from 'node:net';

/** Environment variable that tells an ftlab child which fd is its parent pipe. */
export const PARENT_WATCH_ENV = 'FTLAB_PARENT_WATCH';
/** The fd the pipe has in the child (the first one after stdin/stdout/stderr). */
export const PARENT_WATCH_FD = 3;
/**
 * After SIGTERM, how long a child whose parent is gone may take to finish its graceful shutdown
 * (serve drains for up to 5 s, train finishes its step and writes a checkpoint) before it exits anyway.
 */
export const ORPHAN_GRACE_MS = 15_000;
/** How long a foreign command gets between SIGTERM and SIGKILL once its parent is gone. */
export const FOREIGN_GRACE_MS = 3_000;

// ---- child side -------------------------------------------------------------------------------

export interface WatchParentOptions {
  env?: NodeJS.ProcessEnv;
  /** What to do when the parent is gone (default: SIGTERM to this process, forced exit after ORPHAN_GRACE_MS). */
  onLost?: () => void;
}

/**
 * Starts watching the parent pipe if the parent asked for it (FTLAB_PARENT_WATCH=<fd>). Returns
 * whether a watch started. The watch never keeps the process alive by itself.
 */
export function watchParent({ env = process.env, onLost }: WatchParentOptions = {}): boolean {
  const raw = env[PARENT_WATCH_ENV];
  if (raw === undefined) return false;
  // Our own children get their own pipe; a grandchild that inherited the variable would watch
  // whatever unrelated file its fd happens to be.
  delete env[PARENT_WATCH_ENV];
  const fd = Number(raw);
  if (!Number.isInteger(fd) || fd < 3) return false;
  try {
    const st = fstatSync(fd);
    if (!st.isSocket() && !st.isFIFO()) return false;
  } catch {
    return false; // not open: nothing to watch
  }
  let pipe: Socket;
  try {
    pipe = new Socket({ fd, readable: true, writable: false });
  } catch {
    return false;
  }
  let fired = false;
  const lost = () => {
    if (fired) return;
    fired = true;
    pipe.destroy();
    if (onLost) return onLost();
    // The graceful path is each command's own SIGTERM handler; the timer is the backstop should
    // that path stall (unref: it never delays an exit that happens sooner).
    setTimeout(() => process.exit(128 + 15), ORPHAN_GRACE_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  pipe.on('data', () => undefined); // the parent never writes; anything that comes is ignored
  pipe.once('end', lost);
  pipe.once('close', lost);
  pipe.once('error', lost);
  pipe.resume();
  pipe.unref();
  return true;
}

// ---- parent side ------------------------------------------------------------------------------

/**
 * Spawn options for an ftlab child that must not outlive this process: stdio with the parent pipe
 * at fd 3 (the child's stdout/stderr are pipes for the caller to read) and the variable naming it.
 * Keep the child's `stdio[3]` open and never write to it.
 */
export function watchedChildOptions(env: NodeJS.ProcessEnv = process.env): {
  env: NodeJS.ProcessEnv;
  stdio: ['ignore', 'pipe', 'pipe', 'pipe'];
} {
  return { env: { ...env, [PARENT_WATCH_ENV]: String(PARENT_WATCH_FD) }, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] };
}

// The sentinel: argv = [pgid, graceMs]. On end of its stdin (the parent is gone) it sends SIGTERM to the
// process group, SIGKILL after the grace if the group is still there, and exits. Plain JS for `node -e`.
const SENTINEL_SOURCE = `
const pgid = Number(process.argv[1]);
const grace = Number(process.argv[2]);
const alive = () => { try { process.kill(-pgid, 0); return true; } catch { return false; } };
let fired = false;
const fire = () => {
  if (fired) return;
  fired = true;
  try { process.kill(-pgid, 'SIGTERM'); } catch {}
  const poll = setInterval(() => { if (!alive()) process.exit(0); }, 50);
  setTimeout(() => { clearInterval(poll); try { process.kill(-pgid, 'SIGKILL'); } catch {} process.exit(0); }, grace);
};
process.stdin.on('data', () => {});
process.stdin.on('end', fire);
process.stdin.on('close', fire);
process.stdin.on('error', fire);
process.stdin.resume();
`;

export interface ForeignGuard {
  /** PID of the sentinel (tests check it goes away too). */
  pid?: number;
  /** The child ended normally: stop the sentinel without signalling the (gone) group. */
  release(): void;
}

/**
 * Stops `child`'s process group if this process dies before calling release(). The child must have
 * been spawned with `detached: true` (its own process group). No-op on Windows.
 */
export function guardForeignChild(child: ChildProcess, graceMs = FOREIGN_GRACE_MS): ForeignGuard {
  if (process.platform === 'win32' || child.pid === undefined) return { release: () => undefined };
  let sentinel: ChildProcess | undefined;
  try {
    // Its own process group too, so a Ctrl-C for the terminal's foreground group does not reach it.
    sentinel = spawn(process.execPath, ['-e', SENTINEL_SOURCE, String(child.pid), String(graceMs)], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
  } catch {
    return { release: () => undefined };
  }
  sentinel.on('error', () => undefined);
  sentinel.stdin?.on('error', () => undefined);
  // Neither the sentinel nor its pipe may keep this process alive.
  sentinel.unref();
  (sentinel.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const s = sentinel;
  return {
    pid: s.pid,
    release() {
      // SIGKILL, not closing the pipe: the sentinel must not signal a group id that may be reused.
      if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
    },
  };
}

// ---- stopping children before this process exits ----------------------------------------------

const stoppers = new Set<() => Promise<void>>();

/**
 * Registers a graceful stop for children this process owns (a lab session's dispose). A signal
 * handler that is about to exit calls stopChildren first. Returns the unregister function.
 */
export function onStopChildren(stop: () => Promise<void>): () => void {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

/** Runs every registered stop, waiting at most `timeoutMs` in all. Never rejects. */
export async function stopChildren(timeoutMs: number): Promise<void> {
  const all = [...stoppers].map((s) => s().catch(() => undefined));
  if (!all.length) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(all), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
}
