// useKeyHold: keys typed while a screen loads are held and then reach that screen, in order, even when
// they came in the same burst as the key that opened it.
import { useEffect, useState } from 'react';
import { Text } from 'ink';
import { describe, expect, it } from 'vitest';
import { useKeyHold, useKeypress } from '../../src/ui/contexts/KeypressContext.js';
import { renderWithProviders } from './helpers.js';

function Loaded({ seen }: { seen: string[] }) {
  useKeypress((k) => {
    seen.push(`loaded:${k.name}`);
    return true;
  });
  return <Text>loaded</Text>;
}

function Opener({ seen, delayMs }: { seen: string[]; delayMs: number }) {
  const [phase, setPhase] = useState<'menu' | 'loading' | 'open'>('menu');
  const hold = useKeyHold();
  useKeypress((k) => {
    if (phase !== 'menu') return false;
    if (k.name !== 'o') {
      seen.push(`menu:${k.name}`);
      return true;
    }
    hold(true);
    setPhase('loading');
    return true;
  });
  useEffect(() => {
    if (phase === 'loading') {
      const t = setTimeout(() => setPhase('open'), delayMs);
      return () => clearTimeout(t);
    }
    if (phase === 'open') hold(false);
  }, [phase]);
  return phase === 'open' ? <Loaded seen={seen} /> : <Text>{phase}</Text>;
}

describe('useKeyHold', () => {
  it('holds the rest of a burst and what comes while loading, then hands it all to the new screen in order', async () => {
    const seen: string[] = [];
    const r = renderWithProviders(<Opener seen={seen} delayMs={80} />);
    await r.settle();
    await r.burst('oab');
    r.stdin.write('c');
    await r.until(() => expect(r.lastFrame()).toContain('loaded'));
    await r.until(() => expect(seen).toEqual(['loaded:a', 'loaded:b', 'loaded:c']));
    r.unmount();
  });
});
