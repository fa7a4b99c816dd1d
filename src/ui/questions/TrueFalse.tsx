// True/false: t or f picks (↑↓ and space work too), enter confirms.
import { Box } from 'ink';
import { useState } from 'react';
import { is, useKeys } from './keys.js';
import { OptionRow } from './OptionRow.js';
import { useGlyphs } from './style.js';
import type { WidgetProps } from './types.js';

const OPTIONS = [true, false] as const;

export function TrueFalse({ question, value, onChange, onSubmit, active = true, reveal = 'none' }: WidgetProps<'truefalse'>) {
  const [cursor, setCursor] = useState(value ? (value.value ? 0 : 1) : 0);
  const g = useGlyphs();
  const pick = (v: boolean) => {
    setCursor(v ? 0 : 1);
    onChange({ type: 'truefalse', value: v });
  };
  useKeys((name) => {
    if (is('yes', name)) pick(true);
    else if (is('no', name)) pick(false);
    else if (is('up', name) || is('down', name)) setCursor((c) => 1 - c);
    else if (is('pick', name)) pick(OPTIONS[cursor]!);
    else if (is('submit', name)) {
      const v = value ? value.value : OPTIONS[cursor]!;
      if (!value) onChange({ type: 'truefalse', value: v });
      onSubmit?.({ type: 'truefalse', value: v });
    }
  }, active);

  return (
    <Box flexDirection="column">
      {OPTIONS.map((opt, pos) => {
        const on = value?.value === opt;
        const right = question.answer === opt;
        const verdict = reveal === 'answer' && (on || right) ? (right ? { role: 'ok' as const, text: `${g.right} correct` } : { role: 'bad' as const, text: `${g.wrong} your answer` }) : undefined;
        return (
          <OptionRow
            key={String(opt)}
            label={opt ? 't' : 'f'}
            text={opt ? 'True' : 'False'}
            focused={active && cursor === pos}
            marker={on ? g.radioOn : g.radioOff}
            states={on ? ['selected'] : []}
            verdict={verdict}
          />
        );
      })}
    </Box>
  );
}
