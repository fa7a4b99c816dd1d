// `ftlab quiz`: questions chosen by lesson, module, domain or question type (a seeded sample of n),
// answered with immediate feedback and rated into the spaced-repetition deck. From the home screen
// (`pick`) a picker comes first: what to practise, and how many questions (←/→).
import { Box, Text } from 'ink';
import { useState } from 'react';
import type { ScreenProps } from '../app/routes.js';
import type { Route } from '../app/routes.js';
import { useAppEnv } from '../contexts/AppEnvContext.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { openAppData, type AppData } from '../../app/app-data.js';
import {
  DEFAULT_QUIZ_SIZE,
  describeQuizFilter,
  matchingQuestions,
  pickQuizQuestions,
  QUESTION_TYPE_NAMES,
  type QuizFilter,
} from '../../app/quiz-plan.js';
import { QUESTION_TYPES } from '../../core/content/vocabulary.js';
import { SelectList, type ListItem } from '../components/SelectList.js';
import { KeypressPriority, useCommands } from '../contexts/KeypressContext.js';
import { useNavigation } from '../contexts/NavigationContext.js';
import { domainName } from '../../core/exam/index.js';
import { PracticeSession } from '../../app/practice-session.js';
import { PracticeScreen } from './QuizSession.js';
import { plural } from '../../shared/plural.js';

// Sessions outlive the screen component: opening a lesson unmounts the quiz, and coming back (the
// same route object on the navigation stack) must continue where the learner was.
const sessions = new WeakMap<Route, PracticeSession>();

export default function Quiz({ route }: ScreenProps<'quiz'>) {
  const env = useAppEnv();
  const data = openAppData({ contentRoot: env.contentRoot, home: env.home });
  if (route.pick) return <QuizPicker data={data} />;
  const filter = { lesson: route.lesson, module: route.module, domain: route.domain, type: route.type, n: route.count };
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
          <Text>Try another lesson, module, domain or question type (ftlab quiz --help).</Text>
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

const COUNTS = [5, 10, 15, 20, 30, 50];

/** What to practise (everything, a module, a lesson, a domain, a question type) and how many questions. */
function QuizPicker({ data }: { data: AppData }) {
  const [count, setCount] = useState(DEFAULT_QUIZ_SIZE);
  const step = (d: number) => setCount((c) => COUNTS[Math.max(0, Math.min(COUNTS.length - 1, COUNTS.indexOf(c) + d))]!);
  useCommands({ [Command.LEFT]: () => step(-1), [Command.RIGHT]: () => step(1) }, { priority: KeypressPriority.Low });
  return (
    <Screen
      title="Quiz · choose what to practise"
      status={plural(count, 'question')}
      hints={[
        Command.UP,
        Command.DOWN,
        { command: Command.SELECT, label: 'start' },
        { command: Command.RIGHT, label: 'more' },
        { command: Command.LEFT, label: 'fewer' },
        Command.BACK,
      ]}
      warnings={data.warnings}
    >
      <PickerList data={data} count={count} />
    </Screen>
  );
}

function PickerList({ data, count }: { data: AppData; count: number }) {
  const nav = useNavigation();
  const { height } = useBodySize();
  const c = data.content;
  const n = (f: QuizFilter) => matchingQuestions(c, f).length;
  const item = (key: string, label: string, f: QuizFilter): ListItem<QuizFilter> => ({
    key,
    label,
    detail: plural(n(f), 'question'),
    value: f,
  });
  const heading = (key: string, label: string): ListItem<QuizFilter> => ({ key, label, value: {}, kind: 'heading' });
  const items: ListItem<QuizFilter>[] = [item('all', 'Everything', {}), heading('h-mod', 'By module')];
  for (const m of data.lessonsInOrder.map((l) => l.module).filter((id, i, a) => a.indexOf(id) === i))
    items.push(item(`m:${m}`, c.moduleById.get(m)?.title ?? m, { module: m }));
  items.push(heading('h-dom', 'By AIF-C01 domain'));
  for (const d of [1, 2, 3, 4, 5]) if (n({ domain: d })) items.push(item(`d:${d}`, `Domain ${d}: ${domainName(d)}`, { domain: d }));
  items.push(heading('h-type', 'By question type'));
  for (const t of QUESTION_TYPES) if (n({ type: t })) items.push(item(`t:${t}`, QUESTION_TYPE_NAMES[t], { type: t }));
  items.push(heading('h-les', 'By lesson'));
  for (const l of data.lessonsInOrder) if (n({ lesson: l.id })) items.push(item(`l:${l.id}`, l.title, { lesson: l.id }));
  return (
    <Box flexDirection="column">
      <Text>Questions per quiz: {count} (←/→ to change). Enter starts.</Text>
      <SelectList
        items={items}
        height={Math.max(1, height - 1)}
        onSelect={(f) => nav.push({ screen: 'quiz', lesson: f.lesson, module: f.module, domain: f.domain, type: f.type, count })}
      />
    </Box>
  );
}
