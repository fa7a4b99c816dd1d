// Inline text in a semantic role (src/ui/theme/tokens.ts toneColor); without colour a role falls back
// to plain text, bold where emphasis carries the meaning (headings, the cursor row).
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme } from '../contexts/UiContext.js';
import { toneColor, type ToneRole } from '../theme/tokens.js';

export type { ToneRole };

export function Tone({ role, children, bold }: { role: ToneRole; children: ReactNode; bold?: boolean }) {
  const theme = useTheme();
  return (
    <Text color={toneColor(theme, role)} bold={bold ?? (role === 'heading' || role === 'cursor')}>
      {children}
    </Text>
  );
}
