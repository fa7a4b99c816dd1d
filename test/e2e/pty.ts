// Drives the BUILT CLI (dist/cli.js) in a real pseudo-terminal, like a person at a keyboard:
// spawn it at a given size with FTLAB_HOME in a temp folder, send keys, wait for text on the
// screen, read the screen (a small VT model, test/e2e/vt.ts), resize, signal, wait for exit.
//
//   const app = await spawnCli([], { home });
//   await app.waitFor('Next:');
//   app.press('down', 'enter');
//   await app.waitFor(/Lessons/);
//   app.type('q'); const code = await app.exited();
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn as ptySpawn, type IPty } from 'node-pty';
import { VtScreen } from './vt.js';

/** The checkout: the nearest folder above this file whose package.json is ftlab's. */
export const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'ftlab') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('test/e2e/pty.ts: cannot find the ftlab checkout');
    dir = up;
  }
})();
export const CLI = join(ROOT, 'dist/cli.js');

export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  home: '\x1b[H',
  end: '\x1b[F',
  pageup: '\x1b[5~',
  pagedown: '\x1b[6~',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  shiftTab: '\x1b[Z',
  backspace: '\x7f',
  space: ' ',
  ctrlC: '\x03',
  ctrlD: '\x04',
  ctrlU: '\x15',
  ctrlE: '\x05',
} as const;
export type KeyName = keyof typeof KEYS;

export interface SpawnOptions {
  cols?: number;
  rows?: number;
  /** FTLAB_HOME; a fresh temp folder when omitted (see `home` on the result). */
  home?: string;
  /** Content root (--content is not added; FTLAB_CONTENT is set). */
  content?: string;
  env?: Record<string, string | undefined>;
}

export interface CliSession {
  pty: IPty;
  screen: VtScreen;
  home: string;
  /** Everything the program wrote, raw. */
  output(): string;
  /** The visible screen as text. */
  text(): string;
  /** Sends raw characters. */
  type(text: string): void;
  /** Sends named keys one after another. */
  press(...keys: KeyName[]): void;
  /** Resolves with the screen text once it contains `what` (rejects after `timeoutMs` with the screen). */
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves once the screen no longer contains `what`. */
  waitForGone(what: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves once `condition` holds for the screen. */
  waitUntil(condition: () => boolean, timeoutMs?: number): Promise<string>;
  /** Waits until no output arrived for `quietMs`. */
  settle(quietMs?: number, timeoutMs?: number): Promise<void>;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  /** Resolves with the exit code (or 128 + signal). */
  exited(timeoutMs?: number): Promise<number>;
  /** Called with each chunk of output and its arrival time (performance.now()). */
  onOutput(listener: (chunk: string, at: number) => void): () => void;
}

const matches = (text: string, what: string | RegExp) => (typeof what === 'string' ? text.includes(what) : what.test(text));

/** A fresh FTLAB_HOME; remove it with `rmSync(dir, {recursive:true, force:true})`. */
export function tempHome(prefix = 'ftlab-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function spawnCli(args: string[], opts: SpawnOptions = {}): CliSession {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 24;
  const home = opts.home ?? tempHome();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // Ink renders only the final frame when it believes it runs in CI; a person's terminal is not CI.
  for (const k of [
    'CI',
    'CONTINUOUS_INTEGRATION',
    'BUILD_NUMBER',
    'RUN_ID',
    'GITHUB_ACTIONS',
    'NO_COLOR',
    'FORCE_COLOR',
    'INK_SCREEN_READER',
    'FTLAB_CONTENT',
  ])
    delete env[k];
  env.TERM = 'xterm-256color';
  env.FTLAB_HOME = home;
  if (opts.content) env.FTLAB_CONTENT = opts.content;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const pty = ptySpawn(process.execPath, [CLI, ...args], { name: 'xterm-256color', cols, rows, cwd: ROOT, env });
  const screen = new VtScreen(cols, rows);
  let raw = '';
  let lastOutputAt = performance.now();
  const listeners = new Set<(chunk: string, at: number) => void>();
  let exitCode: number | undefined;
  const exitWaiters: Array<(code: number) => void> = [];
  pty.onData((d) => {
    const at = performance.now();
    raw += d;
    lastOutputAt = at;
    screen.write(d);
    for (const l of listeners) l(d, at);
  });
  pty.onExit(({ exitCode: code, signal }) => {
    exitCode = signal ? 128 + signal : code;
    for (const w of exitWaiters) w(exitCode);
  });

  const poll = (cond: () => boolean, timeoutMs: number, describe: () => string) =>
    new Promise<void>((resolve, reject) => {
      const start = Date.now();
      const tick = () => {
        if (cond()) return resolve();
        if (Date.now() - start > timeoutMs) return reject(new Error(`${describe()}\n--- screen ---\n${screen.text()}\n--------------`));
        setTimeout(tick, 10);
      };
      tick();
    });

  return {
    pty,
    screen,
    home,
    output: () => raw,
    text: () => screen.text(),
    type: (text) => pty.write(text),
    press: (...keys) => {
      for (const k of keys) pty.write(KEYS[k]);
    },
    async waitFor(what, timeoutMs = 5000) {
      await poll(
        () => matches(screen.text(), what),
        timeoutMs,
        () => `timed out after ${timeoutMs} ms waiting for ${String(what)}`,
      );
      return screen.text();
    },
    async waitForGone(what, timeoutMs = 5000) {
      await poll(
        () => !matches(screen.text(), what),
        timeoutMs,
        () => `timed out after ${timeoutMs} ms waiting for ${String(what)} to disappear`,
      );
      return screen.text();
    },
    async waitUntil(condition, timeoutMs = 5000) {
      await poll(condition, timeoutMs, () => `timed out after ${timeoutMs} ms waiting for a condition`);
      return screen.text();
    },
    async settle(quietMs = 150, timeoutMs = 5000) {
      await poll(
        () => performance.now() - lastOutputAt >= quietMs,
        timeoutMs,
        () => 'output never settled',
      );
    },
    resize(c, r) {
      screen.resize(c, r);
      pty.resize(c, r);
    },
    kill: (signal = 'SIGTERM') => pty.kill(signal),
    exited(timeoutMs = 5000) {
      if (exitCode !== undefined) return Promise.resolve(exitCode);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`program did not exit within ${timeoutMs} ms\n${screen.text()}`)), timeoutMs);
        exitWaiters.push((c) => {
          clearTimeout(t);
          resolve(c);
        });
      });
    },
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}
