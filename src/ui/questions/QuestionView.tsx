// Shows any question: its prompt and the widget for its type (PartView.tsx maps the single-question
// types, a case goes to CaseStudy), so screens never switch on types themselves.
import { Box, Text } from 'ink';
import type { ReactElement } from 'react';
import { CaseStudy } from './CaseStudy.js';
import { partWidget, type QuestionViewProps } from './PartView.js';
import type { Answer } from './types.js';

export type { QuestionViewProps };
export { TYPE_LABEL } from './types.js';

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

function widgetFor(props: QuestionViewProps): ReactElement {
  const { question: q, value } = props;
  if (q.type !== 'case') return partWidget(props);
  const { layout, active, reveal, onChange, onSubmit } = props;
  const v = value && value.type === 'case' ? (value as Extract<Answer, { type: 'case' }>) : null;
  return <CaseStudy layout={layout} active={active} reveal={reveal} onChange={onChange} onSubmit={onSubmit} question={q} value={v} />;
}
