// Single choice: ↑↓/jk move, space or a number key picks, enter confirms (picking the option under
// the cursor if none is picked yet).
import { Box } from 'ink';
import { useState } from 'react';
import { Command, digit, hit, useKeys } from './keys.js';
import { OptionRow } from './OptionRow.js';
import { useGlyphs } from './style.js';
import { displayOrder, type WidgetProps } from './types.js';

export function SingleChoice({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'single'>) {
  const order = displayOrder(question.choices.length, layout?.choices);
  const picked = value?.choice ?? -1;
  const [cursor, setCursor] = useState(() => Math.max(0, order.indexOf(picked)));
  const g = useGlyphs();

  useKeys((k) => {
    const n = digit(k);
    if (hit(Command.UP, k)) setCursor((c) => (c + order.length - 1) % order.length);
    else if (hit(Command.DOWN, k)) setCursor((c) => (c + 1) % order.length);
    else if (hit(Command.TOGGLE, k)) onChange({ type: 'single', choice: order[cursor]! });
    else if (n !== undefined && n <= order.length) {
      setCursor(n - 1);
      onChange({ type: 'single', choice: order[n - 1]! });
    } else if (hit(Command.SUBMIT, k)) {
      const choice = picked >= 0 ? picked : order[cursor]!;
      if (picked < 0) onChange({ type: 'single', choice });
      onSubmit?.({ type: 'single', choice });
    } else return false;
    return true;
  }, active);

  return (
    <Box flexDirection="column">
      {order.map((orig, pos) => {
        const isPicked = orig === picked;
        const isAnswer = reveal === 'answer' && orig === question.answer;
        const states = [...(isPicked ? ['selected'] : []), ...(isAnswer ? ['correct answer'] : [])];
        const verdict = reveal === 'answer' && (isPicked || isAnswer) ? (isAnswer ? { role: 'ok' as const, text: `${g.right} correct` } : { role: 'bad' as const, text: `${g.wrong} your answer` }) : undefined;
        return (
          <OptionRow
            key={orig}
            label={String(pos + 1)}
            text={question.choices[orig]!}
            focused={active && pos === cursor}
            marker={isPicked ? g.radioOn : g.radioOff}
            states={reveal === 'answer' ? [] : states}
            verdict={verdict}
          />
        );
      })}
    </Box>
  );
}
