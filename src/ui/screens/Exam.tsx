// `ftlab exam`: start (or resume) a mock exam, take it, see the result, review it, browse history.
// The attempt in progress lives in the store (saved after every change), so leaving this screen —
// quitting, a crash, opening something else — always resumes where the learner was.
import { useState } from 'react';
import type { ScreenProps } from '../app/routes.js';
import { useAppEnv } from '../contexts/AppEnvContext.js';
import { useNavigation } from '../contexts/NavigationContext.js';
import {
  ExamDrawError,
  examHistory,
  notExamReason,
  resumeExam,
  startExam,
  type ExamAttemptRecord,
  type ExamMode,
  type ExamSession,
} from '../../core/exam/index.js';
import { openAppData } from '../../app/app-data.js';
import { ExamHistory } from './ExamHistory.js';
import { ExamResult } from './ExamResult.js';
import { ExamReview } from './ExamReview.js';
import { ExamRun } from './ExamRun.js';
import { ExamStart } from './ExamStart.js';

type View =
  | { kind: 'start'; notice?: string }
  | { kind: 'run'; session: ExamSession }
  | { kind: 'result'; attempt: ExamAttemptRecord; notice?: string }
  | { kind: 'review'; attempt: ExamAttemptRecord; which: 'all' | 'wrong' }
  | { kind: 'history'; from: View };

const clock = () => Date.now();

export default function Exam({ route }: ScreenProps<'exam'>) {
  const env = useAppEnv();
  const nav = useNavigation();
  const data = openAppData({ contentRoot: env.contentRoot, home: env.home });
  const lookup = data.content.questionById;
  const tryStart = (mode: ExamMode): { session: ExamSession } | { notice: string } => {
    try {
      return { session: startExam(data.store, data.content.questions, { mode }) };
    } catch (err) {
      // E.g. a bank too small for the mode (with what to do), or an exam started in another window.
      const message = err instanceof ExamDrawError ? `${err.message}. ${err.hint}` : (err as Error).message;
      return { notice: `Cannot start: ${message}` };
    }
  };
  const [view, setView] = useState<View>(() => {
    const resumed = resumeExam(data.store, lookup, clock());
    if (resumed.status === 'auto-submitted')
      return {
        kind: 'result',
        attempt: resumed.attempt,
        notice: 'Time ran out while ftlab was closed: the exam was submitted with the answers saved before the deadline.',
      };
    // `ftlab exam --short|--full` starts that exam at once; when it cannot, the start screen says why.
    if (route.mode) {
      if (resumed.status === 'in-progress')
        return {
          kind: 'start',
          notice: `A ${resumed.session.mode} exam is already in progress: resume it (r) or discard it (d) before a new ${route.mode} exam starts.`,
        };
      const started = tryStart(route.mode);
      if ('session' in started) return { kind: 'run', session: started.session };
      return { kind: 'start', notice: started.notice };
    }
    return { kind: 'start' };
  });
  // Re-read on every render of the start view: another window may have finished or started one.
  const saved =
    view.kind === 'start'
      ? (() => {
          const r = resumeExam(data.store, lookup, clock());
          return r.status === 'in-progress' ? r.session : undefined;
        })()
      : undefined;

  const submit = (session: ExamSession, auto: boolean) => {
    const attempt = session.submit(clock(), auto);
    setView({ kind: 'result', attempt, notice: auto ? 'Time is up: the exam was submitted automatically.' : undefined });
  };
  const history = (from: View) => setView({ kind: 'history', from });

  switch (view.kind) {
    case 'start':
      return (
        <ExamStart
          mode={route.mode}
          saved={saved}
          attempts={data.store.exams.attempts().length}
          questionCount={data.content.questions.filter((q) => notExamReason(q) === null).length}
          now={clock()}
          notice={view.notice}
          warnings={data.warnings}
          onStart={(mode: ExamMode) => {
            const started = tryStart(mode);
            setView('session' in started ? { kind: 'run', session: started.session } : { kind: 'start', notice: started.notice });
          }}
          onResume={() => saved && setView({ kind: 'run', session: saved })}
          onDiscard={() => {
            saved?.discard();
            setView({ kind: 'start', notice: 'The saved attempt was discarded.' });
          }}
          onHistory={() => history(view)}
        />
      );
    case 'run':
      return <ExamRun session={view.session} clock={clock} onSubmit={(auto) => submit(view.session, auto)} warnings={data.warnings} />;
    case 'result':
      return (
        <ExamResult
          attempt={view.attempt}
          notice={view.notice}
          onReview={(which) => setView({ kind: 'review', attempt: view.attempt, which })}
          onHistory={() => history(view)}
          onDone={() => {
            if (!nav.back()) nav.exit();
          }}
        />
      );
    case 'review':
      return (
        <ExamReview
          attempt={view.attempt}
          which={view.which}
          content={data.content}
          onClose={() => setView({ kind: 'result', attempt: view.attempt })}
        />
      );
    case 'history':
      return (
        <ExamHistory
          attempts={examHistory(data.store)}
          onOpen={(attempt) => setView({ kind: 'result', attempt })}
          onClose={() => setView(view.from)}
        />
      );
  }
}
