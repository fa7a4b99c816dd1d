// The footer line: "j/↓ down  k/↑ up  ? keys  q quit", generated from the key table.
import { Text } from 'ink';
import { Command, defaultKeyBindings } from '../keys/keyBindings.js';
import { keyLabel } from '../keys/keyMatchers.js';
import { useUi } from '../contexts/UiContext.js';

/** A command, or a command with the footer word this screen uses for it and, for `?`, what it does here. */
export type Hint = Command | { command: Command; label: string; help?: string };

export function hintText(
  hints: readonly Hint[],
  opts: { ascii: boolean; compact: boolean; width: number; screenReader?: boolean; typing?: boolean },
): string {
  const all = hints.map((h) => {
    const command = typeof h === 'string' ? h : h.command;
    const label = typeof h === 'string' ? defaultKeyBindings[command].short : h.label;
    // Screen readers get "action: key or key", read naturally; sighted layouts get "key action".
    const part = opts.screenReader
      ? `${label}: ${keyLabel(command, { ascii: true, max: 2, typing: opts.typing }).replace('/', ' or ')}`
      : `${keyLabel(command, { ascii: opts.ascii, max: opts.compact ? 1 : 2, typing: opts.typing })} ${label}`;
    return { command, part };
  });
  const width = (parts: readonly string[]) => parts.reduce((n, p, i) => n + p.length + (i ? 2 : 0), 0);
  // Drop hints that don't fit rather than wrapping the footer onto a second line...
  const parts: string[] = [];
  for (const { part } of all) {
    if (width([...parts, part]) > opts.width) break;
    parts.push(part);
  }
  // ...but never "? keys": it is how a learner finds the keys that were dropped.
  const help = all.find((a) => a.command === Command.HELP);
  if (help && !parts.includes(help.part)) {
    while (parts.length && width([...parts, help.part]) > opts.width) parts.pop();
    if (width([...parts, help.part]) <= opts.width) parts.push(help.part);
  }
  return parts.join('  ');
}

export function KeyHints({
  hints,
  width,
  compact = false,
  typing = false,
}: {
  hints: readonly Hint[];
  width: number;
  compact?: boolean;
  /** The cursor is in a text field: label each command with the keys that still work there. */
  typing?: boolean;
}) {
  const { options, theme } = useUi();
  if (options.screenReader)
    return <Text>Keys: {hintText(hints, { ascii: true, compact, width: Infinity, screenReader: true, typing }).replace(/  /g, ', ')}</Text>;
  const text = hintText(hints, { ascii: options.ascii, compact, width, typing });
  return (
    <Text color={theme.text.muted} wrap="truncate-end">
      {text}
    </Text>
  );
}
