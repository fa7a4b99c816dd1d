// A one-line text input: typing inserts at the cursor, ←/→ Home/End move, Backspace deletes,
// Ctrl+U clears, Ctrl+W deletes the word before the cursor, Enter submits, Esc leaves the field (letters are then the screen's keys again) and
// Enter goes back into it. It tells the key system whether it is being typed in, so the footer shows
// only the keys that work where the cursor is.
import { Box, Text } from 'ink';
import { Command } from '../keys/keyBindings.js';
import { hit } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress, useReportField } from '../contexts/KeypressContext.js';
import { useLive, useLiveProp } from '../hooks/useLive.js';
import { Tone } from '../components/Tone.js';
import { useUi } from '../contexts/UiContext.js';

export interface TextFieldProps {
  value: string;
  onChange(value: string): void;
  onSubmit?(value: string): void;
  active?: boolean;
  /** Characters allowed (tested one by one); everything else is ignored. */
  accept?: RegExp;
  placeholder?: string;
  label?: string;
  /** Esc closes the field (a prompt that opens on demand) instead of leaving it on screen. */
  onLeave?(): void;
}

export function TextField({
  value,
  onChange,
  onSubmit,
  active = true,
  accept,
  placeholder = '',
  label = 'Answer',
  onLeave,
}: TextFieldProps) {
  const live = useLiveProp(value);
  const pos = useLive(value.length);
  const editing = useLive(true);
  useReportField(active ? (editing.get() ? 'typing' : 'left') : 'none');
  const { screenReader } = useUi().options;
  const at = Math.min(pos.get(), value.length);
  const change = (next: string, caret: number) => {
    live.set(next);
    pos.set(caret);
    onChange(next);
  };

  // High priority: letters typed here must never trigger shortcuts (q, ?, f, n …).
  useKeypress(
    (k) => {
      const v = live.get();
      const p = Math.min(pos.get(), v.length);
      if (!editing.get()) {
        if (!hit(Command.EDIT_FIELD, k)) return false;
        editing.set(true);
        return true;
      }
      if (hit(Command.LEAVE_FIELD, k)) {
        if (onLeave) onLeave();
        else editing.set(false);
      } else if (hit(Command.SUBMIT, k)) onSubmit?.(v);
      else if (k.name === 'left' && !k.ctrl) pos.set(Math.max(0, p - 1));
      else if (k.name === 'right' && !k.ctrl) pos.set(Math.min(v.length, p + 1));
      else if (k.name === 'home') pos.set(0);
      else if (k.name === 'end') pos.set(v.length);
      else if (k.ctrl && k.name === 'u') change('', 0);
      else if (k.ctrl && k.name === 'w') {
        // readline's Ctrl+W: the word before the cursor, and the spaces after it
        const start = v.slice(0, p).replace(/\S+\s*$|\s+$/, '').length;
        if (start < p) change(v.slice(0, start) + v.slice(p), start);
      } else if (k.name === 'backspace') {
        if (p > 0) change(v.slice(0, p - 1) + v.slice(p), p - 1);
      } else if (k.text && !k.ctrl && !k.meta) {
        const text = [...k.text.replace(/[\r\n]+/g, ' ')].filter((ch) => ch >= ' ' && (!accept || accept.test(ch))).join('');
        if (text) change(v.slice(0, p) + text + v.slice(p), p + text.length);
      } else return false;
      return true;
    },
    { isActive: active, priority: KeypressPriority.High },
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
      {active && !editing.get() ? (
        <Text>
          {value}
          <Tone role="muted"> (Enter to edit)</Tone>
        </Text>
      ) : active ? (
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
