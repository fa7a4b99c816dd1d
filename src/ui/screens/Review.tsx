// `ftlab review`: the cards due today (learning cards, reviews up to the daily limit, new cards up to
// the new-card limit), most overdue first, until none is left.
import type { Route, ScreenProps } from '../app/routes.js';
import { useAppEnv } from '../contexts/AppEnvContext.js';
import { openAppData } from '../../app/app-data.js';
import { dueLines, dueStatus } from '../../app/quiz-plan.js';
import { PracticeSession } from '../../app/practice-session.js';
import { PracticeScreen } from './QuizSession.js';

const sessions = new WeakMap<Route, PracticeSession>();

export default function Review({ route }: ScreenProps<'review'>) {
  const env = useAppEnv();
  const data = openAppData({ contentRoot: env.contentRoot, home: env.home });
  let session = sessions.get(route);
  if (!session) {
    session = new PracticeSession({ kind: 'review', data });
    sessions.set(route, session);
  }
  return (
    <PracticeScreen
      title="Review"
      session={session}
      data={data}
      status={(s) => dueStatus(s.queue(), data.deck.limits())}
      doneLines={(s) => dueLines(s.queue(), data.deck.limits(), Date.now())}
    />
  );
}
