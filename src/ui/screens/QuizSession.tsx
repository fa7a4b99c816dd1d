// The screen body shared by `ftlab quiz` and `ftlab review`: answer a card, see feedback with the
// explanation and the lesson link, rate it (each button shows its interval; Enter takes the proposed
// rating), undo the last rating, and a summary at the end.
import { Text } from 'ink';
import { useReducer } from 'react';
import type { RatingValue } from '../../core/srs/index.js';
import { useNavigation } from '../contexts/NavigationContext.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import type { AppData } from '../../app/app-data.js';
import { hit } from '../keys/keyMatchers.js';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { QuestionView } from '../questions/QuestionView.js';
import { Scroller } from '../questions/Scroller.js';
import { Stack } from '../questions/Stack.js';
import { attemptCorrect, type PracticeSession } from '../../app/practice-session.js';
import { Tone } from '../components/Tone.js';
import { Explanation, QuestionHeader, RatingBar, SummaryView, Verdict } from './QuizParts.js';

export interface PracticeScreenProps {
  title: string;
  session: PracticeSession;
  data: AppData;
  /** Right side of the title line (queue counts, limits). */
  status?: (session: PracticeSession) => string | string[];
  /** Extra summary lines at the end (e.g. when the next review is due). */
  doneLines?: (session: PracticeSession) => string[];
}

const RATE: Array<[Command, RatingValue]> = [
  [Command.RATE_AGAIN, 1],
  [Command.RATE_HARD, 2],
  [Command.RATE_GOOD, 3],
  [Command.RATE_EASY, 4],
];

export function PracticeScreen({ title, session, data, status, doneLines }: PracticeScreenProps) {
  const nav = useNavigation();
  const [, bump] = useReducer((x: number) => x + 1, 0);
  const act = (f: () => unknown) => {
    f();
    bump();
  };
  const pending = session.pending;
  const lessonOf = (id: string) => data.content.lessonById.get(id);

  // Screen-level keys (below the widgets, above the app's q/Esc fallback). They read the session
  // itself, not values captured at render time: several keys can arrive before the next render.
  useKeypress(
    (k) => {
      const waiting = session.pending;
      if (hit(Command.UNDO, k)) return (act(() => session.undo()), true);
      if (session.phase === 'feedback' && waiting) {
        const rating = RATE.find(([c]) => hit(c, k))?.[1];
        if (rating) return (act(() => session.rate(rating)), true);
        if (hit(Command.SUBMIT, k) || k.name === 'space') return (act(() => session.rate(waiting.proposed)), true);
        if (hit(Command.OPEN_LESSON, k) && lessonOf(waiting.question.lesson)) {
          // At the section the question cites ("lesson-id#section"), when it cites one of its lesson.
          const cited = waiting.question.sources.find((src) => src.startsWith(`${waiting.question.lesson}#`));
          nav.push({ screen: 'lesson', lessonId: waiting.question.lesson, ...(cited ? { anchor: cited.split('#')[1] } : {}) });
          return true;
        }
      }
      if (session.phase === 'done' && hit(Command.SUBMIT, k)) {
        if (!nav.back()) nav.exit();
        return true;
      }
      return false;
    },
    { priority: KeypressPriority.Low },
  );

  // An ordering question's footer says how to move items (they are its only non-obvious keys).
  const answerHints =
    session.question?.type === 'order'
      ? [Command.MOVE_ITEM_UP, Command.MOVE_ITEM_DOWN, Command.SUBMIT, Command.UNDO]
      : [Command.SUBMIT, Command.UNDO];
  const hints =
    session.phase === 'answer'
      ? answerHints
      : session.phase === 'feedback'
        ? [Command.RATE_AGAIN, Command.RATE_HARD, Command.RATE_GOOD, Command.RATE_EASY, Command.UNDO, Command.OPEN_LESSON]
        : [Command.UNDO, Command.BACK];
  const q = session.question;
  const position = session.total !== undefined ? `${session.number}/${session.total}` : `card ${session.number}`;

  let body;
  if (session.phase === 'done' || !q) {
    body = (
      <Stack>
        {session.notice ? <Tone role="warn">{session.notice}</Tone> : null}
        <SummaryView summary={session.summary()} extra={doneLines?.(session)} />
        <Text> </Text>
        <Tone role="muted">Enter or q: back · u: undo the last rating</Tone>
      </Stack>
    );
  } else if (session.phase === 'feedback' && pending) {
    const previews = session.previews()!;
    const lesson = lessonOf(pending.question.lesson);
    // Most important first; what does not fit scrolls (j/k, PgUp/PgDn).
    body = (
      <Scroller key={`${pending.question.id}:${session.history.length}`}>
        <Stack>
          <QuestionHeader question={pending.question} position={position} lessonTitle={lesson?.title} />
          <Text bold>{pending.question.prompt}</Text>
          <Verdict attempt={pending} />
          {/* next to what it explains: the verdict above ("counts as wrong") and the ratings below ("press 3 again") */}
          {session.notice ? <Tone role="warn">{session.notice}</Tone> : null}
          <RatingBar previews={previews} proposed={pending.proposed} wrong={!attemptCorrect(pending)} />
          <Text> </Text>
          <Explanation text={pending.question.explanation} lessonTitle={lesson?.title} />
          <Text> </Text>
          <QuestionView
            key={`${pending.question.id}:fb`}
            question={pending.question}
            value={pending.answer}
            layout={pending.layout}
            onChange={() => {}}
            active={false}
            reveal="answer"
            hidePrompt
          />
        </Stack>
      </Scroller>
    );
  } else {
    body = (
      <Stack>
        <QuestionHeader question={q} position={position} lessonTitle={lessonOf(q.lesson)?.title} />
        {session.notice ? <Tone role="warn">{session.notice}</Tone> : null}
        <QuestionView
          key={`${q.id}:${session.history.length}`}
          question={q}
          value={session.draft}
          layout={session.layout}
          onChange={(a) => act(() => session.setDraft(a))}
          onSubmit={(a) => act(() => session.submit(a))}
        />
      </Stack>
    );
  }

  return (
    <Screen
      title={title}
      status={status?.(session)}
      hints={hints}
      moreKeys={[
        Command.TOGGLE,
        Command.MOVE_ITEM_UP,
        Command.MOVE_ITEM_DOWN,
        Command.ANSWER_TRUE,
        Command.ANSWER_FALSE,
        Command.PART_PREV,
        Command.PART_NEXT,
      ]}
      warnings={data.warnings}
    >
      {body}
    </Screen>
  );
}
