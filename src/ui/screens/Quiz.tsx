// `ftlab quiz`: questions chosen by lesson, module or domain (a seeded sample of n), answered with
// immediate feedback and rated into the spaced-repetition deck.
import { Box, Text } from 'ink';
import type { ScreenProps } from '../app/routes.js';
import type { Route } from '../app/routes.js';
import { useAppEnv } from '../contexts/AppEnvContext.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { openAppData } from '../../app/app-data.js';
import { describeQuizFilter, pickQuizQuestions } from '../../app/quiz-plan.js';
import { PracticeSession } from '../../app/practice-session.js';
import { PracticeScreen } from './QuizSession.js';

// Sessions outlive the screen component: opening a lesson unmounts the quiz, and coming back (the
// same route object on the navigation stack) must continue where the learner was.
const sessions = new WeakMap<Route, PracticeSession>();

export default function Quiz({ route }: ScreenProps<'quiz'>) {
  const env = useAppEnv();
  const data = openAppData({ contentRoot: env.contentRoot, home: env.home });
  const filter = { lesson: route.lesson, module: route.module, domain: route.domain, n: route.count };
  let session = sessions.get(route);
  if (!session) {
    const questions = pickQuizQuestions(data.content, filter);
    session = new PracticeSession({ kind: 'quiz', data, questions });
    sessions.set(route, session);
  }
  const title = `Quiz · ${describeQuizFilter(data.content, filter)}`;
  if (session.total === 0) {
    return (
      <Screen title={title} hints={[Command.BACK]} warnings={data.warnings}>
        <Box flexDirection="column">
          <Text>No questions match {describeQuizFilter(data.content, filter)}.</Text>
          <Text>Try another lesson, module or domain (ftlab quiz --help).</Text>
        </Box>
      </Screen>
    );
  }
  return (
    <PracticeScreen
      title={title}
      session={session}
      data={data}
      status={(s) => `${Math.min(s.number, s.total ?? 0)}/${s.total} · ${s.summary().correct} right`}
    />
  );
}
