// A one-line text input: typing inserts at the cursor, ←/→ Home/End move, Backspace deletes,
// Ctrl+U clears, Enter submits. Pasted text arrives as one chunk and is inserted whole.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { Command, KeypressPriority, hit, useKeys } from './keys.js';
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

  // High priority: letters typed here must never trigger shortcuts (q, ?, f, n …).
  useKeys(
    (k) => {
      if (hit(Command.SUBMIT, k)) onSubmit?.(value);
      else if (k.name === 'left' && !k.ctrl) setPos(Math.max(0, at - 1));
      else if (k.name === 'right' && !k.ctrl) setPos(Math.min(value.length, at + 1));
      else if (k.name === 'home') setPos(0);
      else if (k.name === 'end') setPos(value.length);
      else if (k.ctrl && k.name === 'u') {
        setPos(0);
        onChange('');
      } else if (k.name === 'backspace') {
        if (at > 0) {
          setPos(at - 1);
          onChange(value.slice(0, at - 1) + value.slice(at));
        }
      } else if (k.text && !k.ctrl && !k.meta) {
        const text = [...k.text.replace(/[\r\n]+/g, ' ')].filter((ch) => ch >= ' ' && (!accept || accept.test(ch))).join('');
        if (text) {
          setPos(at + text.length);
          onChange(value.slice(0, at) + text + value.slice(at));
        }
      } else return false;
      return true;
    },
    active,
    KeypressPriority.High,
  );

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
