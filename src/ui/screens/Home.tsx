// Home: today's numbers (due cards, streak, lessons), the next suggested step, the menu and
// progress per module. Everything is sized to the body, so 80×24 shows it all.
import { useEffect, useMemo, useState } from 'react';
import { Box, Text } from 'ink';
import { Screen } from '../layouts/Screen.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { SelectList, itemRows, type ListItem } from '../components/SelectList.js';
import { Command } from '../keys/keyBindings.js';
import { KeypressPriority, useCommands } from '../contexts/KeypressContext.js';
import { useNavigation } from '../contexts/NavigationContext.js';
import { useUi } from '../contexts/UiContext.js';
import { useAppEnv } from '../contexts/AppEnvContext.js';
import { homeSummary, type HomeSummary } from '../../app/home-summary.js';
import { homeDataIfReady, prepareHomeData, type HomeData } from '../../app/home-data.js';
import { percent, progressBar } from '../components/charts.js';
import type { Route, ScreenProps } from '../app/routes.js';

const MENU_HINTS = [Command.UP, Command.DOWN, Command.SELECT] as const;
const SHORTCUTS = [Command.GO_LEARN, Command.GO_REVIEW, Command.GO_QUIZ, Command.GO_EXAM, Command.GO_LABS, Command.GO_STATS] as const;

export default function Home(_props: ScreenProps<'home'>) {
  const env = useAppEnv();
  // Normally ready at once (prepared before the first frame, or cached); otherwise load it now.
  const [data, setData] = useState<HomeData | undefined>(() => homeDataIfReady(env));
  const [error, setError] = useState<Error | undefined>();
  useEffect(() => {
    if (!data) prepareHomeData(env).then(setData, setError);
  }, []);
  if (error) throw error;
  if (!data) {
    return (
      <Screen title="Home">
        <Text>Loading the course…</Text>
      </Screen>
    );
  }
  return <HomeReady data={data} />;
}

function HomeReady({ data }: { data: HomeData }) {
  const nav = useNavigation();
  // Recomputed whenever the home screen is shown again (after a review, a lesson…).
  const summary = useMemo(() => homeSummary(data), [data, nav.depth]);
  const go = (route: Route) => () => nav.push(route);
  useCommands(
    {
      [Command.GO_LEARN]: go({ screen: 'lessons' }),
      [Command.GO_REVIEW]: go({ screen: 'review' }),
      [Command.GO_QUIZ]: go({ screen: 'quiz', pick: true }),
      [Command.GO_EXAM]: go({ screen: 'exam' }),
      [Command.GO_LABS]: go({ screen: 'labs' }),
      [Command.GO_STATS]: go({ screen: 'stats' }),
    },
    { priority: KeypressPriority.Low },
  );
  const streak = summary.streak.current;
  return (
    <Screen
      title="Home"
      status={`${summary.due} due · streak ${streak} day${streak === 1 ? '' : 's'}`}
      hints={[...MENU_HINTS, ...SHORTCUTS.slice(0, 2)]}
      moreKeys={[...SHORTCUTS]}
      warnings={data.warnings}
    >
      <HomeBody summary={summary} onOpen={(r) => nav.push(r)} />
    </Screen>
  );
}

function HomeBody({ summary, onOpen }: { summary: HomeSummary; onOpen: (r: Route) => void }) {
  const { height, width, mode } = useBodySize();
  const { theme, glyphs, options } = useUi();
  const s = summary;
  const items: ListItem<Route>[] = [
    { key: 'next', label: `Next: ${s.next.label}`, value: s.next.route },
    { key: 'learn', label: 'Learn', detail: `lessons by module (${s.lessonsDone}/${s.lessons} done)  [l]`, value: { screen: 'lessons' } },
    { key: 'review', label: 'Review', detail: `${s.due} due, ${s.newToday} new today  [r]`, value: { screen: 'review' } },
    {
      key: 'quiz',
      label: 'Quiz',
      detail: 'practise a lesson, module, domain or question type  [z]',
      value: { screen: 'quiz', pick: true },
    },
    {
      key: 'exam',
      label: 'Exam',
      detail: `${s.exam ? `resume: ${s.exam.answered}/${s.exam.items} answered` : 'timed AIF-C01-style mock exam'}  [e]`,
      value: { screen: 'exam' },
    },
    { key: 'labs', label: 'Labs', detail: `${s.labs} hands-on lab${s.labs === 1 ? '' : 's'}  [a]`, value: { screen: 'labs' } },
    { key: 'stats', label: 'Stats', detail: 'charts of your progress  [s]', value: { screen: 'stats' } },
    { key: 'help', label: 'Help', detail: 'keys and how ftlab works  [?]', value: { screen: 'help' } },
  ];
  const headline = `Due now ${s.due}   New today ${s.newToday}   Streak ${s.streak.current} day${s.streak.current === 1 ? '' : 's'}${s.streak.activeToday ? ' ' + glyphs.check : ''}   Lessons ${s.lessonsDone}/${s.lessons}`;
  // Rows: headline, blank, menu, blank, module heading, modules.
  const menuRows = itemRows(items, width, options.screenReader).reduce((a, b) => a + b, 0);
  const moduleRows = Math.max(0, height - 2 - menuRows - 2);
  const shown = s.modules.slice(0, moduleRows - (s.modules.length > moduleRows ? 1 : 0));
  // Module names get what the bar (at least 6), "12/12 lessons" and "mastery 100%" leave: whole at 80
  // columns, cut (with a full "…" or "...") only on a narrower screen, where the full names are in Stats.
  // After the title and bar: three spaces, "12/12 lessons" padded to 12 and "mastery 100%" (narrow: "100%").
  const rest = 3 + 12 + (mode === 'narrow' ? 4 : 12);
  const titleW = Math.min(Math.max(8, ...s.modules.map((m) => m.title.length)), Math.max(8, width - 6 - rest));
  const barW = Math.max(6, Math.min(20, width - titleW - rest));
  const cutTitle = (t: string) =>
    t.length <= titleW
      ? t.padEnd(titleW)
      : t
          .slice(0, titleW - glyphs.ellipsis.length)
          .trimEnd()
          .padEnd(titleW - glyphs.ellipsis.length) + glyphs.ellipsis;
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {headline}
      </Text>
      <Text> </Text>
      <SelectList items={items} height={menuRows} onSelect={onOpen} />
      {moduleRows > 0 && (
        <>
          <Text> </Text>
          <Text bold color={theme.text.accent}>
            Progress by module
          </Text>
          {shown.map((m) => {
            const lessonsTxt = `${m.lessonsDone}/${m.lessons} lessons`;
            const masteryTxt = `mastery ${percent(m.mastery)}`;
            if (options.screenReader) {
              return (
                <Text key={m.id} wrap="truncate-end">
                  {m.title}: {lessonsTxt}, {masteryTxt}
                </Text>
              );
            }
            return (
              <Text key={m.id} wrap="truncate-end">
                {cutTitle(m.title)} <Text color={theme.chart.good}>{progressBar(m.lessonsDone, m.lessons, barW, glyphs)}</Text>{' '}
                {lessonsTxt.padEnd(12)} <Text color={theme.text.muted}>{mode === 'narrow' ? percent(m.mastery) : masteryTxt}</Text>
              </Text>
            );
          })}
          {s.modules.length > shown.length && (
            <Text color={theme.text.muted}>
              {glyphs.ellipsis} {s.modules.length - shown.length} more (see Stats)
            </Text>
          )}
        </>
      )}
    </Box>
  );
}
