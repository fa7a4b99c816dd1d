// Single choice: ↑↓/jk move, space or a number key picks, enter confirms (picking the option under
// the cursor if none is picked yet).
import { Box } from 'ink';
import { Command, digit, hit, useKeys } from './keys.js';
import { useLive, useLiveProp } from './live.js';
import { OptionRow } from './OptionRow.js';
import { useGlyphs } from './style.js';
import { displayOrder, type WidgetProps } from './types.js';

export function SingleChoice({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'single'>) {
  const order = displayOrder(question.choices.length, layout?.choices);
  const picked = useLiveProp(value?.choice ?? -1);
  const cursor = useLive(() => Math.max(0, order.indexOf(value?.choice ?? -1)));
  const g = useGlyphs();
  const pick = (choice: number) => {
    picked.set(choice);
    onChange({ type: 'single', choice });
  };

  useKeys((k) => {
    const n = digit(k);
    if (hit(Command.UP, k)) cursor.set((c) => (c + order.length - 1) % order.length);
    else if (hit(Command.DOWN, k)) cursor.set((c) => (c + 1) % order.length);
    else if (hit(Command.TOGGLE, k)) pick(order[cursor.get()]!);
    else if (n !== undefined && n <= order.length) {
      cursor.set(n - 1);
      pick(order[n - 1]!);
    } else if (hit(Command.SUBMIT, k)) {
      if (picked.get() < 0) pick(order[cursor.get()]!);
      onSubmit?.({ type: 'single', choice: picked.get() });
    } else return false;
    return true;
  }, active);

  const chosen = value?.choice ?? -1;
  return (
    <Box flexDirection="column">
      {order.map((orig, pos) => {
        const isPicked = orig === chosen;
        const isAnswer = reveal === 'answer' && orig === question.answer;
        const verdict = reveal === 'answer' && (isPicked || isAnswer) ? (isAnswer ? { role: 'ok' as const, text: `${g.right} correct` } : { role: 'bad' as const, text: `${g.wrong} your answer` }) : undefined;
        return (
          <OptionRow
            key={orig}
            label={String(pos + 1)}
            text={question.choices[orig]!}
            focused={active && pos === cursor.get()}
            marker={isPicked ? g.radioOn : g.radioOff}
            states={isPicked ? ['selected'] : []}
            verdict={verdict}
          />
        );
      })}
    </Box>
  );
}
