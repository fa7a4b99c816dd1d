// The serving API under test. Either a server the learner already runs (`--url URL`), or one the grader
// starts itself (`-o start="CMD"`), with PORT and OLLAMA_HOST pointing at an echo backend the grader
// controls: then it can check that answers really come from the backend and take the backend down.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { startEchoBackend, type EchoBackend } from '../../serve/echo-backend.js';
import { findFreePort } from '../../serve/ports.js';
import { guardForeignChild } from '../../../shared/parent-watch.js';
import type { CheckContext } from '../types.js';

export interface ServingTarget {
  url: string;
  /** Present when the grader started the API: the backend it talks to. */
  echo?: EchoBackend;
  /** Model name the grader's backend offers (the API is started with FTLAB_MODEL / --model set to it). */
  model: string;
}

export class TargetError extends Error {}

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.pid && c.exitCode === null) killGroup(c, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd))) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, output: () => string, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // An interrupted run ends the loop too: its timers would keep `lab verify` alive until the deadline.
  while (Date.now() < deadline && !signal?.aborted) {
    if (child.exitCode !== null) throw new TargetError(`the API exited with code ${child.exitCode} before listening:\n${output().slice(-600)}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new TargetError(`the API did not listen on port ${port} within ${timeoutMs / 1000} s:\n${output().slice(-600)}`);
}

/** Runs `fn` against the target, cleaning up whatever was started. */
export async function withTarget<T>(ctx: CheckContext, fn: (t: ServingTarget) => Promise<T>): Promise<T> {
  const model = 'ftlab-micro';
  const start = ctx.options.start;
  if (!start) {
    const url = ctx.options.url;
    if (!url) throw new TargetError('no API to grade: pass --url http://127.0.0.1:PORT (a running API) or -o start="CMD" (the grader starts it)');
    return fn({ url: url.replace(/\/+$/, ''), model: ctx.options.model ?? model });
  }
  const echo = await startEchoBackend({ models: [model] });
  const port = (await findFreePort('127.0.0.1', 20000 + (ctx.seed % 20000))) ?? 0;
  const argv = splitCommand(start).map((a) =>
    a.replaceAll('{port}', String(port)).replaceAll('{node}', process.execPath).replaceAll('{ftlab}', process.argv[1] ?? 'ftlab').replaceAll('{backend}', echo.url),
  );
  let output = '';
  const child = spawn(argv[0], argv.slice(1), {
    // The learner's command runs where they ran `lab verify` (their own server's folder); the reference
    // solution, started by `lab dev-check`, runs in the lab folder (it passes cwd).
    cwd: ctx.options.cwd ?? process.cwd(),
    env: { ...process.env, PORT: String(port), OLLAMA_HOST: echo.url, FTLAB_MODEL: model },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  // The exit hook above cannot run after kill -9: a sentinel stops the command's group then.
  const guard = guardForeignChild(child);
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new TargetError(`cannot start "${argv[0]}": ${e.message}`))));
  // Ctrl-C / SIGTERM of `lab verify`: stop waiting on the API now, so the finally below stops it.
  const interrupted = new Promise<never>((_, reject) => {
    const stop = () => reject(new TargetError('interrupted'));
    if (ctx.signal?.aborted) stop();
    else ctx.signal?.addEventListener('abort', stop, { once: true });
  });
  interrupted.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port, child, 20_000, () => output, ctx.signal), spawnError, interrupted]);
    return await Promise.race([fn({ url: `http://127.0.0.1:${port}`, echo, model }), interrupted]);
  } finally {
    killGroup(child, 'SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 2000))]);
    if (child.exitCode === null && child.signalCode === null) killGroup(child, 'SIGKILL');
    children.delete(child);
    guard.release();
    await echo.close();
  }
}
