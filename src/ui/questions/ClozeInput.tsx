// Cloze: the prompt holds a ___ blank; the learner types the missing words and presses enter.
import { TypedAnswer } from './TypedAnswer.js';
import type { WidgetProps } from './types.js';

export function ClozeInput({ question, value, onChange, onSubmit, active = true, reveal = 'none' }: WidgetProps<'cloze'>) {
  return (
    <TypedAnswer
      text={value?.text ?? ''}
      onChange={(text) => onChange({ type: 'cloze', text })}
      onSubmit={(text) => onSubmit?.({ type: 'cloze', text })}
      active={active}
      revealed={reveal === 'answer'}
      placeholder="type the missing word(s), then enter"
      reveal={`Accepted: ${question.answers.join(' | ')}${question.case_sensitive ? ' (case-sensitive)' : ''}`}
    />
  );
}
