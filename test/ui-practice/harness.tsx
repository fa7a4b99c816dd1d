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
      <KeypressProvider>{children}</KeypressProvider>
    </UiProvider>
  );
}

export function renderUi(tree: ReactElement, ui?: Partial<UiOptions>) {
  const r = render(<Providers ui={ui}>{tree}</Providers>);
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick();
    }
  };
  return { ...r, press };
}
