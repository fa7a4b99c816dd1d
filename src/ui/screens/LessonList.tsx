// Lessons grouped by module, in reading order, with what is done and what is in progress.
import { Screen } from '../layouts/Screen.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { SelectList, type ListItem } from '../components/SelectList.js';
import { Command } from '../keys/keyBindings.js';
import { useNavigation } from '../contexts/NavigationContext.js';
import { useUi } from '../contexts/UiContext.js';
import { useAppData } from '../hooks/useAppData.js';
import { lessonListModel } from '../../app/lesson-list.js';
import { lastShownLesson } from '../hooks/useLastLesson.js';
import type { ScreenProps } from '../app/routes.js';

export default function LessonList({ route }: ScreenProps<'lessons'>) {
  const data = useAppData();
  const model = lessonListModel(data);
  const done = model.reduce((n, m) => n + m.lessons.filter((l) => l.status === 'done').length, 0);
  const total = model.reduce((n, m) => n + m.lessons.length, 0);
  return (
    <Screen
      title="Lessons"
      status={`${done}/${total} done`}
      hints={[Command.DOWN, Command.UP, Command.SELECT, Command.BACK]}
      moreKeys={[Command.TOP, Command.BOTTOM, Command.PAGE_DOWN, Command.PAGE_UP]}
    >
      <Body route={route} />
    </Screen>
  );
}

/** Lesson lists that opened a lesson: when one shows again, the reader is what it comes back from. */
const opened = new WeakSet<ScreenProps<'lessons'>['route']>();

function Body({ route }: { route: ScreenProps<'lessons'>['route'] }) {
  const moduleId = route.moduleId;
  const data = useAppData();
  const nav = useNavigation();
  const { height } = useBodySize();
  const { glyphs, options } = useUi();
  const model = lessonListModel(data);
  const items: ListItem<string>[] = [];
  for (const m of model) {
    items.push({
      key: `module:${m.id}`,
      label: `${m.title}  (${m.lessons.filter((l) => l.status === 'done').length}/${m.lessons.length})`,
      value: '',
      kind: 'heading',
    });
    for (const l of m.lessons) {
      const mark = l.status === 'done' ? glyphs.check : l.status === 'started' ? (glyphs.ascii ? '~' : '◐') : ' ';
      const word = l.status === 'done' ? 'done' : l.status === 'started' ? 'started' : 'new';
      items.push({
        key: l.id,
        label: l.title,
        mark: options.screenReader ? undefined : mark,
        detail: `${l.minutes} min · domain ${l.domain}${options.screenReader || l.status !== 'new' ? ` · ${word}` : ''}`,
        value: l.id,
      });
    }
  }
  if (items.length === 0)
    items.push({
      key: 'none',
      label: 'No lessons found in this content folder (ftlab content check explains why).',
      value: '',
      kind: 'heading',
    });
  const firstOfModule = moduleId ? model.find((m) => m.id === moduleId)?.lessons[0]?.id : undefined;
  const resume = model.flatMap((m) => m.lessons).find((l) => l.status === 'started')?.id;
  // Back from the reader, the cursor is on the lesson it showed last (n/p may have moved it on).
  const shown = opened.has(route) ? lastShownLesson() : undefined;
  const back = shown && items.some((i) => i.key === shown) ? shown : undefined;
  return (
    <SelectList
      items={items}
      height={height}
      initialKey={back ?? firstOfModule ?? resume}
      onSelect={(id) => {
        if (!id) return;
        opened.add(route);
        nav.push({ screen: 'lesson', lessonId: id });
      }}
    />
  );
}
