// A one-line text input: typing inserts at the cursor, ←/→ home/end move, backspace deletes,
// ctrl+u clears, enter submits. Pasted text arrives as one chunk and is inserted whole.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { useKeys } from './keys.js';
import { Tone, usePracticeStyle } from './style.js';

export interface TextFieldProps {
  value: string;
  onChange(value: string): void;
  onSubmit?(value: string): void;
  active?: boolean;
  /** Characters allowed (tested one by one); everything else is ignored. */
  accept?: RegExp;
  placeholder?: string;
  label?: string;
}

export function TextField({ value, onChange, onSubmit, active = true, accept, placeholder = '', label = 'Answer' }: TextFieldProps) {
  const [pos, setPos] = useState(value.length);
  const { screenReader } = usePracticeStyle();
  const at = Math.min(pos, value.length);

  useKeys((name, input, key) => {
    if (name === 'enter') return onSubmit?.(value);
    if (name === 'left') return setPos(Math.max(0, at - 1));
    if (name === 'right') return setPos(Math.min(value.length, at + 1));
    if (name === 'home' || name === 'ctrl+a') return setPos(0);
    if (name === 'end' || name === 'ctrl+e') return setPos(value.length);
    if (name === 'ctrl+u') {
      setPos(0);
      return onChange('');
    }
    if (name === 'backspace') {
      if (at === 0) return;
      setPos(at - 1);
      return onChange(value.slice(0, at - 1) + value.slice(at));
    }
    if (key.ctrl || key.meta || key.escape || key.tab || !input) return;
    const text = [...input.replace(/[\r\n]+/g, ' ')].filter((ch) => ch >= ' ' && (!accept || accept.test(ch))).join('');
    if (!text) return;
    setPos(at + text.length);
    onChange(value.slice(0, at) + text + value.slice(at));
  }, active);

  if (screenReader) {
    return (
      <Text>
        {label}: {value || '(empty)'}
      </Text>
    );
  }
  const before = value.slice(0, at);
  const under = value.slice(at, at + 1) || ' ';
  const after = value.slice(at + 1);
  return (
    <Box>
      <Text>{label}: </Text>
      {value === '' && !active ? <Tone role="muted">{placeholder || '(empty)'}</Tone> : null}
      {active ? (
        <Text>
          {before}
          <Text inverse>{under}</Text>
          {after}
          {value === '' && placeholder ? <Tone role="muted"> {placeholder}</Tone> : null}
        </Text>
      ) : (
        <Text>{value}</Text>
      )}
    </Box>
  );
}
