// Shows any question: its prompt and the widget for its type. The one place that maps a question
// type to its widget, so screens never switch on types themselves.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { CaseStudy } from './CaseStudy.js';
import { ClozeInput } from './ClozeInput.js';
import { MatchPairs } from './MatchPairs.js';
import { MultiChoice } from './MultiChoice.js';
import { NumericInput } from './NumericInput.js';
import { OrderItems } from './OrderItems.js';
import { SingleChoice } from './SingleChoice.js';
import { TrueFalse } from './TrueFalse.js';
import type { Answer, AnyQuestion, Layout, Reveal } from './types.js';

export interface QuestionViewProps {
  question: AnyQuestion;
  value: Answer | null;
  onChange(value: Answer): void;
  onSubmit?(value: Answer): void;
  layout?: Layout;
  active?: boolean;
  reveal?: Reveal;
  /** Hide the prompt (the caller already shows it). */
  hidePrompt?: boolean;
}

export const TYPE_LABEL: Record<AnyQuestion['type'], string> = {
  single: 'Multiple choice',
  multi: 'Multiple response',
  truefalse: 'True or false',
  order: 'Ordering',
  match: 'Matching',
  cloze: 'Fill in the blank',
  numeric: 'Numeric answer',
  case: 'Case study',
};

export function QuestionView(props: QuestionViewProps) {
  const { question, hidePrompt } = props;
  return (
    <Box flexDirection="column">
      {hidePrompt || question.type === 'case' ? null : (
        <Box marginBottom={1}>
          <Text>{question.prompt}</Text>
        </Box>
      )}
      {widgetFor(props)}
    </Box>
  );
}

function widgetFor({ question: q, value, onChange, onSubmit, layout, active, reveal }: QuestionViewProps): ReactElement {
  const common = { layout, active, reveal, onChange: onChange as (v: never) => void, onSubmit: onSubmit as ((v: never) => void) | undefined };
  const v = (t: Answer['type']) => (value && value.type === t ? (value as never) : null);
  switch (q.type) {
    case 'single':
      return <SingleChoice {...common} question={q} value={v('single')} />;
    case 'multi':
      return <MultiChoice {...common} question={q} value={v('multi')} />;
    case 'truefalse':
      return <TrueFalse {...common} question={q} value={v('truefalse')} />;
    case 'order':
      return <OrderItems {...common} question={q} value={v('order')} />;
    case 'match':
      return <MatchPairs {...common} question={q} value={v('match')} />;
    case 'cloze':
      return <ClozeInput {...common} question={q} value={v('cloze')} />;
    case 'numeric':
      return <NumericInput {...common} question={q} value={v('numeric')} />;
    case 'case':
      return <CaseStudy {...common} question={q} value={v('case')} />;
  }
}
