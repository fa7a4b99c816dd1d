// Single choice: ↑↓/jk move, space or a number key picks, enter confirms (picking the option under
// the cursor if none is picked yet).
import { Box } from 'ink';
import { useLiveProp } from '../hooks/useLive.js';
import { OptionList } from './OptionRow.js';
import { useGlyphs } from '../contexts/UiContext.js';
import { displayOrder, type WidgetProps } from './types.js';
import { useChoiceKeys } from '../hooks/useChoiceKeys.js';

export function SingleChoice({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'single'>) {
  const order = displayOrder(question.choices.length, layout?.choices);
  const picked = useLiveProp(value?.choice ?? -1);
  const g = useGlyphs();
  const pick = (choice: number) => {
    picked.set(choice);
    onChange({ type: 'single', choice });
  };
  const { cursor } = useChoiceKeys(
    order,
    () => Math.max(0, order.indexOf(value?.choice ?? -1)),
    active,
    pick,
    (underCursor) => {
      if (picked.get() < 0) pick(underCursor);
      onSubmit?.({ type: 'single', choice: picked.get() });
    },
  );

  const chosen = value?.choice ?? -1;
  return (
    <Box flexDirection="column">
      <OptionList
        choices={question.choices}
        order={order}
        cursor={cursor}
        active={active}
        isOn={(option) => option === chosen}
        markers={[g.radioOn, g.radioOff]}
        onWord="selected"
        verdict={(option, picked) => {
          const isAnswer = option === question.answer;
          if (reveal !== 'answer' || !(picked || isAnswer)) return undefined;
          return isAnswer ? { role: 'ok', text: `${g.right} correct` } : { role: 'bad', text: `${g.wrong} your answer` };
        }}
      />
    </Box>
  );
}
