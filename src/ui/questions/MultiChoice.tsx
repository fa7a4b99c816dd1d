// Multiple response ("choose N"): ↑↓/jk move, space or a number key toggles, enter confirms once
// exactly N options are chosen.
import { Box } from 'ink';
import { useLive, useLiveProp } from '../hooks/useLive.js';
import { OptionList } from './OptionRow.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs } from '../contexts/UiContext.js';
import { displayOrder, type WidgetProps } from './types.js';
import { useChoiceKeys } from '../hooks/useChoiceKeys.js';

export function MultiChoice({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'multi'>) {
  const order = displayOrder(question.choices.length, layout?.choices);
  const live = useLiveProp(value?.choices ?? []);
  const need = question.answers.length;
  const warn = useLive(false);
  const g = useGlyphs();

  const toggle = (orig: number) => {
    const cur = live.get();
    const next = cur.includes(orig) ? cur.filter((c) => c !== orig) : [...cur, orig].sort((a, b) => a - b);
    live.set(next);
    warn.set(false);
    onChange({ type: 'multi', choices: next });
  };
  const { cursor } = useChoiceKeys(order, 0, active, toggle, () => {
    if (live.get().length === need) onSubmit?.({ type: 'multi', choices: live.get() });
    else warn.set(true);
  });

  const chosen = value?.choices ?? [];
  return (
    <Box flexDirection="column">
      <Tone role={warn.get() ? 'warn' : 'muted'}>
        Choose {need}
        {reveal === 'none' ? ` (${chosen.length} chosen)` : ''}
        {warn.get() ? ` - pick exactly ${need} before confirming` : ''}
      </Tone>
      <OptionList
        choices={question.choices}
        order={order}
        cursor={cursor}
        active={active}
        isOn={(option) => chosen.includes(option)}
        markers={[g.boxOn, g.boxOff]}
        onWord="chosen"
        verdict={(option, on) => {
          const right = question.answers.includes(option);
          if (reveal !== 'answer' || !(on || right)) return undefined;
          if (!right) return { role: 'bad', text: `${g.wrong} not correct` };
          return on ? { role: 'ok', text: `${g.right} correct` } : { role: 'warn', text: `${g.wrong} missed (correct)` };
        }}
      />
    </Box>
  );
}
