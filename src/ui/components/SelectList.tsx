// A keyboard list: ↑/↓ or j/k move, g/G jump, Enter chooses. Only the rows that fit are rendered,
// with the cursor kept in view. Group headings (kind: 'heading') are shown but skipped by the cursor.
// Inside a <Screen> an item that does not fit the width wraps under its label instead of being cut
// (a lesson title and its minutes are what the learner chooses by), so one item may take several rows.
import { useContext, useEffect, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import wrapAnsiForInk from '../ink/wrap-ansi.js';
import { textWidth } from '../markdown/text.js';
import { BodySizeContext } from '../hooks/useBodySize.js';
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
  /** Columns the list may use; defaults to the screen body's width (no wrapping outside a <Screen>). */
  width?: number;
}

/** The text of an item's row after its pointer (and mark), as it is wrapped. */
function itemText<T>(it: ListItem<T>, screenReader: boolean, active: boolean): string {
  if (it.kind === 'heading') return it.label;
  if (screenReader) return `${it.mark ? `${it.mark} ` : ''}${it.label}${it.detail ? ` (${it.detail})` : ''}${active ? ' (selected)' : ''}`;
  return `${it.label}${it.detail ? ` ${it.detail}` : ''}`;
}

/** Columns before the wrapped text: the pointer and a space, then the mark and a space (continuation
 * rows are indented as far, so a wrapped title stays in its column). */
function prefixWidth<T>(it: ListItem<T>, screenReader: boolean): number {
  return 2 + (!screenReader && it.mark ? textWidth(it.mark) + 1 : 0);
}

const wrapTo = (text: string, width: number) => wrapAnsiForInk(text, Math.max(1, width), { trim: false, hard: true }).split('\n');

/** An item's rows: the label wrapped to the width, then the detail after it when it fits on the last
 * row, else on rows of its own, so that "12 min · domain 2" is never split across rows when it fits. */
function itemLines<T>(it: ListItem<T>, width: number): { label: string; detail: string }[] {
  const lines = wrapTo(it.label, width).map((label) => ({ label, detail: '' }));
  if (!it.detail) return lines;
  const last = lines[lines.length - 1]!;
  if (textWidth(last.label) + 1 + textWidth(it.detail) <= width) last.detail = ` ${it.detail}`;
  else lines.push(...wrapTo(it.detail, width).map((detail) => ({ label: '', detail })));
  return lines;
}

/** Rows each item takes at `width` columns (a heading is one row, cut if need be). */
export function itemRows<T>(items: readonly ListItem<T>[], width: number | undefined, screenReader = false): number[] {
  return items.map((it) => {
    if (it.kind === 'heading' || !width) return 1;
    const w = width - prefixWidth(it, screenReader);
    // the longer of the two texts (a screen reader's row says "(selected)" on the cursor)
    return screenReader ? wrapTo(itemText(it, true, true), w).length : itemLines(it, w).length;
  });
}

/** First visible row so that the cursor stays on screen (keeps a one-row margin when it can). */
export function windowStart(cursor: number, top: number, height: number, total: number): number {
  return windowStartRows(cursor, top, height, new Array<number>(total).fill(1));
}

/** windowStart for items of several rows each: the first item shown so that the cursor's item (and
 * the one after it, when there is room) is on screen and no rows are left empty at the bottom. */
export function windowStartRows(cursor: number, top: number, height: number, rows: readonly number[]): number {
  const total = rows.reduce((a, b) => a + b, 0);
  if (total <= height) return 0;
  const sum = (from: number, to: number) => rows.slice(from, to + 1).reduce((a, b) => a + b, 0);
  let start = Math.min(top, Math.max(0, cursor - 1));
  const last = Math.min(rows.length - 1, cursor + 1);
  while (start < cursor && sum(start, last) > height) start++;
  while (start > 0 && sum(start - 1, rows.length - 1) <= height) start--;
  return start;
}

export function SelectList<T>({ items, height, onSelect, onHighlight, initialKey, isActive = true, width }: SelectListProps<T>) {
  const { options, theme, glyphs } = useUi();
  const body = useContext(BodySizeContext);
  const cols = width ?? body?.width;
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

  const rows = itemRows(items, cols, options.screenReader);
  const start = windowStartRows(cursor, top.current, height, rows);
  top.current = start;
  const visible: { it: ListItem<T>; index: number }[] = [];
  for (let i = start, used = 0; i < items.length && (used + rows[i]! <= height || i <= cursor); i++) {
    visible.push({ it: items[i]!, index: i });
    used += rows[i]!;
  }
  return (
    <Box flexDirection="column">
      {visible.map(({ it, index }) => {
        if (it.kind === 'heading') {
          return (
            <Text key={it.key} bold color={theme.text.accent} wrap="truncate-end">
              {it.label}
            </Text>
          );
        }
        const active = index === cursor;
        const pointer = options.screenReader ? (active ? '>' : ' ') : active ? glyphs.pointer : ' ';
        const w = cols ? Math.max(1, cols - prefixWidth(it, options.screenReader)) : 0;
        const text = options.screenReader ? (
          <Text wrap={cols ? 'wrap' : 'truncate-end'}>{itemText(it, true, active)}</Text>
        ) : (
          <Box flexDirection="column">
            {(cols ? itemLines(it, w) : [{ label: it.label, detail: it.detail ? ` ${it.detail}` : '' }]).map((line, k) => (
              <Text key={k} wrap="truncate-end">
                <Text color={active ? theme.text.accent : undefined} bold={active}>
                  {line.label}
                </Text>
                {line.detail ? <Text color={theme.text.muted}>{line.detail}</Text> : null}
              </Text>
            ))}
          </Box>
        );
        const mark = !options.screenReader && it.mark ? `${it.mark} ` : '';
        return (
          <Box key={it.key}>
            <Text color={active ? theme.text.accent : undefined} bold={active}>
              {pointer} {mark}
            </Text>
            {cols ? <Box width={w}>{text}</Box> : text}
          </Box>
        );
      })}
    </Box>
  );
}
