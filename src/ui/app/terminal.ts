// Terminal safety: whatever happens (normal exit, Ctrl-C, SIGTERM/SIGHUP, an uncaught error) the
// terminal is left as we found it — cooked mode, cursor visible, attributes reset. ftlab draws in
// the main screen buffer and never enables mouse reporting, so there is nothing else to undo.
import { stopChildren } from '../../shared/parent-watch.js';
import { FailedError } from '../../shared/errors.js';

/**
 * On SIGTERM/SIGINT/SIGHUP the app first stops the children its screens started (a lab's servers get
 * SIGTERM, then SIGKILL after 3 s), waiting at most this long, then exits. A second signal exits at once.
 */
export const SIGNAL_GRACE_MS = 5000;

/** Show cursor, reset colours/attributes; harmless if nothing was changed. */
export const RESTORE_SEQUENCE = '\x1b[0m\x1b[?25h';

export class RawModeUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `this terminal cannot deliver single keypresses (${reason}).\n` +
        'ftlab needs an interactive terminal (a TTY with raw mode) for its screens. Run it directly in a ' +
        'terminal window, not through a pipe, a file redirect or a tool that captures input; non-interactive ' +
        'commands such as `ftlab stats --json` or `ftlab content check` work anywhere.',
    );
    this.name = 'RawModeUnavailableError';
  }
}

/** Throws RawModeUnavailableError unless stdin can be switched to raw mode. */
export function assertRawModeAvailable(stdin: NodeJS.ReadStream = process.stdin): void {
  if (!stdin.isTTY) throw new RawModeUnavailableError('standard input is not a terminal');
  if (typeof stdin.setRawMode !== 'function') throw new RawModeUnavailableError('standard input has no raw mode');
  try {
    stdin.setRawMode(true);
    stdin.setRawMode(false);
  } catch (err) {
    throw new RawModeUnavailableError(`switching to raw mode failed: ${(err as Error).message}`);
  }
}

export function restoreTerminal(stdin: NodeJS.ReadStream = process.stdin, stdout: NodeJS.WriteStream = process.stdout): void {
  try {
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
  } catch {
    /* the stream may already be gone */
  }
  try {
    if (stdout.isTTY && !stdout.destroyed) stdout.write(RESTORE_SEQUENCE);
  } catch {
    /* ditto */
  }
}

export interface GuardHandlers {
  /** Unmount the UI (Ink writes its last frame and releases stdin). */
  unmount: () => void;
}

/**
 * Installs exit/signal/crash handlers for the life of the UI; returns a function removing them.
 * Signals unmount the UI, restore the terminal, stop the children (bounded by SIGNAL_GRACE_MS) and
 * exit with 128 + signal number, as shells expect.
 */
export function installTerminalGuards({ unmount }: GuardHandlers): () => void {
  const onExit = () => restoreTerminal();
  const signals: Array<[NodeJS.Signals, number]> = [
    ['SIGTERM', 15],
    ['SIGHUP', 1],
    ['SIGINT', 2],
  ];
  let exiting = false;
  const signalHandlers = signals.map(([sig, num]) => {
    const h = () => {
      if (exiting) process.exit(128 + num); // asked twice: do not wait for the children
      exiting = true;
      try {
        unmount();
      } finally {
        restoreTerminal();
        void stopChildren(SIGNAL_GRACE_MS).finally(() => process.exit(128 + num));
      }
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  const onCrash = (err: unknown) => {
    try {
      unmount();
    } catch {
      /* keep going: restoring the terminal matters more */
    }
    restoreTerminal();
    // A user-facing error (e.g. the progress file became read-only while answering) is one line, not a bug.
    if (err instanceof FailedError) process.stderr.write(`ftlab: ${err.message}\n`);
    else {
      process.stderr.write(`ftlab: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.stderr.write('hint: this is a bug in ftlab; your progress up to the last answer is saved.\n');
    }
    process.exit(1);
  };
  process.on('exit', onExit);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    process.off('exit', onExit);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    for (const [sig, h] of signalHandlers) process.off(sig, h);
  };
}
