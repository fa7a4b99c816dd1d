// Ordering: ↑↓/jk move the cursor; K/J (shift+↑↓) move the item under the cursor; space grabs an item
// so that ↑↓ carry it, space again drops it; enter confirms the order.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { Command, hit, useKeys } from './keys.js';
import { OptionRow } from './OptionRow.js';
import { Tone, useGlyphs } from './style.js';
import { displayOrder, type WidgetProps } from './types.js';

export function OrderItems({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'order'>) {
  const n = question.items.length;
  const current = value && value.order.length === n ? value.order : displayOrder(n, layout?.items);
  const [cursor, setCursor] = useState(0);
  const [grabbed, setGrabbed] = useState(false);
  const g = useGlyphs();

  const move = (delta: -1 | 1) => {
    const to = cursor + delta;
    if (to < 0 || to >= n) return;
    const next = [...current];
    [next[cursor], next[to]] = [next[to]!, next[cursor]!];
    setCursor(to);
    onChange({ type: 'order', order: next });
  };

  useKeys((k) => {
    if (hit(Command.MOVE_ITEM_UP, k)) move(-1);
    else if (hit(Command.MOVE_ITEM_DOWN, k)) move(1);
    else if (hit(Command.UP, k)) (grabbed ? move(-1) : setCursor((c) => Math.max(0, c - 1)));
    else if (hit(Command.DOWN, k)) (grabbed ? move(1) : setCursor((c) => Math.min(n - 1, c + 1)));
    else if (hit(Command.TOGGLE, k)) setGrabbed((v) => !v);
    else if (hit(Command.SUBMIT, k)) {
      if (grabbed) setGrabbed(false);
      else {
        if (!value) onChange({ type: 'order', order: current });
        onSubmit?.({ type: 'order', order: current });
      }
    } else return false;
    return true;
  }, active);

  return (
    <Box flexDirection="column">
      {reveal === 'none' ? <Tone role="muted">Put the items in order (first at the top).</Tone> : null}
      {current.map((orig, pos) => {
        const atCursor = active && pos === cursor;
        let verdict;
        if (reveal === 'answer') {
          verdict = orig === pos ? { role: 'ok' as const, text: `${g.right} right place` } : { role: 'bad' as const, text: `${g.wrong} belongs at ${orig + 1}` };
        }
        return (
          <OptionRow
            key={orig}
            label={String(pos + 1)}
            text={question.items[orig]!}
            focused={atCursor}
            marker={atCursor && grabbed ? g.grabbed : undefined}
            states={atCursor && grabbed ? ['moving'] : []}
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
