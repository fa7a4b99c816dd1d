// A keyboard list: ↑/↓ or j/k move, g/G jump, Enter chooses. Only the rows that fit are rendered,
// with the cursor kept in view. Group headings (kind: 'heading') are shown but skipped by the cursor.
import { useEffect, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { Command } from '../keys/keyBindings.js';
import { KeypressPriority, useCommands } from '../contexts/KeypressContext.js';
import { useUi } from '../contexts/UiContext.js';

export interface ListItem<T> {
  key: string;
  label: string;
  /** Dimmed text after the label (progress, minutes…). */
  detail?: string;
  /** A mark before the label (e.g. ✓ for completed lessons). */
  mark?: string;
  value: T;
  kind?: 'item' | 'heading';
}

export interface SelectListProps<T> {
  items: readonly ListItem<T>[];
  height: number;
  onSelect: (value: T, item: ListItem<T>) => void;
  onHighlight?: (value: T) => void;
  initialKey?: string;
  isActive?: boolean;
}

/** First visible row so that the cursor stays on screen (keeps a one-row margin when it can). */
export function windowStart(cursor: number, top: number, height: number, total: number): number {
  if (total <= height) return 0;
  let start = top;
  if (cursor < start + 1) start = cursor - 1;
  if (cursor > start + height - 2) start = cursor - height + 2;
  return Math.max(0, Math.min(start, total - height));
}

export function SelectList<T>({ items, height, onSelect, onHighlight, initialKey, isActive = true }: SelectListProps<T>) {
  const { options, theme, glyphs } = useUi();
  const selectable = items.map((it, i) => (it.kind === 'heading' ? -1 : i)).filter((i) => i >= 0);
  const initial = Math.max(
    0,
    items.findIndex((it) => it.key === initialKey && it.kind !== 'heading'),
  );
  const [cursor, setCursorState] = useState(selectable.includes(initial) ? initial : (selectable[0] ?? 0));
  // Keys can arrive several per tick (key repeat, a busy machine): handlers read and write the
  // cursor through a ref so the second key sees where the first one moved it.
  const cursorRef = useRef(cursor);
  const setCursor = (c: number) => {
    cursorRef.current = c;
    setCursorState(c);
  };
  const top = useRef(0);
  const move = (delta: number) => {
    const pos = selectable.indexOf(cursorRef.current);
    const next = selectable[Math.max(0, Math.min(selectable.length - 1, pos + delta))];
    if (next !== undefined) setCursor(next);
  };
  useCommands(
    {
      [Command.UP]: () => move(-1),
      [Command.DOWN]: () => move(1),
      [Command.PAGE_UP]: () => move(-Math.max(1, height - 1)),
      [Command.PAGE_DOWN]: () => move(Math.max(1, height - 1)),
      [Command.TOP]: () => move(-selectable.length),
      [Command.BOTTOM]: () => move(selectable.length),
      [Command.SELECT]: () => {
        const it = items[cursorRef.current];
        if (it && it.kind !== 'heading') onSelect(it.value, it);
      },
    },
    { isActive, priority: KeypressPriority.Normal },
  );
  useEffect(() => {
    const it = items[cursor];
    if (it && it.kind !== 'heading') onHighlight?.(it.value);
  }, [cursor]);

  const start = windowStart(cursor, top.current, height, items.length);
  top.current = start;
  const visible = items.slice(start, start + height);
  return (
    <Box flexDirection="column">
      {visible.map((it, i) => {
        const index = start + i;
        if (it.kind === 'heading') {
          return (
            <Text key={it.key} bold color={theme.text.accent} wrap="truncate-end">
              {it.label}
            </Text>
          );
        }
        const active = index === cursor;
        const pointer = active ? glyphs.pointer : ' ';
        if (options.screenReader) {
          return (
            <Text key={it.key} wrap="truncate-end">
              {active ? '> ' : '  '}
              {it.mark ? `${it.mark} ` : ''}
              {it.label}
              {it.detail ? ` (${it.detail})` : ''}
              {active ? ' (selected)' : ''}
            </Text>
          );
        }
        return (
          <Text key={it.key} wrap="truncate-end">
            <Text color={active ? theme.text.accent : undefined} bold={active}>
              {pointer} {it.mark ? `${it.mark} ` : ''}
              {it.label}
            </Text>
            {it.detail ? <Text color={theme.text.muted}> {it.detail}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
