// True/false: t or f picks (↑↓ and space work too), enter confirms.
import { Box } from 'ink';
import { Command } from '../keys/keyBindings.js';
import { hit } from '../keys/keyMatchers.js';
import { useKeypress } from '../contexts/KeypressContext.js';
import { useLive, useLiveProp } from '../hooks/useLive.js';
import { OptionRow } from './OptionRow.js';
import { useGlyphs } from '../contexts/UiContext.js';
import type { WidgetProps } from './types.js';

const OPTIONS = [true, false] as const;

export function TrueFalse({ question, value, onChange, onSubmit, active = true, reveal = 'none' }: WidgetProps<'truefalse'>) {
  const live = useLiveProp<boolean | null>(value ? value.value : null);
  const cursor = useLive(value ? (value.value ? 0 : 1) : 0);
  const g = useGlyphs();
  const pick = (v: boolean) => {
    cursor.set(v ? 0 : 1);
    live.set(v);
    onChange({ type: 'truefalse', value: v });
  };
  useKeypress(
    (k) => {
      if (hit(Command.ANSWER_TRUE, k)) pick(true);
      else if (hit(Command.ANSWER_FALSE, k)) pick(false);
      else if (hit(Command.UP, k) || hit(Command.DOWN, k)) cursor.set((c) => 1 - c);
      else if (hit(Command.TOGGLE, k)) pick(OPTIONS[cursor.get()]!);
      else if (hit(Command.SUBMIT, k)) {
        if (live.get() === null) pick(OPTIONS[cursor.get()]!);
        onSubmit?.({ type: 'truefalse', value: live.get()! });
      } else return false;
      return true;
    },
    { isActive: active },
  );

  return (
    <Box flexDirection="column">
      {OPTIONS.map((opt, pos) => {
        const on = value?.value === opt;
        const right = question.answer === opt;
        const verdict =
          reveal === 'answer' && (on || right)
            ? right
              ? { role: 'ok' as const, text: `${g.right} correct` }
              : { role: 'bad' as const, text: `${g.wrong} your answer` }
            : undefined;
        return (
          <OptionRow
            key={String(opt)}
            label={opt ? 't' : 'f'}
            text={opt ? 'True' : 'False'}
            focused={active && cursor.get() === pos}
            marker={on ? g.radioOn : g.radioOff}
            states={on ? ['selected'] : []}
            verdict={verdict}
          />
        );
      })}
    </Box>
  );
}
