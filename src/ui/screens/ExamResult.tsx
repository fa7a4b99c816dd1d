// After submitting: pass/fail, the estimated scaled score (labelled as an estimate), the breakdown by
// domain and by task statement (weakest first: what to study next), and the way into reviewing every
// question or only the wrong ones, and the attempt history.
import { Box, Text } from 'ink';
import { byTask, domainName, PASSING_SCALED, type ExamAttemptRecord } from '../../core/exam/index.js';
import { EXAM_TASKS } from '../../core/content/vocabulary.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { hit, label } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { Stack } from '../questions/Stack.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs, useUi } from '../contexts/UiContext.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { textWidth } from '../markdown/text.js';
import type { TaskScore } from '../../core/store/exams.js';

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
  // Attempts saved before tasks were kept have none; a damaged byTask falls back to the items.
  const tasks = Array.isArray(attempt.byTask) ? attempt.byTask : byTask(attempt.items);
  // Rows the rest of the result takes (the long lines wrap once at 80 columns), so the task list gets the rest.
  // A domain name longer than its column wraps under itself (domain 5's name is 52 characters).
  const domainRows = attempt.byDomain.reduce(
    (n, d) => n + Math.max(1, Math.ceil(textWidth(`${d.domain}. ${domainName(d.domain)}`) / NAME_WIDTH)),
    0,
  );
  const reservedRows = (notice ? 2 : 0) + 6 + domainRows + 2 * attempt.notes.length + 3;
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
              <Box width={NAME_WIDTH} flexShrink={0} marginRight={1}>
                <Text wrap="wrap">
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
        {tasks.length ? <TaskBreakdown tasks={tasks} reservedRows={reservedRows} /> : null}
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

/** Columns of the domain-name column in "By domain" (the bar and score take the rest of 78). */
const NAME_WIDTH = 44;

/**
 * Task statements, weakest first: what to study next. As many as fit below the rest of the result (each line
 * wraps, never cut); the full list is in `ftlab exam --json` and `ftlab stats`.
 */
function TaskBreakdown({ tasks, reservedRows }: { tasks: readonly TaskScore[]; reservedRows: number }) {
  const { width, height } = useBodySize();
  const lines = tasks.map(
    (t) =>
      `${t.task}  ${t.correct}/${t.total} (${Math.round((100 * t.correct) / t.total)}%)  ${EXAM_TASKS[t.task as keyof typeof EXAM_TASKS] ?? ''}`,
  );
  let room = Math.max(1, height - reservedRows - 2);
  const shown: string[] = [];
  for (const line of lines) {
    const rows = Math.max(1, Math.ceil(textWidth(line) / Math.max(1, width)));
    if (shown.length > 0 && rows > room) break;
    shown.push(line);
    room -= rows;
  }
  const more = lines.length - shown.length;
  return (
    <>
      <Text> </Text>
      <Tone role="heading">By task statement, weakest first{more ? ` (${shown.length} of ${lines.length}; all in ftlab stats)` : ''}</Tone>
      {shown.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
    </>
  );
}
