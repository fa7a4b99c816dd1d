// Numeric: a typed number (digits, sign, decimal point, exponent); the unit is shown beside it.
import { Box } from 'ink';
import { Tone, useGlyphs } from './style.js';
import { TextField } from './TextField.js';
import type { WidgetProps } from './types.js';

export function NumericInput({ question, value, onChange, onSubmit, active = true, reveal = 'none' }: WidgetProps<'numeric'>) {
  const text = value?.text ?? '';
  const g = useGlyphs();
  return (
    <Box flexDirection="column">
      <TextField
        value={text}
        onChange={(t) => onChange({ type: 'numeric', text: t })}
        onSubmit={(t) => t.trim() && onSubmit?.({ type: 'numeric', text: t })}
        active={active && reveal === 'none'}
        accept={/[0-9.,eE+\-_]/}
        label={question.unit ? `Answer (${question.unit})` : 'Answer'}
        placeholder="type a number, then enter"
      />
      {reveal === 'answer' ? (
        <Tone role="muted">
          {g.bullet} Expected: {question.answer}
          {question.unit ? ` ${question.unit}` : ''}
          {question.tolerance > 0 ? ` (± ${question.tolerance})` : ''}
        </Tone>
      ) : null}
    </Box>
  );
}
