// Ordering: ↑↓/jk move the cursor; K/J (shift+↑↓) move the item under the cursor; space grabs an item
// so that ↑↓ carry it, space again drops it; enter confirms the order.
import { Box, Text } from 'ink';
import { Command } from '../keys/keyBindings.js';
import { hit, label } from '../keys/keyMatchers.js';
import { useKeypress } from '../contexts/KeypressContext.js';
import { useLive, useLiveProp } from '../hooks/useLive.js';
import { OptionRow } from './OptionRow.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs } from '../contexts/UiContext.js';
import { displayOrder, type WidgetProps } from './types.js';

export function OrderItems({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'order'>) {
  const n = question.items.length;
  const current = value && value.order.length === n ? value.order : displayOrder(n, layout?.items);
  const live = useLiveProp(current);
  const cursor = useLive(0);
  const grabbed = useLive(false);
  const g = useGlyphs();
  const ascii = g.ascii;

  const move = (delta: -1 | 1) => {
    const from = cursor.get();
    const to = from + delta;
    if (to < 0 || to >= n) return;
    const next = [...live.get()];
    [next[from], next[to]] = [next[to]!, next[from]!];
    cursor.set(to);
    live.set(next);
    onChange({ type: 'order', order: next });
  };

  useKeypress(
    (k) => {
      if (hit(Command.MOVE_ITEM_UP, k)) move(-1);
      else if (hit(Command.MOVE_ITEM_DOWN, k)) move(1);
      else if (hit(Command.UP, k)) grabbed.get() ? move(-1) : cursor.set((c) => Math.max(0, c - 1));
      else if (hit(Command.DOWN, k)) grabbed.get() ? move(1) : cursor.set((c) => Math.min(n - 1, c + 1));
      else if (hit(Command.TOGGLE, k)) grabbed.set((v) => !v);
      else if (hit(Command.SUBMIT, k)) {
        if (grabbed.get()) grabbed.set(false);
        else {
          if (!value) onChange({ type: 'order', order: live.get() });
          onSubmit?.({ type: 'order', order: live.get() });
        }
      } else return false;
      return true;
    },
    { isActive: active },
  );

  return (
    <Box flexDirection="column">
      {reveal === 'none' ? (
        <Tone role="muted">
          Put the items in order (first at the top): {label(Command.MOVE_ITEM_UP, ascii)} / {label(Command.MOVE_ITEM_DOWN, ascii)} move the
          highlighted item up / down, or {label(Command.TOGGLE, ascii)} picks it up and {label(Command.UP, ascii, 1)}/
          {label(Command.DOWN, ascii, 1)} carry it.
        </Tone>
      ) : null}
      {current.map((orig, pos) => {
        const atCursor = active && pos === cursor.get();
        let verdict;
        if (reveal === 'answer') {
          verdict =
            orig === pos
              ? { role: 'ok' as const, text: `${g.right} right place` }
              : { role: 'bad' as const, text: `${g.wrong} belongs at ${orig + 1}` };
        }
        return (
          <OptionRow
            key={orig}
            label={String(pos + 1)}
            text={question.items[orig]!}
            focused={atCursor}
            marker={atCursor && grabbed.get() ? g.grabbed : undefined}
            states={atCursor && grabbed.get() ? ['moving'] : []}
            verdict={verdict}
          />
        );
      })}
      {reveal === 'answer' && current.some((orig, pos) => orig !== pos) ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>Correct order:</Text>
          {question.items.map((item, i) => (
            <Text key={i}>
              {'  '}
              {i + 1}. {item}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
