// Starts the interactive app in the current terminal and resolves when it exits.
import { render } from 'ink';
import { App } from './App.js';
import { loadScreen } from './screens.js';
import { assertRawModeAvailable, installTerminalGuards, restoreTerminal } from './terminal.js';
import type { Route } from './routes.js';
import type { UiOptions } from '../contexts/UiContext.js';
import type { AppEnv } from '../contexts/AppEnvContext.js';

// For callers that load this module lazily (load.ts): one dynamic import brings all they need.
export { loadScreen } from './screens.js';
export { RawModeUnavailableError } from './terminal.js';

export interface RunOptions {
  ui: UiOptions;
  env: AppEnv;
}

export async function runApp(initial: Route, { ui, env }: RunOptions): Promise<void> {
  assertRawModeAvailable();
  // Raw mode from the start, not only once Ink's input hook mounts: a key pressed while the first
  // frame is being prepared (Ctrl-C included) is then read as a key, never as a signal or an echo.
  process.stdin.setRawMode(true);
  // Load the first screen's code before the first frame so it paints complete, not blank.
  await loadScreen(initial.screen).catch(() => undefined);
  let instance: ReturnType<typeof render> | undefined;
  const removeGuards = installTerminalGuards({ unmount: () => instance?.unmount() });
  try {
    instance = render(<App initial={initial} ui={ui} env={env} />, {
      exitOnCtrlC: false, // Ctrl-C is a command in the key table (FORCE_QUIT) handled by the app
      patchConsole: true,
      maxFps: 60,
      isScreenReaderEnabled: ui.screenReader,
    });
    await instance.waitUntilExit();
  } finally {
    removeGuards();
    restoreTerminal();
  }
}
