// Fault injection (issue #10 point 2/6): every long-running ftlab process ends on SIGTERM/SIGINT within
// its grace with the code of the CLI contract (servers: 0, a signal is their normal stop; train and
// lab verify: 128 + the signal's number; the app: 128 + n after stopping its children), and kill -9 of
// the app or of `lab verify` leaves no child behind. Bounds are hang guards, not timings.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, killAll, ROOT, waitGone } from '../helpers/processes.js';
import { removeHome, spawnCli, tempHome } from './pty.js';

const CLI = join(ROOT, 'dist/cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'ftlab-signals-'));
const started: number[] = [];
afterAll(() => {
  killAll(started);
  rmSync(scratch, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}): { proc: ChildProcess; out: () => string } {
  const proc = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, FTLAB_HOME: join(scratch, 'home'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  started.push(proc.pid!);
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return { proc, out: () => out };
}

async function until(cond: () => boolean, what: string, out: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${out()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Exit code, or 128 + n for a death by signal; rejects past the hang guard. */
function exitCode(proc: ChildProcess, timeoutMs = 20_000): Promise<number> {
  const signals: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGKILL: 9 };
  return new Promise((resolve, reject) => {
    const done = () => resolve(proc.exitCode ?? 128 + (signals[proc.signalCode ?? ''] ?? 0));
    if (proc.exitCode !== null || proc.signalCode !== null) return done();
    const t = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms`)), timeoutMs);
    proc.once('exit', () => (clearTimeout(t), done()));
  });
}

describe('servers stop on a signal (exit 0)', () => {
  const servers: Array<[string, string[], RegExp]> = [
    ['backend', ['backend', '--port', '0'], /Ollama-compatible API on http/],
    ['serve', ['serve', '--port', '0', '--ollama-host', 'http://127.0.0.1:9'], /listening on http/],
    ['echo-backend', ['echo-backend', '--port', '0'], /listening on http/],
  ];
  for (const [name, args, ready] of servers) {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      it(`${name} on ${sig}`, async () => {
        const { proc, out } = start(args);
        await until(() => ready.test(out()), `${name} to listen`, out);
        proc.kill(sig);
        expect(await exitCode(proc), out()).toBe(0);
      }, 60_000);
    }
  }
});

describe('train stops after its step, checkpoints, and exits 128 + n', () => {
  const val = join(scratch, 'val.jsonl');
  writeFileSync(val, readFileSync(join(ROOT, 'labs/lora/data/val.jsonl'), 'utf8').split('\n').slice(0, 4).join('\n') + '\n');
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`on ${sig}: ${code}`, async () => {
      const out = join(scratch, `train-${sig}`);
      const { proc, out: text } = start([
        'train',
        '--json',
        '--steps',
        '5000',
        '--batch',
        '2',
        '--eval-every',
        '1',
        '--warmup',
        '0',
        '--val',
        val,
        '--out',
        out,
      ]);
      await until(() => /"step":1\b/.test(text()), 'the first step', text);
      proc.kill(sig);
      expect(await exitCode(proc, 30_000), text()).toBe(code);
      expect(existsSync(join(out, 'checkpoint'))).toBe(true);
    }, 90_000);
  }
});

describe('metrics waiting on its input ends on a signal', () => {
  it('SIGTERM ends it at once (no handler keeps it alive)', async () => {
    const { proc, out } = start(['metrics', 'bleu', '--hyp', '/dev/stdin', '--ref', '/dev/stdin']);
    proc.stdin!.write('the cat sat on the mat\n'); // and never end: it waits for more
    await until(() => proc.pid !== undefined && readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8').includes('metrics'), 'start', out);
    proc.kill('SIGTERM');
    expect(await exitCode(proc)).toBe(143);
  }, 60_000);
});

describe('lab verify with an API the grader started', () => {
  const script = join(scratch, 'never-listens.cjs');
  // A learner's server that starts but never listens: the grader is waiting on it when the signal comes.
  writeFileSync(script, "require('fs').writeFileSync(process.argv[2], String(process.pid)); setInterval(() => {}, 1000);\n");
  const run = (pidFile: string) => start(['lab', 'verify', 'serving', '--no-record', '--json', '-o', `start={node} ${script} ${pidFile}`]);

  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGKILL', 137],
  ] as const) {
    it(`${sig}: exits ${code} and the API is gone`, async () => {
      const pidFile = join(scratch, `target-${sig}.pid`);
      const { proc, out } = run(pidFile);
      await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 'the API to start', out);
      const target = Number(readFileSync(pidFile, 'utf8'));
      started.push(target);
      proc.kill(sig);
      // 10 s: the API gets 2 s after SIGTERM; a grader still polling for its port would take 20 s.
      expect(await exitCode(proc, 10_000), out()).toBe(code);
      expect(await waitGone([target], 15_000)).toEqual([]);
    }, 60_000);
  }
});

describe('the app (pty)', () => {
  const homes: string[] = [];
  afterAll(() => homes.forEach(removeHome));

  for (const [sig, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`home screen on ${sig}: ${code}`, async () => {
      const home = tempHome();
      homes.push(home);
      const app = spawnCli([], { home });
      await app.waitFor('Next', 30_000);
      app.kill(sig);
      expect(await app.exited(15_000)).toBe(code);
    }, 60_000);
  }

  // F-17: the serving lab's children, started from the screen, after a signal and after kill -9.
  for (const [sig, code] of [
    ['SIGTERM', 143],
    ['SIGKILL', 137],
  ] as const) {
    it(`serving lab with running children on ${sig}: no child survives`, async () => {
      const home = tempHome();
      homes.push(home);
      const app = spawnCli(['lab', 'open', 'serving'], {
        home,
        env: { OLLAMA_HOST: 'http://127.0.0.1:9', FTLAB_SERVING_LAB_PORTS: '0,0' },
      });
      await app.waitFor('lab screen', 30_000);
      app.type('o');
      await app.waitFor('model server: stopped', 30_000);
      app.type('b');
      const b = /model server: running \S+ \(pid (\d+)\)/.exec(await app.waitFor(/model server: running \S+ \(pid (\d+)\)/, 30_000))![1];
      app.type('a');
      const a = /serving API: running \S+ \(pid (\d+)\)/.exec(await app.waitFor(/serving API: running \S+ \(pid (\d+)\)/, 30_000))![1];
      const pids = [Number(b), Number(a)];
      started.push(...pids);
      expect(pids.every(alive)).toBe(true);
      app.kill(sig);
      expect(await app.exited(15_000)).toBe(code);
      expect(await waitGone(pids, 20_000)).toEqual([]);
    }, 120_000);
  }
});
