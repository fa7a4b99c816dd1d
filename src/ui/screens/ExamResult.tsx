// After submitting: pass/fail, the estimated scaled score (labelled as an estimate), the breakdown by
// domain, and the way into reviewing every question or only the wrong ones, and the attempt history.
import { Box, Text } from 'ink';
import { domainName, PASSING_SCALED, type ExamAttemptRecord } from '../../core/exam/index.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { hit, label } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { Stack } from '../questions/Stack.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs, useUi } from '../contexts/UiContext.js';

export interface ExamResultProps {
  attempt: ExamAttemptRecord;
  onReview(which: 'all' | 'wrong'): void;
  onHistory(): void;
  onDone(): void;
  notice?: string;
}

export function ExamResult({ attempt, onReview, onHistory, onDone, notice }: ExamResultProps) {
  const g = useGlyphs();
  const { screenReader } = useUi().options;
  const wrong = attempt.items.filter((i) => !i.correct).length;
  useKeypress(
    (k) => {
      if (hit(Command.EXAM_REVIEW_ALL, k)) onReview('all');
      else if (hit(Command.EXAM_REVIEW_WRONG, k) && wrong) onReview('wrong');
      else if (hit(Command.EXAM_HISTORY, k)) onHistory();
      else if (hit(Command.SUBMIT, k)) onDone();
      else return false;
      return true;
    },
    { priority: KeypressPriority.Low },
  );
  const pct = attempt.total ? Math.round((100 * attempt.correct) / attempt.total) : 0;
  const minutes = Math.round((attempt.submittedAt - attempt.startedAt) / 60_000);
  const barWidth = 20;
  return (
    <Screen
      title={`Exam result (${attempt.mode})`}
      status={new Date(attempt.submittedAt).toLocaleString()}
      hints={[{ command: Command.SUBMIT, label: 'done', help: 'done: leave the result' }]}
      moreKeys={[Command.EXAM_REVIEW_ALL, Command.EXAM_REVIEW_WRONG, Command.EXAM_HISTORY]}
    >
      <Stack>
        {notice ? <Tone role="warn">{notice}</Tone> : null}
        <Text>
          {attempt.passed ? <Tone role="ok">{g.right} PASS</Tone> : <Tone role="bad">{g.wrong} FAIL</Tone>}
          {'  '}
          {attempt.correct} of {attempt.total} right ({pct}%) in {minutes} min
          {attempt.autoSubmitted ? ' · submitted when time ran out' : ''}
        </Text>
        <Text>
          Estimated scaled score: {attempt.scaled} / 1000 (pass: {PASSING_SCALED})
        </Text>
        <Tone role="muted">An estimate, not the official score: AWS equates its scaled scores across exam forms.</Tone>
        <Text> </Text>
        <Tone role="heading">By domain</Tone>
        {attempt.byDomain.map((d) => {
          const share = d.total ? d.correct / d.total : 0;
          const filled = Math.round(share * barWidth);
          return screenReader ? (
            <Text key={d.domain}>
              Domain {d.domain}, {domainName(d.domain)}: {d.correct} of {d.total} ({Math.round(share * 100)}%)
            </Text>
          ) : (
            <Box key={d.domain}>
              <Box width={44} flexShrink={0} marginRight={1}>
                <Text wrap="truncate-end">
                  {d.domain}. {domainName(d.domain)}
                </Text>
              </Box>
              <Text>
                {'#'.repeat(filled)}
                {'.'.repeat(barWidth - filled)} {String(d.correct).padStart(2)}/{d.total} ({Math.round(share * 100)}%)
              </Text>
            </Box>
          );
        })}
        {attempt.notes.map((n, i) => (
          <Tone key={i} role="muted">
            {n}
          </Tone>
        ))}
        <Text> </Text>
        <Text>
          {label(Command.EXAM_REVIEW_ALL)} review all · {wrong ? `${label(Command.EXAM_REVIEW_WRONG)} review the ${wrong} wrong · ` : ''}
          {label(Command.EXAM_HISTORY)} attempt history · Enter done
        </Text>
      </Stack>
    </Screen>
  );
}
