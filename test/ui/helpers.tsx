// The one Ink test harness: rendering into fake streams of a fixed size (80×24 unless told otherwise)
// inside the app's provider stack, with helpers that wait on conditions rather than on time: `press`
// waits for the frame each key causes, `waitFor` for text, `until` for an assertion to hold.
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement, ReactNode } from 'react';
import { UiProvider, type UiOptions } from '../../src/ui/contexts/UiContext.js';
import { AppEnvProvider, type AppEnv } from '../../src/ui/contexts/AppEnvContext.js';
import { KeypressProvider } from '../../src/ui/contexts/KeypressContext.js';
import { NavigationProvider, useNavigation } from '../../src/ui/contexts/NavigationContext.js';
import type { Route } from '../../src/ui/app/routes.js';

class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.frames.push(frame);
    return true;
  };
  lastFrame = () => this.frames[this.frames.length - 1] ?? '';
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private buffer: string | null = null;
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.buffer;
    this.buffer = null;
    return d;
  };
  write(data: string) {
    this.buffer = data;
    this.emit('readable');
  }
}

export const KEYS = {
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
  ctrlC: '\x03',
} as const;

export const tick = (ms = 15) => new Promise((r) => setTimeout(r, ms));

export interface RenderOptions {
  columns?: number;
  rows?: number;
  ui?: Partial<UiOptions>;
  env?: Partial<AppEnv>;
  route?: Route;
}

/** Records the navigation stack so tests can assert where a key took the user. */
export const navLog: Route[] = [];
function NavSpy({ children }: { children: ReactNode }) {
  const nav = useNavigation();
  if (navLog[navLog.length - 1] !== nav.route) navLog.push(nav.route);
  return <>{children}</>;
}

export function renderWithProviders(node: ReactElement, opts: RenderOptions = {}) {
  const stdout = new FakeStdout(opts.columns ?? 80, opts.rows ?? 24);
  const stdin = new FakeStdin();
  const stderr = new FakeStdout(80, 24);
  const ui: UiOptions = { screenReader: false, ascii: false, noColor: true, ...opts.ui };
  const env: AppEnv = { contentRoot: process.cwd(), ...opts.env };
  navLog.length = 0;
  const instance = render(
    <UiProvider options={ui}>
      <AppEnvProvider env={env}>
        <KeypressProvider>
          <NavigationProvider initial={opts.route ?? { screen: 'home' }}>
            <NavSpy>{node}</NavSpy>
          </NavigationProvider>
        </KeypressProvider>
      </AppEnvProvider>
    </UiProvider>,
    {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  const waitForFrameAfter = async (before: number, capMs: number) => {
    for (let waited = 0; waited < capMs && stdout.frames.length === before; waited += 5) await tick(5);
  };
  return {
    stdout,
    stdin,
    frames: stdout.frames,
    lastFrame: stdout.lastFrame,
    unmount: instance.unmount,
    /**
     * Sends keys one by one as a person would: each waits for the frame it causes (keys that change
     * nothing on screen give up after 150 ms), so the next key meets the updated screen.
     */
    async press(...keys: string[]) {
      for (const k of keys) {
        const before = stdout.frames.length;
        stdin.write(k);
        await waitForFrameAfter(before, 150);
        await tick(5);
      }
    },
    /** Sends several keys in one write, as a terminal delivers a burst (key repeat, fast typing). */
    async burst(keys: string) {
      const before = stdout.frames.length;
      stdin.write(keys);
      await waitForFrameAfter(before, 150);
      await tick(5);
    },
    /** Waits until the first frame is drawn (mounting is asynchronous). */
    async settle(timeoutMs = 2000) {
      await waitForFrameAfter(0, timeoutMs);
    },
    /** Retries an assertion until it passes (frames are drawn asynchronously). */
    async until(check: () => void, timeoutMs = 2000) {
      const start = Date.now();
      for (;;) {
        try {
          return check();
        } catch (err) {
          if (Date.now() - start > timeoutMs) throw err;
          await tick(10);
        }
      }
    },
    /** Waits until the last frame contains `text` (or times out with the frame in the message). */
    async waitFor(text: string | RegExp, timeoutMs = 2000) {
      const start = Date.now();
      for (;;) {
        const f = stdout.lastFrame();
        const p = plain(f);
        if (typeof text === 'string' ? p.includes(text) : text.test(p)) return f;
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${String(text)}; last frame:\n${p}`);
        await tick(10);
      }
    },
  };
}

/** Drops ANSI escapes (colour, cursor) from a frame. */
export function plain(frame: string): string {
  return frame.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x1b\][^\x07]*\x07/g, '');
}
