// Going through a finished attempt: each item with the learner's answer, the right answer and the
// explanation. n/p move; Esc returns to the result.
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { ContentIndex } from '../../core/content/loader.js';
import type { Question, SubQuestion } from '../../core/content/schema.js';
import { domainName, type ExamAttemptRecord, type ExamItemResult } from '../../core/exam/index.js';
import { layoutFor } from '../../core/quiz/shuffle.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { hit } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { QuestionView, TYPE_LABEL } from '../questions/QuestionView.js';
import { Scroller } from '../questions/Scroller.js';
import { Stack } from '../questions/Stack.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs } from '../contexts/UiContext.js';

export interface ExamReviewProps {
  attempt: ExamAttemptRecord;
  which: 'all' | 'wrong';
  content: ContentIndex;
  onClose(): void;
}

/** The question an item was about, from the current bank (it may have been removed since). */
function resolve(content: ContentIndex, item: ExamItemResult): { question?: Question | SubQuestion; parent?: Question } {
  const parent = content.questionById.get(item.question);
  if (!parent) return {};
  if (item.sub && parent.type === 'case') return { question: parent.questions.find((s) => s.id === item.sub), parent };
  return { question: parent };
}

export function ExamReview({ attempt, which, content, onClose }: ExamReviewProps) {
  const list = which === 'all' ? attempt.items : attempt.items.filter((i) => !i.correct);
  const [at, setAt] = useState(0);
  const g = useGlyphs();
  useKeypress(
    (k) => {
      if (hit(Command.NEXT_QUESTION, k)) setAt((i) => Math.min(list.length - 1, i + 1));
      else if (hit(Command.PREV_QUESTION, k)) setAt((i) => Math.max(0, i - 1));
      else if (hit(Command.BACK, k) || hit(Command.QUIT, k)) onClose();
      else return false;
      return true;
    },
    { priority: KeypressPriority.Low },
  );
  const item = list[at];
  const number = item ? attempt.items.indexOf(item) + 1 : 0;
  let body;
  if (!item) body = <Text>Nothing to review: every answer was right.</Text>;
  else {
    const { question, parent } = resolve(content, item);
    body = question ? (
      <Scroller key={item.key}>
        <Stack>
          <Text>
            {item.correct ? (
              <Tone role="ok">{g.right} right</Tone>
            ) : (
              <Tone role="bad">
                {g.wrong} {item.answered ? 'wrong' : 'not answered'}
              </Tone>
            )}
            <Tone role="muted">
              {' '}
              · {TYPE_LABEL[question.type]} · domain {item.domain}: {domainName(item.domain)}
              {item.flagged ? ' · was flagged' : ''}
            </Tone>
          </Text>
          {parent?.type === 'case' ? (
            <Box flexDirection="column">
              <Tone role="heading">Case: {parent.prompt}</Tone>
              <Text>{parent.scenario_text.trim()}</Text>
            </Box>
          ) : null}
          <Text bold>{question.prompt}</Text>
          <QuestionView
            key={item.key}
            question={question}
            value={item.answer ?? null}
            layout={attempt.seed === undefined ? undefined : layoutFor(question, attempt.seed)}
            onChange={() => {}}
            active={false}
            reveal="answer"
            hidePrompt
          />
          <Text> </Text>
          <Text>{question.explanation.trim()}</Text>
        </Stack>
      </Scroller>
    ) : (
      <Text>This question ({item.key}) is no longer in the question bank.</Text>
    );
  }
  return (
    <Screen
      title={`Exam review (${which === 'all' ? 'all questions' : 'wrong answers'})`}
      status={list.length ? `${at + 1} of ${list.length} · question ${number}` : ''}
      hints={[Command.NEXT_QUESTION, Command.PREV_QUESTION, Command.BACK]}
    >
      {body}
    </Screen>
  );
}
