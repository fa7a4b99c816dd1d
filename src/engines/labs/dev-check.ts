// `ftlab lab dev-check`: the trust mechanism for labs where the learner builds something. Every lab
// that declares `reference` runs its checks against the reference solution (every check must pass)
// and against the starter (at least one must fail), so a check that cannot fail, or a solution that
// rotted, is caught before a learner meets it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import type { LoadedLab } from '../../core/content/loader.js';
import type { LabTarget } from '../../core/content/schema.js';
import { verifyLab, type VerifyOptions, type VerifyReport } from './runner.js';
import { guardForeignChild } from '../../shared/parent-watch.js';

export interface TargetOutcome {
  target: 'solution' | 'starter';
  /** Solution: every check passed; starter: at least one failed. */
  ok: boolean;
  report?: VerifyReport;
  /** Why the target could not be checked (server did not start…). */
  error?: string;
}

export interface DevCheckResult {
  lab: string;
  ok: boolean;
  solution: TargetOutcome;
  starter: TargetOutcome;
}

export interface DevCheckOptions extends Omit<VerifyOptions, 'options'> {
  /** Path of this CLI, for `{ftlab}` in `start` commands. */
  cliPath?: string;
  /** How long a started server may take to accept connections. */
  startTimeoutMs?: number;
}

export async function devCheckLab(lab: LoadedLab, opts: DevCheckOptions): Promise<DevCheckResult | undefined> {
  if (!lab.reference) return undefined;
  const solution = await checkTarget(lab, 'solution', lab.reference.solution, opts);
  const starter = await checkTarget(lab, 'starter', lab.reference.starter, opts);
  return { lab: lab.id, ok: solution.ok && starter.ok, solution, starter };
}

async function checkTarget(lab: LoadedLab, target: 'solution' | 'starter', def: LabTarget, opts: DevCheckOptions): Promise<TargetOutcome> {
  // Reference commands (`{node} solution/server.mjs`) are written relative to the lab folder.
  const options: Record<string, string> = { cwd: lab.dir, ...def.options };
  for (const [name, path] of Object.entries(def.paths)) options[name] = isAbsolute(path) ? path : resolve(lab.dir, path);
  let server: RunningServer | undefined;
  try {
    if (def.start) {
      server = await startServer(def.start, lab.dir, opts);
      options.url = server.url;
    }
    const report = await verifyLab(lab, { ...opts, options });
    return { target, ok: target === 'solution' ? report.ok : report.failed > 0, report };
  } catch (err) {
    return { target, ok: false, error: (err as Error).message };
  } finally {
    await server?.stop();
  }
}

// ---- Starting a reference server ----------------------------------------------------------------

interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Child servers never outlive ftlab, whatever way it exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killTree(child, 'SIGKILL');
  });
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole process group (detached below)
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function startServer(argv: string[], cwd: string, opts: DevCheckOptions): Promise<RunningServer> {
  const port = await freePort();
  const cli = opts.cliPath ?? process.argv[1] ?? 'ftlab';
  const filled = argv.map((a) => a.replaceAll('{node}', process.execPath).replaceAll('{ftlab}', cli).replaceAll('{port}', String(port)));
  const [command, ...args] = filled as [string, ...string[]];
  installExitHook();
  const child = spawn(command, args, { cwd, detached: process.platform !== 'win32', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: String(port) } });
  running.add(child);
  // The exit hook cannot run after kill -9: a sentinel stops the server's group then.
  const guard = guardForeignChild(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const stop = async () => {
    running.delete(child);
    if (child.exitCode !== null || child.signalCode !== null) return guard.release();
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    killTree(child, 'SIGTERM');
    const timer = setTimeout(() => killTree(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    guard.release();
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`could not start ${filled.join(' ')}: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      guard.release();
      throw new Error(`${filled.join(' ')} exited (${child.exitCode ?? child.signalCode}) before listening on port ${port}: ${output.trim().split('\n').slice(-5).join(' | ')}`);
    }
    if (await portOpen(port)) return { url: `http://127.0.0.1:${port}`, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`${filled.join(' ')} did not listen on port ${port} within ${Math.round((opts.startTimeoutMs ?? 20_000) / 1000)} s`);
}
