// Renders practice UI inside the app's providers (theme, keypress dispatcher) for ink-testing-library.
import { render } from 'ink-testing-library';
import type { ReactElement, ReactNode } from 'react';
import { KeypressProvider } from '../../src/ui/contexts/KeypressContext.js';
import { UiProvider, type UiOptions } from '../../src/ui/contexts/UiContext.js';
import { tick } from './fixtures.js';

export function Providers({ children, ui }: { children: ReactNode; ui?: Partial<UiOptions> }) {
  const options: UiOptions = { screenReader: false, ascii: false, noColor: true, ...ui };
  return (
    <UiProvider options={options}>
      <KeypressProvider>
        {children}
      </KeypressProvider>
    </UiProvider>
  );
}

export function renderUi(tree: ReactElement, ui?: Partial<UiOptions>) {
  const r = render(<Providers ui={ui}>{tree}</Providers>);
  // Each key waits for the frame it causes (or 150 ms for keys that change nothing), so the next key
  // meets the updated screen, as a person's next keypress would.
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      const before = r.frames.length;
      r.stdin.write(k);
      for (let waited = 0; waited < 150 && r.frames.length === before; waited += 5) await tick(5);
      await tick(5);
    }
  };
  /** Retry an assertion until it passes (frames are drawn asynchronously). */
  const until = async (check: () => void, timeoutMs = 2000) => {
    const start = Date.now();
    for (;;) {
      try {
        return check();
      } catch (err) {
        if (Date.now() - start > timeoutMs) throw err;
        await tick(10);
      }
    }
  };
  return { ...r, press, until };
}
