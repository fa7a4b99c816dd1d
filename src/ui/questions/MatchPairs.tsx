// Matching: ↑↓/jk choose a left-hand item; a number key picks its right-hand side (←/→ are left to
// the screen: in a mock exam they move between questions and must never change an answer). A right side used elsewhere is swapped over, so every right side is used once. Enter confirms
// once every left item has a match.
import { Box, Text } from 'ink';
import { Command } from '../keys/keyBindings.js';
import { digit, hit } from '../keys/keyMatchers.js';
import { useKeypress } from '../contexts/KeypressContext.js';
import { useLive, useLiveProp } from '../hooks/useLive.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs, useUi } from '../contexts/UiContext.js';
import { displayOrder, type WidgetProps } from './types.js';

const letter = (i: number) => String.fromCharCode(65 + i);

export function MatchPairs({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'match'>) {
  const n = question.pairs.length;
  const rights = displayOrder(n, layout?.rights);
  const picks = value && value.rights.length === n ? value.rights : question.pairs.map(() => -1);
  const live = useLiveProp(picks);
  const cursor = useLive(0);
  const warn = useLive(false);
  const g = useGlyphs();
  const { screenReader } = useUi().options;

  const assign = (left: number, pair: number) => {
    const next = [...live.get()];
    const holder = next.indexOf(pair);
    if (holder >= 0 && holder !== left) next[holder] = next[left]!;
    next[left] = pair;
    live.set(next);
    warn.set(false);
    onChange({ type: 'match', rights: next });
  };

  useKeypress(
    (k) => {
      const d = digit(k);
      const at = cursor.get();
      if (hit(Command.UP, k)) cursor.set((c) => (c + n - 1) % n);
      else if (hit(Command.DOWN, k)) cursor.set((c) => (c + 1) % n);
      else if (d !== undefined && d <= n) {
        assign(at, rights[d - 1]!);
        cursor.set(Math.min(n - 1, at + 1));
      } else if (hit(Command.SUBMIT, k)) {
        if (live.get().every((p) => p >= 0)) onSubmit?.({ type: 'match', rights: live.get() });
        else warn.set(true);
      } else return false;
      return true;
    },
    { isActive: active },
  );

  const rightLabel = (pair: number) => (pair < 0 ? '(none yet)' : `${rights.indexOf(pair) + 1}. ${question.pairs[pair]!.right}`);

  return (
    <Box flexDirection="column">
      {reveal === 'none' ? (
        <Tone role={warn.get() ? 'warn' : 'muted'}>
          {warn.get() ? 'Every item needs a match before confirming.' : 'Pick the matching right-hand side (number key) for each item.'}
        </Tone>
      ) : null}
      {question.pairs.map((pair, i) => {
        const focused = active && i === cursor.get();
        const pick = picks[i]!;
        let verdict = '';
        let role: 'ok' | 'bad' = 'ok';
        if (reveal === 'answer') {
          if (pick === i) verdict = `${g.right} correct`;
          else {
            role = 'bad';
            verdict = `${g.wrong} should be: ${pair.right}`;
          }
        }
        if (screenReader) {
          return (
            <Text key={i}>
              {letter(i)}. {pair.left} matched with {rightLabel(pick)}
              {focused ? ' (current)' : ''}
              {verdict ? ` - ${verdict.replace(/^[^A-Za-z(]+/, '')}` : ''}
            </Text>
          );
        }
        return (
          <Box key={i}>
            <Box width={2} flexShrink={0}>
              {focused ? <Tone role="cursor">{g.cursor}</Tone> : <Text> </Text>}
            </Box>
            {/* The item letter in its own column: a wrapped item hangs under its text, not under the letter. */}
            <Box width={letter(i).length + 2} flexShrink={0}>
              <Text bold={focused}>{letter(i)}.</Text>
            </Box>
            <Text bold={focused}>
              {pair.left} {g.arrow} {pick < 0 ? <Tone role="muted">(none yet)</Tone> : rightLabel(pick)}
              {verdict ? (
                <>
                  {'  '}
                  <Tone role={role}>{verdict}</Tone>
                </>
              ) : null}
            </Text>
          </Box>
        );
      })}
      {reveal === 'none' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>Right-hand sides:</Text>
          {rights.map((pair, pos) => (
            <Box key={pair} paddingLeft={2}>
              <Box width={String(rights.length).length + 2} flexShrink={0}>
                <Text>{pos + 1}.</Text>
              </Box>
              <Text>{question.pairs[pair]!.right}</Text>
            </Box>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
