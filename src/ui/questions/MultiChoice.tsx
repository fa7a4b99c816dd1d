// Multiple response ("choose N"): ↑↓/jk move, space or a number key toggles, enter confirms once
// exactly N options are chosen.
import { Box } from 'ink';
import { useState } from 'react';
import { Command, digit, hit, useKeys } from './keys.js';
import { OptionRow } from './OptionRow.js';
import { Tone, useGlyphs } from './style.js';
import { displayOrder, type WidgetProps } from './types.js';

export function MultiChoice({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'multi'>) {
  const order = displayOrder(question.choices.length, layout?.choices);
  const chosen = value?.choices ?? [];
  const need = question.answers.length;
  const [cursor, setCursor] = useState(0);
  const [warn, setWarn] = useState(false);
  const g = useGlyphs();

  const toggle = (orig: number) => {
    const next = chosen.includes(orig) ? chosen.filter((c) => c !== orig) : [...chosen, orig].sort((a, b) => a - b);
    setWarn(false);
    onChange({ type: 'multi', choices: next });
  };

  useKeys((k) => {
    const n = digit(k);
    if (hit(Command.UP, k)) setCursor((c) => (c + order.length - 1) % order.length);
    else if (hit(Command.DOWN, k)) setCursor((c) => (c + 1) % order.length);
    else if (hit(Command.TOGGLE, k)) toggle(order[cursor]!);
    else if (n !== undefined && n <= order.length) {
      setCursor(n - 1);
      toggle(order[n - 1]!);
    } else if (hit(Command.SUBMIT, k)) {
      if (chosen.length === need) onSubmit?.({ type: 'multi', choices: chosen });
      else setWarn(true);
    } else return false;
    return true;
  }, active);

  return (
    <Box flexDirection="column">
      <Tone role={warn ? 'warn' : 'muted'}>
        Choose {need}
        {reveal === 'none' ? ` (${chosen.length} chosen)` : ''}
        {warn ? ` - pick exactly ${need} before confirming` : ''}
      </Tone>
      {order.map((orig, pos) => {
        const on = chosen.includes(orig);
        const right = question.answers.includes(orig);
        let verdict;
        if (reveal === 'answer' && (on || right)) {
          verdict = right
            ? { role: on ? ('ok' as const) : ('warn' as const), text: on ? `${g.right} correct` : `${g.wrong} missed (correct)` }
            : { role: 'bad' as const, text: `${g.wrong} not correct` };
        }
        return (
          <OptionRow
            key={orig}
            label={String(pos + 1)}
            text={question.choices[orig]!}
            focused={active && pos === cursor}
            marker={on ? g.boxOn : g.boxOff}
            states={on ? ['chosen'] : []}
            verdict={verdict}
          />
        );
      })}
    </Box>
  );
}
