// Every finished attempt, newest first; Enter opens one's result.
import { Box, Text } from 'ink';
import type { ExamAttemptRecord } from '../../core/exam/index.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { hit } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { useLive } from '../hooks/useLive.js';
import { Stack } from '../questions/Stack.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs } from '../contexts/UiContext.js';

export function ExamHistory({
  attempts,
  onOpen,
  onClose,
}: {
  attempts: ExamAttemptRecord[];
  onOpen(a: ExamAttemptRecord): void;
  onClose(): void;
}) {
  const live = useLive(0);
  const setCursor = live.set;
  const cursor = live.get();
  const g = useGlyphs();
  useKeypress(
    (k) => {
      if (hit(Command.DOWN, k)) setCursor((c) => Math.min(attempts.length - 1, c + 1));
      else if (hit(Command.UP, k)) setCursor((c) => Math.max(0, c - 1));
      else if (hit(Command.SUBMIT, k) && attempts[live.get()]) onOpen(attempts[live.get()]!);
      else if (hit(Command.BACK, k) || hit(Command.QUIT, k)) onClose();
      else return false;
      return true;
    },
    { priority: KeypressPriority.Low },
  );
  return (
    <Screen title="Exam history" status={`${attempts.length} attempt(s)`} hints={[Command.SELECT, Command.BACK]}>
      <Stack>
        <Tone role="muted">Scores are estimates on the 100-1000 scale (700 passes), not AWS's official scores.</Tone>
        {attempts.length === 0 ? <Text>No finished attempts yet.</Text> : null}
        {attempts.map((a, i) => (
          <Box key={a.id}>
            <Text inverse={i === cursor}>
              {i === cursor ? g.cursor : ' '} {new Date(a.submittedAt).toISOString().slice(0, 16).replace('T', ' ')} {a.mode.padEnd(5)}{' '}
              {String(a.correct).padStart(3)}/{String(a.total).padEnd(3)} ~{String(a.scaled).padStart(4)} {a.passed ? 'pass' : 'fail'}
              {a.autoSubmitted ? ' (time ran out)' : ''}
            </Text>
          </Box>
        ))}
      </Stack>
    </Screen>
  );
}
