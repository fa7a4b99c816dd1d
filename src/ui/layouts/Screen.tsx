// The frame every screen renders into: a title line, the body, a footer of key hints. It picks one
// of three layouts — default, narrow (< 80 columns) and screen-reader (plain text, no rules) — and
// tells the body exactly how many rows and columns it has (useBodySize), so screens render only
// what fits and the whole frame stays below the terminal height (no scroll-back spill, no flicker).
// `?` opens the help overlay listing the screen's commands.
import { useState, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { Command } from '../keys/keyBindings.js';
import { KeypressPriority, useCommands, useFieldState } from '../contexts/KeypressContext.js';
import { reachableWhileTyping } from '../keys/keyMatchers.js';
import { useUi } from '../contexts/UiContext.js';
import { isNarrowWidth, useTerminalSize } from '../hooks/useTerminalSize.js';
import { BodySizeContext, type BodySize, type LayoutMode } from '../hooks/useBodySize.js';
import { KeyHints, type Hint } from '../components/KeyHints.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { cutText, lineText, textWidth, wrapSpans } from '../markdown/text.js';

/** Pure layout arithmetic, shared with tests: rows/cols of the body for a terminal size. */
export function bodySizeFor(columns: number, rows: number, screenReader: boolean): BodySize {
  const mode: LayoutMode = screenReader ? 'screen-reader' : isNarrowWidth(columns) ? 'narrow' : 'default';
  // One row is kept free: Ink redraws the whole screen (flicker) once a frame reaches the last row.
  const usable = Math.max(3, rows - 1);
  // default: title, rule, body, rule, hints — narrow and screen-reader: title, body, hints
  const chrome = mode === 'default' ? 4 : 2;
  const width = Math.max(20, mode === 'default' ? columns - 2 : columns);
  return { width, height: Math.max(1, usable - chrome), mode };
}

/**
 * The title line's two halves for `inner` columns. What gives way first is the least important: the
 * short title replaces the full one, then status parts go from the end (the last part is the least
 * important), then the title is cut with a marker, and only then the one status part left.
 */
export function titleLine(
  title: string,
  titleShort: string | undefined,
  status: string | readonly string[] | undefined,
  inner: number,
  pointer = '›',
  ellipsis = '…',
): { titleText: string; statusText: string } {
  const parts = (typeof status === 'string' ? [status] : [...(status ?? [])]).filter(Boolean);
  const full = (t: string) => `ftlab ${pointer} ${t}`;
  const fits = (t: string, st: string) => textWidth(t) + (st ? 1 + textWidth(st) : 0) <= inner;
  const titles = [full(title), ...(titleShort ? [full(titleShort)] : [])];
  for (let keep = parts.length; keep >= Math.min(1, parts.length); keep--) {
    const st = parts.slice(0, keep).join(' · ');
    for (const t of titles) if (fits(t, st)) return { titleText: t, statusText: st };
  }
  // Nothing fits whole: keep the most important status part (cut to leave the title 12 columns).
  const statusText = cutText(parts[0] ?? '', Math.max(0, inner - 12));
  const shortest = titles[titles.length - 1]!;
  const room = Math.max(1, inner - textWidth(statusText) - (statusText ? 1 : 0));
  const mark = ellipsis.slice(0, 1);
  const titleText = textWidth(shortest) > room ? cutText(shortest, room - 1) + mark : shortest;
  return { titleText, statusText };
}

export interface ScreenProps {
  /** Shown in the title line after "ftlab ›". */
  title: string;
  /** Right-hand side of the title line (progress, timer…): one string, or parts joined with " · ",
   * most important first; when the line is too narrow, parts are dropped from the end. */
  status?: string | readonly string[];
  /** A shorter title, used before any status part is dropped (e.g. without the mode or the lesson). */
  titleShort?: string;
  /** Commands this screen answers to, in footer order; the help overlay lists them all. */
  hints?: readonly Hint[];
  /** A question is on screen: the footer lists only its answers (`hints`), not "? keys" and "q quit". */
  dialog?: boolean;
  /** Extra commands listed only in the help overlay. */
  moreKeys?: readonly Command[];
  /** Warnings (skipped content, recovered files) shown above the body. */
  warnings?: readonly string[];
  children: ReactNode;
}

export function Screen({ title, titleShort, status, hints = [], dialog = false, moreKeys = [], warnings = [], children }: ScreenProps) {
  const { options, theme, glyphs } = useUi();
  const { columns, rows } = useTerminalSize();
  const [helpOpen, setHelpOpen] = useState(false);
  useCommands({ [Command.HELP]: () => setHelpOpen(true) }, { priority: KeypressPriority.Low });

  const base = bodySizeFor(columns, rows, options.screenReader);
  // Warnings wrap rather than being cut (a repaired file's warning ends with where its damaged copy is):
  // up to 3 rows, pre-wrapped here so that the body is told exactly how many rows are left.
  const warningRoom = Math.max(0, Math.min(3, base.height - 3));
  const marker = options.screenReader ? 'Warning: ' : `${glyphs.ascii ? '!' : '⚠'} `;
  const shownWarnings: string[] = [];
  let shownCount = 0;
  for (const w of warnings) {
    const rows = wrapSpans([{ text: w }], base.width, [{ text: marker }], [{ text: ' '.repeat(textWidth(marker)) }]).map(lineText);
    const moreRow = shownCount + 1 < warnings.length ? 1 : 0;
    if (shownWarnings.length + rows.length + moreRow > warningRoom) {
      // The first warning is always shown, cut to the room there is.
      if (shownCount === 0 && warningRoom > moreRow) {
        shownWarnings.push(...rows.slice(0, warningRoom - moreRow));
        shownCount = 1;
      }
      break;
    }
    shownWarnings.push(...rows);
    shownCount++;
  }
  const hiddenWarnings = warnings.length - shownCount;
  const warningRows = shownWarnings.length + (hiddenWarnings > 0 ? 1 : 0);
  const body: BodySize = { ...base, height: Math.max(1, base.height - warningRows) };
  const hintCommands = hints.map((h) => (typeof h === 'string' ? h : h.command));
  const hintLabels = new Map(hints.flatMap((h) => (typeof h !== 'string' && h.help ? [[h.command, h.help] as const] : [])));
  // The footer shows only keys that work where the cursor is: in a text field letters are typed, so
  // only Ctrl/Tab/Enter/Esc keys are listed; after Esc the field is left and Enter goes back in.
  const field = useFieldState();
  const typing = field === 'typing';
  const commandOf = (h: Hint) => (typeof h === 'string' ? h : h.command);
  let allHints: Hint[];
  if (typing) {
    allHints = hints.filter((h) => reachableWhileTyping(commandOf(h)));
    if (!hintCommands.includes(Command.LEAVE_FIELD)) allHints.push(Command.LEAVE_FIELD);
  } else {
    allHints = field === 'left' ? [Command.EDIT_FIELD, ...hints.filter((h) => commandOf(h) !== Command.SUBMIT)] : [...hints];
    if (!dialog) {
      allHints.push(Command.HELP);
      if (!hintCommands.includes(Command.QUIT)) allHints.push(Command.QUIT);
    }
  }

  // The title line must never be wider than the terminal: a wrapped line would push the whole frame
  // down one row and Ink's redraw would then erase the wrong rows.
  const inner = columns - (base.mode === 'default' ? 2 : 0);
  const { titleText, statusText } = titleLine(title, titleShort, status, inner, glyphs.pointer, glyphs.ellipsis);
  const gap = Math.max(statusText ? 1 : 0, inner - textWidth(titleText) - textWidth(statusText));
  const rule = glyphs.hr.repeat(Math.max(0, columns));

  const warningLines = (
    <>
      {shownWarnings.map((row, i) => (
        <Text key={i} color={theme.status.warning} wrap="truncate-end">
          {row}
        </Text>
      ))}
      {hiddenWarnings > 0 && (
        <Text color={theme.status.warning} wrap="truncate-end">
          … and {hiddenWarnings} more (ftlab progress repairs, ftlab content check)
        </Text>
      )}
    </>
  );
  const content = helpOpen ? (
    <HelpOverlay
      commands={[...hintCommands, ...moreKeys]}
      labels={hintLabels}
      height={body.height + warningRows}
      width={body.width}
      onClose={() => setHelpOpen(false)}
    />
  ) : (
    <>
      {warningLines}
      <BodySizeContext.Provider value={body}>{children}</BodySizeContext.Provider>
    </>
  );

  if (base.mode === 'screen-reader') {
    return (
      <Box flexDirection="column" width={columns}>
        <Text wrap="truncate-end">
          {title}
          {statusText ? ` (${statusText})` : ''}
        </Text>
        <Box flexDirection="column" height={base.height} overflowY="hidden">
          {content}
        </Box>
        <KeyHints hints={allHints} width={columns} compact typing={typing} />
      </Box>
    );
  }
  const narrow = base.mode === 'narrow';
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Box paddingX={narrow ? 0 : 1}>
        <Text bold color={theme.text.accent}>
          {titleText}
        </Text>
        <Text>{' '.repeat(gap)}</Text>
        <Text color={theme.text.secondary}>{statusText}</Text>
      </Box>
      {!narrow && <Text color={theme.border.default}>{rule}</Text>}
      <Box flexDirection="column" height={base.height} paddingX={narrow ? 0 : 1} overflowY="hidden">
        {content}
      </Box>
      {!narrow && <Text color={theme.border.default}>{rule}</Text>}
      <Box paddingX={narrow ? 0 : 1}>
        <KeyHints hints={allHints} width={body.width} compact={narrow} typing={typing} />
      </Box>
    </Box>
  );
}
