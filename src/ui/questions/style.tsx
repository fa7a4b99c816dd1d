// Presentation helpers of the practice and exam screens on top of the app theme (src/ui/theme):
// semantic roles instead of colours, and the few glyphs the widgets need beyond the shared set.
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useUi } from '../contexts/UiContext.js';

export type Role = 'accent' | 'ok' | 'bad' | 'warn' | 'muted' | 'heading' | 'cursor';

export function usePracticeStyle(): { screenReader: boolean; ascii: boolean; color: boolean } {
  const { options, theme } = useUi();
  return { screenReader: options.screenReader, ascii: options.ascii, color: theme.hasColor };
}

/** Text in a semantic role; without colour the role falls back to plain text (bold where it helps). */
export function Tone({ role, children, bold }: { role: Role; children: ReactNode; bold?: boolean }) {
  const { theme } = useUi();
  const color = {
    accent: theme.text.accent,
    ok: theme.status.success,
    bad: theme.status.error,
    warn: theme.status.warning,
    muted: theme.text.muted,
    heading: undefined,
    cursor: theme.border.focused,
  }[role];
  return (
    <Text color={color} bold={bold ?? (role === 'heading' || role === 'cursor')}>
      {children}
    </Text>
  );
}

export interface PracticeGlyphs {
  cursor: string;
  radioOn: string;
  radioOff: string;
  boxOn: string;
  boxOff: string;
  right: string;
  wrong: string;
  flag: string;
  arrow: string;
  grabbed: string;
  bullet: string;
}

export function useGlyphs(): PracticeGlyphs {
  const { glyphs } = useUi();
  if (glyphs.ascii) {
    return { cursor: '>', radioOn: '(*)', radioOff: '( )', boxOn: '[x]', boxOff: '[ ]', right: '+', wrong: 'x', flag: 'F', arrow: '->', grabbed: '=', bullet: glyphs.bullet };
  }
  return { cursor: '❯', radioOn: '◉', radioOff: '○', boxOn: '[x]', boxOff: '[ ]', right: glyphs.check, wrong: glyphs.cross, flag: '⚑', arrow: '→', grabbed: '≡', bullet: glyphs.bullet };
}
