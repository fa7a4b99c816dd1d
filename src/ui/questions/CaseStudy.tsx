// Case study: the scenario, then its sub-questions one after another. Enter on a part moves to the
// next; after the last part the whole case is submitted. [ and ] (ctrl+p / ctrl+n while typing)
// move between parts. After grading every part is shown with its answer.
import { Box, Text } from 'ink';
import { useState } from 'react';
import { is, isPrintable, useKeys } from './keys.js';
import { QuestionView, TYPE_LABEL } from './QuestionView.js';
import { Tone } from './style.js';
import type { Answer, WidgetProps } from './types.js';

export interface CaseStudyProps extends WidgetProps<'case'> {
  /** Controlled part index (optional); screens use it to know whether a text field has the keys. */
  part?: number;
  onPartChange?(part: number): void;
}

export function CaseStudy({ question, value, onChange, onSubmit, layout, active = true, reveal = 'none', part, onPartChange }: CaseStudyProps) {
  const parts = question.questions;
  const answers = value && value.answers.length === parts.length ? value.answers : parts.map(() => null);
  const [ownPart, setOwnPart] = useState(() => Math.max(0, answers.findIndex((a) => a === null)));
  const current = Math.min(parts.length - 1, part ?? ownPart);
  const setPart = (i: number) => {
    setOwnPart(i);
    onPartChange?.(i);
  };
  const sub = parts[current]!;
  const typing = sub.type === 'cloze' || sub.type === 'numeric';

  const setAnswer = (a: Answer): (Answer | null)[] => {
    const next = [...answers];
    next[current] = a;
    onChange({ type: 'case', answers: next });
    return next;
  };

  useKeys((name) => {
    if (typing && isPrintable(name)) return;
    if (is('subPrev', name) && current > 0) setPart(current - 1);
    else if (is('subNext', name) && current < parts.length - 1) setPart(current + 1);
  }, active && reveal === 'none');

  const header = (
    <Box flexDirection="column" marginBottom={1}>
      <Tone role="heading">Case: {question.prompt}</Tone>
      <Text>{question.scenario_text.trim()}</Text>
    </Box>
  );

  if (reveal === 'answer') {
    return (
      <Box flexDirection="column">
        {header}
        {parts.map((p, i) => (
          <Box key={p.id} flexDirection="column" marginBottom={1}>
            <Tone role="heading">
              Part {i + 1} of {parts.length} ({TYPE_LABEL[p.type]})
            </Tone>
            <QuestionView question={p} value={answers[i] ?? null} onChange={() => {}} layout={layout?.sub?.[i]} active={false} reveal="answer" />
          </Box>
        ))}
      </Box>
    );
  }

  return (
    <Box flexDirection="column">
      {header}
      <Tone role="heading">
        Part {current + 1} of {parts.length} ({TYPE_LABEL[sub.type]})
        {answers.filter((a) => a !== null).length ? ` · ${answers.filter((a) => a !== null).length} answered` : ''}
      </Tone>
      <QuestionView
        key={sub.id}
        question={sub}
        value={answers[current] ?? null}
        layout={layout?.sub?.[current]}
        active={active}
        onChange={setAnswer}
        onSubmit={(a) => {
          const next = setAnswer(a);
          const firstOpen = next.findIndex((x, i) => x === null && i !== current);
          if (current < parts.length - 1) setPart(current + 1);
          else if (firstOpen >= 0) setPart(firstOpen);
          else onSubmit?.({ type: 'case', answers: next });
        }}
      />
    </Box>
  );
}
