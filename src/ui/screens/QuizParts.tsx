// Building blocks shared by the quiz and review screens: the question header, the rating buttons with
// their intervals, the feedback panel and the session summary.
import { Box, Text } from 'ink';
import type { LoadedQuestion } from '../../core/content/loader.js';
import type { IntervalPreview, RatingName, RatingValue } from '../../core/srs/index.js';
import { TYPE_LABEL } from '../questions/QuestionView.js';
import { RATING_LABELS, type Attempt, type SessionSummary } from '../../app/practice-session.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs, useUi } from '../contexts/UiContext.js';

export function QuestionHeader({ question, lessonTitle, position }: { question: LoadedQuestion; lessonTitle?: string; position?: string }) {
  return (
    <Box>
      <Tone role="muted">
        {position ? `${position} · ` : ''}
        {TYPE_LABEL[question.type]} · domain {question.domain} · {question.difficulty}
        {lessonTitle ? ` · ${lessonTitle}` : ''}
      </Tone>
    </Box>
  );
}

const NAMES: RatingName[] = ['again', 'hard', 'good', 'easy'];

/**
 * Again / Hard / Good / Easy, each with the interval it would schedule; the proposed one marked. After
 * a wrong answer (`wrong`) Good and Easy ask for a second press, and the bar says so.
 */
export function RatingBar({
  previews,
  proposed,
  wrong = false,
}: {
  previews: Record<RatingName, IntervalPreview>;
  proposed: RatingValue;
  wrong?: boolean;
}) {
  const { screenReader } = useUi().options;
  if (screenReader) {
    return (
      <Box flexDirection="column">
        <Text>Rate how well you knew it (Enter accepts the proposal):</Text>
        {NAMES.map((name, i) => (
          <Text key={name}>
            {i + 1}. {RATING_LABELS[i]}: next in {previews[name].label}
            {proposed === i + 1 ? ' (proposed)' : ''}
            {wrong && i >= 2 ? ' (press twice: the answer was wrong)' : ''}
          </Text>
        ))}
      </Box>
    );
  }
  // One Text (not a wrapping row of boxes) so Ink wraps it within the body width.
  return (
    <Text>
      {NAMES.map((name, i) => {
        const on = proposed === i + 1;
        const label = `${i + 1} ${RATING_LABELS[i]} ${previews[name].label}`;
        return (
          <Text key={name}>
            {i ? '  ' : ''}
            {on ? (
              <Text inverse bold>
                [{label}]
              </Text>
            ) : (
              ` ${label} `
            )}
          </Text>
        );
      })}
      <Tone role="muted">{`  Enter = ${RATING_LABELS[proposed - 1]}`}</Tone>
      {wrong ? <Tone role="muted">{'\n'}The answer was wrong: Good (3) and Easy (4) need a second press.</Tone> : null}
    </Text>
  );
}

/** Verdict line and per-item notes from the grader. */
export function Verdict({ attempt }: { attempt: Attempt }) {
  const g = useGlyphs();
  const { grade } = attempt;
  const secs = (attempt.answerMs / 1000).toFixed(1);
  const parts = grade.items.length;
  return (
    <Box flexDirection="column">
      <Text>
        {grade.correct ? (
          <Tone role="ok">{g.right} Correct</Tone>
        ) : (
          <Tone role="bad">
            {g.wrong} {grade.score > 0 ? 'Partly right' : 'Not right'}
          </Tone>
        )}
        {parts > 1 ? ` (${Math.round(grade.score * parts)} of ${parts} parts right)` : ''}
        <Tone role="muted"> · answered in {secs}s</Tone>
      </Text>
      {grade.items
        .filter((i) => !i.correct && i.feedback)
        .map((i) => (
          // A box, not leading spaces: a wrapped note keeps its indent (a hanging indent).
          <Box key={i.key} paddingLeft={2}>
            <Tone role="muted">
              {parts > 1 ? `${i.key.split('/').pop()}: ` : ''}
              {i.feedback}
            </Tone>
          </Box>
        ))}
    </Box>
  );
}

/** Many explanations end with "Lesson: <title>."; with the lesson line below, that would say it twice. */
export function withoutLessonTail(text: string): string {
  return text.trim().replace(/\s*Lesson: [^\n]*$/, '');
}

export function Explanation({ text, lessonTitle }: { text: string; lessonTitle?: string }) {
  return (
    <Box flexDirection="column">
      <Text>{lessonTitle ? withoutLessonTail(text) : text.trim()}</Text>
      {lessonTitle ? <Tone role="accent">Lesson: {lessonTitle} (press o to open it)</Tone> : null}
    </Box>
  );
}

export function SummaryView({ summary, extra }: { summary: SessionSummary; extra?: string[] }) {
  const pct = summary.answered ? Math.round((100 * summary.correct) / summary.answered) : 0;
  const avg = summary.answered ? (summary.totalMs / summary.answered / 1000).toFixed(1) : '0';
  return (
    <Box flexDirection="column">
      <Tone role="heading">Session summary</Tone>
      <Text>
        Answered {summary.answered} · correct {summary.correct} ({pct}%) · average {avg}s per card
      </Text>
      <Text>
        Ratings: Again {summary.byRating.again} · Hard {summary.byRating.hard} · Good {summary.byRating.good} · Easy {summary.byRating.easy}
      </Text>
      {(extra ?? []).map((l, i) => (
        <Text key={i}>{l}</Text>
      ))}
    </Box>
  );
}
