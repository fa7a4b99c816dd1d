// Presentation settings of the practice and exam screens: colour on/off, ASCII glyphs, screen-reader
// mode. One context so widgets stay free of environment checks; the app root provides it.
import { createContext, useContext, type ReactNode } from 'react';
import { Text } from 'ink';

export interface PracticeStyle {
  color: boolean;
  ascii: boolean;
  screenReader: boolean;
}

export const defaultStyle: PracticeStyle = { color: true, ascii: false, screenReader: false };

const StyleContext = createContext<PracticeStyle>(defaultStyle);

export function PracticeStyleProvider({ value, children }: { value: Partial<PracticeStyle>; children: ReactNode }) {
  return <StyleContext.Provider value={{ ...defaultStyle, ...value }}>{children}</StyleContext.Provider>;
}

export function usePracticeStyle(): PracticeStyle {
  return useContext(StyleContext);
}

/** Semantic roles → colours. Without colour every role renders as plain text (plus bold where it helps). */
export type Role = 'accent' | 'ok' | 'bad' | 'warn' | 'muted' | 'heading' | 'cursor';
const roleColor: Record<Role, string | undefined> = {
  accent: 'cyan',
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  muted: 'gray',
  heading: undefined,
  cursor: 'cyan',
};

export function Tone({ role, children, bold }: { role: Role; children: ReactNode; bold?: boolean }) {
  const { color } = usePracticeStyle();
  const b = bold ?? (role === 'heading' || role === 'cursor');
  return (
    <Text color={color ? roleColor[role] : undefined} bold={b} dimColor={color && role === 'muted' ? false : undefined}>
      {children}
    </Text>
  );
}

export interface Glyphs {
  cursor: string;
  noCursor: string;
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

const unicode: Glyphs = {
  cursor: '❯',
  noCursor: ' ',
  radioOn: '◉',
  radioOff: '○',
  boxOn: '[x]',
  boxOff: '[ ]',
  right: '✓',
  wrong: '✗',
  flag: '⚑',
  arrow: '→',
  grabbed: '≡',
  bullet: '•',
};
const ascii: Glyphs = {
  cursor: '>',
  noCursor: ' ',
  radioOn: '(*)',
  radioOff: '( )',
  boxOn: '[x]',
  boxOff: '[ ]',
  right: '+',
  wrong: 'x',
  flag: 'F',
  arrow: '->',
  grabbed: '=',
  bullet: '-',
};

export function useGlyphs(): Glyphs {
  const s = usePracticeStyle();
  return s.ascii || s.screenReader ? ascii : unicode;
}

/** Mark words for screen readers (glyphs mean nothing read aloud). */
export function srMark(on: boolean, word: string): string {
  return on ? `(${word}) ` : '';
}
