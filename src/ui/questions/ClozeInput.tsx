// Cloze: the prompt holds a ___ blank; the learner types the missing words and presses enter.
import { Box } from 'ink';
import { Tone, useGlyphs } from './style.js';
import { TextField } from './TextField.js';
import type { WidgetProps } from './types.js';

export function ClozeInput({ question, value, onChange, onSubmit, active = true, reveal = 'none' }: WidgetProps<'cloze'>) {
  const text = value?.text ?? '';
  const g = useGlyphs();
  return (
    <Box flexDirection="column">
      <TextField
        value={text}
        onChange={(t) => onChange({ type: 'cloze', text: t })}
        onSubmit={(t) => t.trim() && onSubmit?.({ type: 'cloze', text: t })}
        active={active && reveal === 'none'}
        placeholder="type the missing word(s), then enter"
      />
      {reveal === 'answer' ? (
        <Tone role="muted">
          {g.bullet} Accepted: {question.answers.join(' | ')}
          {question.case_sensitive ? ' (case-sensitive)' : ''}
        </Tone>
      ) : null}
    </Box>
  );
}
