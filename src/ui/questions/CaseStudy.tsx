// Case study: the scenario, then its sub-questions one after another. Enter on a part moves to the
// next; after the last part the whole case is submitted. [ and ] (ctrl+p / ctrl+n while typing)
// move between parts. After grading every part is shown with its answer.
import { Box, Text } from 'ink';
import { Command } from '../keys/keyBindings.js';
import { hit } from '../keys/keyMatchers.js';
import { useKeypress } from '../contexts/KeypressContext.js';
import { useLive, useLiveProp } from '../hooks/useLive.js';
import { PartView } from './PartView.js';
import { Tone } from '../components/Tone.js';
import { TYPE_LABEL, type Answer, type WidgetProps } from './types.js';

export interface CaseStudyProps extends WidgetProps<'case'> {
  /** Controlled part index (optional); screens use it to know whether a text field has the keys. */
  part?: number;
  onPartChange?(part: number): void;
}

export function CaseStudy({
  question,
  value,
  onChange,
  onSubmit,
  layout,
  active = true,
  reveal = 'none',
  part,
  onPartChange,
}: CaseStudyProps) {
  const parts = question.questions;
  const answers: Record<string, Answer> = value?.answers ?? {};
  const live = useLiveProp(answers);
  const ownPart = useLive(() =>
    Math.max(
      0,
      parts.findIndex((p) => !answers[p.id]),
    ),
  );
  const current = Math.min(parts.length - 1, part ?? ownPart.get());
  const setPart = (i: number) => {
    ownPart.set(i);
    onPartChange?.(i);
  };
  const sub = parts[current]!;

  const setAnswer = (a: Answer): Record<string, Answer> => {
    const next = { ...live.get(), [sub.id]: a };
    live.set(next);
    onChange({ type: 'case', answers: next });
    return next;
  };

  // A text field of a typed part takes printable keys first (higher priority), so [ and ] only
  // arrive here when no text field has the focus; ctrl+p / ctrl+n always do.
  useKeypress(
    (k) => {
      if (hit(Command.PART_PREV, k)) {
        if (current > 0) setPart(current - 1);
      } else if (hit(Command.PART_NEXT, k)) {
        if (current < parts.length - 1) setPart(current + 1);
      } else return false;
      return true;
    },
    { isActive: active && reveal === 'none' },
  );

  const header = (
    <Box flexDirection="column" marginBottom={1}>
      <Tone role="heading">Case: {question.prompt}</Tone>
      <Text>{question.scenario_text.trim()}</Text>
    </Box>
  );

  const answeredCount = parts.filter((p) => answers[p.id]).length;

  if (reveal === 'answer') {
    return (
      <Box flexDirection="column">
        {header}
        {parts.map((p, i) => (
          <Box key={p.id} flexDirection="column" marginBottom={1}>
            <Tone role="heading">
              Part {i + 1} of {parts.length} ({TYPE_LABEL[p.type]})
            </Tone>
            <PartView
              question={p}
              value={answers[p.id] ?? null}
              onChange={() => {}}
              layout={layout?.subs?.[p.id]}
              active={false}
              reveal="answer"
            />
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
        {answeredCount ? ` · ${answeredCount} of ${parts.length} answered` : ''}
      </Tone>
      <PartView
        key={sub.id}
        question={sub}
        value={answers[sub.id] ?? null}
        layout={layout?.subs?.[sub.id]}
        active={active}
        onChange={setAnswer}
        onSubmit={(a) => {
          const next = setAnswer(a);
          const firstOpen = parts.findIndex((p) => !next[p.id]);
          if (current < parts.length - 1) setPart(current + 1);
          else if (firstOpen >= 0) setPart(firstOpen);
          else onSubmit?.({ type: 'case', answers: next });
        }}
      />
    </Box>
  );
}
