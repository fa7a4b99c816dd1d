// A vertically scrollable region for content that can be taller than the screen body (feedback on a
// case study, a long explanation): ↑↓/jk scroll a line, PgUp/PgDn a page. The content is measured
// after layout, so scrolling stops at its end, and a hint says when more lies below.
import { Box, measureElement, Text, type DOMElement } from 'ink';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useUi } from '../contexts/UiContext.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { Command } from '../keys/keyBindings.js';
import { hit } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { useLive } from '../hooks/useLive.js';
import { Tone } from '../components/Tone.js';
import { plural } from '../../shared/plural.js';

export function Scroller({
  children,
  active = true,
  reserve = 0,
}: {
  children: ReactNode;
  active?: boolean;
  /** rows used below the scroller */ reserve?: number;
}) {
  const { height: bodyHeight } = useBodySize();
  const height = Math.max(3, bodyHeight - reserve - 1); // one row for the "more" hint
  const ref = useRef<DOMElement>(null);
  const [contentHeight, setContentHeight] = useState(0);
  const top = useLive(0);
  const { glyphs } = useUi();
  useEffect(() => {
    if (ref.current) {
      const h = measureElement(ref.current).height;
      if (h !== contentHeight) setContentHeight(h);
    }
  });
  const maxTop = Math.max(0, contentHeight - height);
  useKeypress(
    (k) => {
      if (maxTop === 0) return false;
      if (hit(Command.DOWN, k)) top.set((t) => Math.min(maxTop, t + 1));
      else if (hit(Command.UP, k)) top.set((t) => Math.max(0, t - 1));
      else if (k.name === 'pagedown') top.set((t) => Math.min(maxTop, t + height - 1));
      else if (k.name === 'pageup') top.set((t) => Math.max(0, t - height + 1));
      else return false;
      return true;
    },
    { isActive: active, priority: KeypressPriority.Low },
  );
  const offset = Math.min(top.get(), maxTop);
  const below = contentHeight - offset - height;
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Box height={height} overflow="hidden" flexDirection="column" flexShrink={0}>
        <Box ref={ref} flexDirection="column" flexShrink={0} marginTop={-offset}>
          {children}
        </Box>
      </Box>
      {maxTop > 0 ? (
        <Tone role="muted">
          {below > 0
            ? `${glyphs.arrowDown} ${plural(below, 'more line')}: j/${glyphs.arrowDown} scroll, PgDn page`
            : `${glyphs.arrowUp} k/${glyphs.arrowUp} scroll back up`}
        </Tone>
      ) : (
        <Text> </Text>
      )}
    </Box>
  );
}
