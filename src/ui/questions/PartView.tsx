// The widgets of the single-question types, by type. QuestionView uses it for a question on its own
// and CaseStudy for each part of a case (a part is never itself a case), so neither imports the other.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
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

/** A case part (or any non-case question) with its prompt unless hidden. */
export function PartView(props: QuestionViewProps) {
  return (
    <Box flexDirection="column">
      {props.hidePrompt ? null : (
        <Box marginBottom={1}>
          <Text>{props.question.prompt}</Text>
        </Box>
      )}
      {partWidget(props)}
    </Box>
  );
}

export function partWidget({ question: q, value, onChange, onSubmit, layout, active, reveal }: QuestionViewProps): ReactElement {
  const common = {
    layout,
    active,
    reveal,
    onChange: onChange as (v: never) => void,
    onSubmit: onSubmit as ((v: never) => void) | undefined,
  };
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
      throw new Error(`case ${q.id} cannot be a part of another case`);
  }
}
