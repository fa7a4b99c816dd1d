// Numeric: a typed number (digits, sign, decimal point, exponent); the unit is shown beside it. A
// malformed number ("2,", "1,0.5") is refused with a hint, never graded.
import { numberProblem } from '../../core/quiz/index.js';
import { TypedAnswer } from './TypedAnswer.js';
import type { WidgetProps } from './types.js';

export function NumericInput({ question, value, onChange, onSubmit, active = true, reveal = 'none' }: WidgetProps<'numeric'>) {
  const unit = question.unit ? ` ${question.unit}` : '';
  return (
    <TypedAnswer
      text={value?.text ?? ''}
      onChange={(text) => onChange({ type: 'numeric', text })}
      onSubmit={(text) => onSubmit?.({ type: 'numeric', text })}
      active={active}
      revealed={reveal === 'answer'}
      accept={/[0-9.,eE+\-_]/}
      validate={numberProblem}
      label={question.unit ? `Answer (${question.unit})` : 'Answer'}
      placeholder="type a number, then enter"
      reveal={`Expected: ${question.answer}${unit}${question.tolerance > 0 ? ` (± ${question.tolerance})` : ''}`}
    />
  );
}
