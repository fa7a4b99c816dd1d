// A read-only, scrollable page of pre-rendered lines (stats, help). Only the visible rows render.
import { useState } from 'react';
import { Box } from 'ink';
import { Command } from '../keys/keyBindings.js';
import { KeypressPriority, useCommands } from '../contexts/KeypressContext.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { StyledLine } from './StyledLine.js';
import type { Line } from '../markdown/text.js';

export const SCROLL_KEYS = [Command.DOWN, Command.UP, Command.PAGE_DOWN, Command.PAGE_UP, Command.TOP, Command.BOTTOM] as const;

export function ScrollView({ lines }: { lines: readonly Line[] }) {
  const { height } = useBodySize();
  const [top, setTop] = useState(0);
  const maxTop = Math.max(0, lines.length - height);
  const clamped = Math.min(top, maxTop);
  const scroll = (d: number) => setTop((t) => Math.max(0, Math.min(maxTop, Math.min(t, maxTop) + d)));
  useCommands(
    {
      [Command.DOWN]: () => scroll(1),
      [Command.UP]: () => scroll(-1),
      [Command.PAGE_DOWN]: () => scroll(Math.max(1, height - 1)),
      [Command.PAGE_UP]: () => scroll(-Math.max(1, height - 1)),
      [Command.TOP]: () => scroll(-lines.length),
      [Command.BOTTOM]: () => scroll(lines.length),
    },
    { priority: KeypressPriority.Low },
  );
  return (
    <Box flexDirection="column">
      {lines.slice(clamped, clamped + height).map((l, i) => (
        <StyledLine key={clamped + i} line={l} />
      ))}
    </Box>
  );
}
