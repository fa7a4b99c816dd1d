// The `?` overlay: every key the current screen understands plus the app-wide ones, read from the
// key table so it can never disagree with what the dispatcher does. Scrolls if it is too tall.
import { useState } from 'react';
import { Box, Text } from 'ink';
import { Command, defaultKeyBindings, type CommandGroup } from '../keys/keyBindings.js';
import { formatBinding } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { matches } from '../keys/keyMatchers.js';
import { useUi } from '../contexts/UiContext.js';
import { lineText, wrapSpans } from '../markdown/text.js';

const GENERAL: Command[] = [Command.HELP, Command.BACK, Command.HOME, Command.QUIT, Command.FORCE_QUIT];

export interface HelpRow {
  group: CommandGroup;
  keys: string;
  description: string;
}

/**
 * Rows for the commands a screen answers to. A screen may give a command its own meaning (Enter starts
 * the highlighted exam on the exam menu); `labels` carries those hints' `help`, and the row then says
 * what the key does there.
 */
export function helpRows(commands: readonly Command[], ascii: boolean, labels: ReadonlyMap<Command, string> = new Map()): HelpRow[] {
  const seen = new Set<Command>();
  const rows: HelpRow[] = [];
  for (const c of [...commands, ...GENERAL]) {
    if (seen.has(c)) continue;
    seen.add(c);
    const info = defaultKeyBindings[c];
    rows.push({
      group: info.group,
      keys: info.bindings.map((b) => formatBinding(b, ascii)).join(', '),
      description: labels.get(c) ?? info.description,
    });
  }
  // Stable grouping: groups in first-seen order.
  const order = [...new Set(rows.map((r) => r.group))];
  return rows.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
}

export interface HelpOverlayProps {
  commands: readonly Command[];
  /** What a command does on this screen, where the screen gives it its own meaning. */
  labels?: ReadonlyMap<Command, string>;
  height: number;
  width: number;
  onClose: () => void;
}

export function HelpOverlay({ commands, labels, height, width, onClose }: HelpOverlayProps) {
  const { options, theme, glyphs } = useUi();
  const [top, setTop] = useState(0);
  const rows = helpRows(commands, options.ascii, labels);
  const lines: { text: string; heading?: boolean }[] = [];
  let group: string | undefined;
  const keyWidth = Math.min(24, Math.max(...rows.map((r) => r.keys.length)));
  // Inside the box: its border and padding take 4 columns (none in screen-reader mode).
  const inner = Math.max(20, options.screenReader ? width : Math.min(width, 78) - 4);
  for (const r of rows) {
    if (r.group !== group) {
      if (group) lines.push({ text: '' });
      lines.push({ text: r.group, heading: true });
      group = r.group;
    }
    // A long description wraps under itself (a hanging indent) instead of being cut at narrow widths.
    const lead = `  ${r.keys.padEnd(keyWidth)}  `;
    for (const row of wrapSpans(
      [{ text: r.description }],
      inner,
      [{ text: lead }],
      [{ text: ' '.repeat(Math.min(lead.length, inner - 10)) }],
    ))
      lines.push({ text: lineText(row) });
  }
  const chrome = options.screenReader ? 1 : 3;
  const visible = Math.max(1, height - chrome);
  const maxTop = Math.max(0, lines.length - visible);
  useKeypress(
    (k) => {
      if (matches(Command.HELP, k) || matches(Command.BACK, k) || matches(Command.QUIT, k)) onClose();
      else if (matches(Command.DOWN, k)) setTop((t) => Math.min(maxTop, t + 1));
      else if (matches(Command.UP, k)) setTop((t) => Math.max(0, t - 1));
      else if (matches(Command.PAGE_DOWN, k)) setTop((t) => Math.min(maxTop, t + visible));
      else if (matches(Command.PAGE_UP, k)) setTop((t) => Math.max(0, t - visible));
      else if (matches(Command.FORCE_QUIT, k)) return false;
      return true; // the overlay is modal: nothing below it sees keys
    },
    { priority: KeypressPriority.Critical },
  );
  const shown = lines.slice(top, top + visible);
  if (options.screenReader) {
    return (
      <Box flexDirection="column">
        <Text>Keys (press ? or Esc to close):</Text>
        {shown.map((l, i) => (
          <Text key={i}>{l.text || ' '}</Text>
        ))}
      </Box>
    );
  }
  return (
    <Box flexDirection="column" borderStyle={glyphs.border} borderColor={theme.border.focused} width={Math.min(width, 78)} paddingX={1}>
      <Text bold color={theme.text.accent}>
        Keys {lines.length > visible ? `(${top + 1}-${Math.min(lines.length, top + visible)} of ${lines.length}, j/k scroll) ` : ''}— ? or
        Esc closes
      </Text>
      {shown.map((l, i) => (
        // An empty <Text> takes no row in Ink: a blank separator is a space, so every counted row is drawn.
        <Text key={i} bold={l.heading} color={l.heading ? theme.text.accent : undefined} wrap="truncate-end">
          {l.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
