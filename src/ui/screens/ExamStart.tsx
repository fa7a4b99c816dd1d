// Before an exam: choose short or full (or resume the saved attempt, or discard it after asking).
import { Text } from 'ink';
import { EXAM_MODES, type ExamMode, type ExamSession } from '../../core/exam/index.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { hit, label } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { useLive } from '../hooks/useLive.js';
import { Stack } from '../questions/Stack.js';
import { Tone } from '../components/Tone.js';
import { formatClock } from './ExamRun.js';

export interface ExamStartProps {
  /** Preselected by `ftlab exam --short|--full`. */
  mode?: ExamMode;
  /** The saved attempt, when one is in progress. */
  saved?: ExamSession;
  attempts: number;
  /** Questions a mock may draw (exam item types, not marked exam: false). */
  questionCount: number;
  now: number;
  notice?: string;
  warnings?: string[];
  onStart(mode: ExamMode): void;
  onResume(): void;
  onDiscard(): void;
  onHistory(): void;
}

export function ExamStart({
  mode,
  saved,
  attempts,
  questionCount,
  now,
  notice,
  warnings,
  onStart,
  onResume,
  onDiscard,
  onHistory,
}: ExamStartProps) {
  const chosenLive = useLive<ExamMode>(mode ?? 'short');
  const confirmLive = useLive(false);
  const setChosen = chosenLive.set;
  const setConfirmDiscard = confirmLive.set;
  useKeypress(
    (k) => {
      if (confirmLive.get()) {
        if (hit(Command.CONFIRM, k)) {
          setConfirmDiscard(false);
          onDiscard();
        } else if (hit(Command.CANCEL, k)) setConfirmDiscard(false);
        else return false;
        return true;
      }
      if (saved) {
        if (hit(Command.EXAM_RESUME, k) || hit(Command.SUBMIT, k)) onResume();
        else if (hit(Command.EXAM_DISCARD, k)) setConfirmDiscard(true);
        else if (hit(Command.EXAM_HISTORY, k)) onHistory();
        else return false;
        return true;
      }
      if (hit(Command.EXAM_START_SHORT, k)) onStart('short');
      else if (hit(Command.EXAM_START_FULL, k)) onStart('full');
      else if (hit(Command.UP, k) || hit(Command.DOWN, k)) setChosen((m) => (m === 'short' ? 'full' : 'short'));
      else if (hit(Command.SUBMIT, k)) onStart(chosenLive.get());
      else if (hit(Command.EXAM_HISTORY, k)) onHistory();
      else return false;
      return true;
    },
    { priority: KeypressPriority.Low },
  );

  const chosen = chosenLive.get();
  const confirmDiscard = confirmLive.get();
  if (saved) {
    const answered = saved.items.filter((i) => saved.isAnswered(i.key)).length;
    return (
      <Screen
        title="Mock exam"
        hints={[Command.BACK]}
        moreKeys={[Command.EXAM_RESUME, Command.EXAM_DISCARD, Command.EXAM_HISTORY, Command.CONFIRM, Command.CANCEL]}
        warnings={warnings}
      >
        <Stack>
          {notice ? <Tone role="warn">{notice}</Tone> : null}
          <Tone role="heading">An exam is in progress</Tone>
          <Text>
            {saved.mode} exam started {new Date(saved.startedAt).toLocaleString()}: {answered} of {saved.items.length} answered,{' '}
            {saved.flagged().length} flagged, {formatClock(saved.remainingMs(now))} left.
          </Text>
          <Tone role="muted">The clock kept running while ftlab was closed, as it would in a test centre.</Tone>
          <Text> </Text>
          {confirmDiscard ? (
            <Tone role="warn">
              Discard this attempt? It will not be scored or kept. {label(Command.CONFIRM, false, 1)} discard ·{' '}
              {label(Command.CANCEL, false, 1)} keep
            </Tone>
          ) : (
            <Text>
              {label(Command.EXAM_RESUME)} or Enter resume · {label(Command.EXAM_DISCARD)} discard · {label(Command.EXAM_HISTORY)} attempt
              history
            </Text>
          )}
        </Stack>
      </Screen>
    );
  }
  const row = (m: ExamMode, text: string) => (
    <Text inverse={chosen === m}>
      {chosen === m ? '>' : ' '} {text}
    </Text>
  );
  return (
    <Screen
      title="Mock exam"
      hints={[{ command: Command.SUBMIT, label: 'start', help: 'start the highlighted exam' }, Command.BACK]}
      moreKeys={[Command.EXAM_START_SHORT, Command.EXAM_START_FULL, Command.UP, Command.DOWN, Command.EXAM_HISTORY]}
      warnings={warnings}
    >
      <Stack>
        {notice ? <Tone role="warn">{notice}</Tone> : null}
        <Tone role="heading">AIF-C01 style mock exam</Tone>
        <Text>
          Scored items are drawn by the exam's domain weights (20/24/28/14/14 %) from the {questionCount} exam-type questions in the bank
          (multiple choice, multiple response, ordering, matching, case studies; each case part counts as a question). Questions you saw in
          earlier mocks come last. No feedback until you submit; answers are saved as you go, so you can quit and resume. At zero the exam
          is submitted automatically.
        </Text>
        <Text> </Text>
        {row(
          'short',
          `${label(Command.EXAM_START_SHORT)}  short: ${EXAM_MODES.short.questions} questions, ${EXAM_MODES.short.minutes} minutes`,
        )}
        {row(
          'full',
          `${label(Command.EXAM_START_FULL)}  full:  ${EXAM_MODES.full.questions} questions, ${EXAM_MODES.full.minutes} minutes (as the real exam)`,
        )}
        <Text> </Text>
        <Text>
          Enter start the highlighted one · {label(Command.EXAM_HISTORY)} attempt history ({attempts})
        </Text>
      </Stack>
    </Screen>
  );
}
