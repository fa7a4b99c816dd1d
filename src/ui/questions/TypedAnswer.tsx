// A typed answer (cloze and numeric questions): one text field, enter submits a non-blank answer, and
// after grading a line saying what would have been accepted.
import { useState, type ReactNode } from 'react';
import { Box } from 'ink';
import { Tone } from '../components/Tone.js';
import { useGlyphs } from '../contexts/UiContext.js';
import { TextField } from './TextField.js';

export interface TypedAnswerProps {
  text: string;
  onChange(text: string): void;
  onSubmit?(text: string): void;
  active: boolean;
  revealed: boolean;
  /** Characters the field takes (numeric answers); anything by default. */
  accept?: RegExp;
  label?: string;
  placeholder: string;
  /** Shown after grading, after a bullet: "Accepted: …", "Expected: …". */
  reveal: ReactNode;
  /** Why the text cannot be submitted (a malformed number), shown instead of submitting it. */
  validate?(text: string): string | undefined;
}

export function TypedAnswer({
  text,
  onChange,
  onSubmit,
  active,
  revealed,
  accept,
  label,
  placeholder,
  reveal,
  validate,
}: TypedAnswerProps) {
  const g = useGlyphs();
  const [problem, setProblem] = useState<string | undefined>();
  return (
    <Box flexDirection="column">
      <TextField
        value={text}
        onChange={(t) => {
          setProblem(undefined);
          onChange(t);
        }}
        onSubmit={(t) => {
          const why = validate?.(t);
          setProblem(why);
          if (!why && t.trim()) onSubmit?.(t);
        }}
        active={active && !revealed}
        accept={accept}
        label={label}
        placeholder={placeholder}
      />
      {problem && !revealed ? <Tone role="warn">{problem}</Tone> : null}
      {revealed ? (
        <Tone role="muted">
          {g.bullet} {reveal}
        </Tone>
      ) : null}
    </Box>
  );
}
