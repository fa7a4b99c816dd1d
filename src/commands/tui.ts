// Shared by the study commands: flags → UI options, and the interactive/plain decision.
import { isInteractive } from '../shared/tty.js';
import { FailedError } from '../shared/errors.js';
import type { Route } from '../ui/app/routes.js';
import { loadUiModules } from '../ui/app/load.js';
import { uiOptionsFrom } from '../ui/contexts/UiContext.js';
import { openSession } from '../app/store-session.js';

export interface StudyFlags {
  root: string;
  home?: string;
  screenReader: boolean;
  ascii: boolean;
  json: boolean;
}

/** True when the command should open the TUI (a terminal on both ends and no --json). */
export function wantsTui(flags: StudyFlags): boolean {
  return !flags.json && isInteractive();
}

/** Start loading the UI code (Ink, React, the first screen) while the caller prepares its data. */
export function prefetchTui(route: Route): void {
  void loadUiModules()
    .then((m) => m.loadScreen(route.screen))
    .catch(() => undefined);
}

export async function openTui(route: Route, flags: StudyFlags): Promise<void> {
  const modules = loadUiModules();
  modules.catch(() => undefined); // awaited below; this only keeps an early throw from orphaning it
  // Open the store before the first frame (while the UI code loads): an unusable progress folder is one
  // line and exit 1, not a broken screen. The screens then share this session.
  openSession(flags.home);
  const { runApp, RawModeUnavailableError } = await modules;
  try {
    await runApp(route, { ui: uiOptionsFrom(flags), env: { contentRoot: flags.root, home: flags.home } });
  } catch (err) {
    if (err instanceof RawModeUnavailableError) throw new FailedError(err.message);
    throw err;
  }
}
