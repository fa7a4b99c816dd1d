// Matching: ↑↓/jk choose a left-hand item; a number key (or ←→/hl to cycle) picks its right-hand
// side. A right side used elsewhere is swapped over, so every right side is used once. Enter confirms
// once every left item has a match.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { Command, digit, hit, useKeys } from './keys.js';
import { Tone, useGlyphs, usePracticeStyle } from './style.js';
import { displayOrder, type WidgetProps } from './types.js';

const letter = (i: number) => String.fromCharCode(65 + i);

export function MatchPairs({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none' }: WidgetProps<'match'>) {
  const n = question.pairs.length;
  const rights = displayOrder(n, layout?.rights);
  const picks = value && value.rights.length === n ? value.rights : question.pairs.map(() => -1);
  const [cursor, setCursor] = useState(0);
  const [warn, setWarn] = useState(false);
  const g = useGlyphs();
  const { screenReader } = usePracticeStyle();

  const assign = (left: number, pair: number) => {
    const next = [...picks];
    const holder = next.indexOf(pair);
    if (holder >= 0 && holder !== left) next[holder] = next[left]!;
    next[left] = pair;
    setWarn(false);
    onChange({ type: 'match', rights: next });
  };

  useKeys((k) => {
    const d = digit(k);
    if (hit(Command.UP, k)) setCursor((c) => (c + n - 1) % n);
    else if (hit(Command.DOWN, k)) setCursor((c) => (c + 1) % n);
    else if (hit(Command.LEFT, k) || hit(Command.RIGHT, k)) {
      const forward = hit(Command.RIGHT, k);
      const pos = rights.indexOf(picks[cursor]!);
      const nextPos = pos < 0 ? (forward ? 0 : n - 1) : (pos + (forward ? 1 : n - 1)) % n;
      assign(cursor, rights[nextPos]!);
    } else if (d !== undefined && d <= n) {
      assign(cursor, rights[d - 1]!);
      setCursor((c) => Math.min(n - 1, c + 1));
    } else if (hit(Command.SUBMIT, k)) {
      if (picks.every((p) => p >= 0)) onSubmit?.({ type: 'match', rights: picks });
      else setWarn(true);
    } else return false;
    return true;
  }, active);

  const rightLabel = (pair: number) => (pair < 0 ? '(none yet)' : `${rights.indexOf(pair) + 1}. ${question.pairs[pair]!.right}`);

  return (
    <Box flexDirection="column">
      {reveal === 'none' ? (
        <Tone role={warn ? 'warn' : 'muted'}>
          {warn ? 'Every item needs a match before confirming.' : 'Pick the matching right-hand side (number key) for each item.'}
        </Tone>
      ) : null}
      {question.pairs.map((pair, i) => {
        const focused = active && i === cursor;
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
              {verdict ? ` - ${verdict}` : ''}
            </Text>
          );
        }
        return (
          <Box key={i}>
            <Box width={2} flexShrink={0}>
              {focused ? <Tone role="cursor">{g.cursor}</Tone> : <Text> </Text>}
            </Box>
            <Text bold={focused}>
              {letter(i)}. {pair.left} {g.arrow} {pick < 0 ? <Tone role="muted">(none yet)</Tone> : rightLabel(pick)}
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
            <Text key={pair}>
              {'  '}
              {pos + 1}. {question.pairs[pair]!.right}
            </Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}
