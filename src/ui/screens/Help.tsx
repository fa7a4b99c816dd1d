// Help: how ftlab is meant to be used (ratings, FSRS, daily limits, exam scoring), and every key in the
// key table.
import { useMemo } from 'react';
import { Screen } from '../layouts/Screen.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { ScrollView, SCROLL_KEYS } from '../components/ScrollView.js';
import { useUi } from '../contexts/UiContext.js';
import { Command, defaultKeyBindings, type CommandGroup } from '../keys/keyBindings.js';
import { formatBinding } from '../keys/keyMatchers.js';
import { wrapSpans, type Line } from '../markdown/text.js';
import type { ScreenProps } from '../app/routes.js';

const ABOUT = [
  'ftlab teaches LLM fine-tuning, evaluation and serving, and prepares the AWS AI Practitioner (AIF-C01) topics that cover them.',
  'A good day: review the cards that are due (r), read the next lesson (l), then quiz yourself on it (z from the end of the lesson). Take a mock exam (e) once a module is done; labs (a) make the ideas concrete on your own machine.',
  'Rating a card: after each answer, say how well you knew it. 1 Again: you did not (it comes back in minutes). 2 Hard: you got it, with effort. 3 Good: you knew it. 4 Easy: at once. Each button shows when the card would come back; Enter takes the proposed rating. A wrong answer proposes Again, and Good or Easy then need a second press: telling the scheduler you knew a card you missed only hides it from you. u takes back a grading before you rate, or the last rating after.',
  'Scheduling: ftlab uses FSRS, which estimates for every card how likely you are to remember it and brings it back just before that falls below your target (90% by default). Cards you know well come back after days, then weeks; a lapse (Again) starts the card over with short steps.',
  'Daily limits: each day introduces up to 20 new cards and up to 200 reviews (ftlab progress limits --new N --reviews N). New cards come from the lessons you have opened first, in course order (--new-order course: the whole course in order). Learning cards are never held back. The study day starts at 04:00.',
  'Mock exam: questions drawn by the AIF-C01 domain weights, timed, with no feedback until you submit. The result shows your share right, an ESTIMATED score on the 100-1000 scale (700 to pass; 70% right maps to 700, as an assumption: AWS equates its scale across exam forms and does not publish the cut), per-domain results and a review of every question.',
  'Progress is saved as you go, in FTLAB_HOME or your config folder: quitting or closing the terminal loses nothing.',
  'Flags: --screen-reader (plain text), --ascii (no box-drawing characters), NO_COLOR=1 (no colour), --content DIR (your own course).',
];

const GROUP_TITLES: Record<CommandGroup, string> = {
  General: 'Everywhere',
  Move: 'Moving around',
  Lesson: 'Lesson reader',
  Answer: 'Answering questions',
  Rate: 'Rating a card',
  Exam: 'Mock exam',
  'Exam menu': 'Mock exam: start and result screens',
  Dialog: 'Yes/no questions',
  Home: 'Home screen',
  'Lab steps': 'Lab instructions and checks',
  Lab: 'Lab screens',
};

export default function Help(_props: ScreenProps<'help'>) {
  return (
    <Screen title="Help" hints={[...SCROLL_KEYS.slice(0, 3)]} moreKeys={[...SCROLL_KEYS]}>
      <Body />
    </Screen>
  );
}

function Body() {
  const { width } = useBodySize();
  const { theme, options } = useUi();
  const lines = useMemo(() => {
    const out: Line[] = [];
    for (const p of ABOUT) {
      out.push(...wrapSpans([{ text: p }], width));
      out.push([]);
    }
    const groups = new Map<CommandGroup, Command[]>();
    for (const c of Object.values(Command)) {
      const g = defaultKeyBindings[c].group;
      groups.set(g, [...(groups.get(g) ?? []), c]);
    }
    for (const [g, cmds] of groups) {
      out.push([{ text: GROUP_TITLES[g], bold: true, color: theme.text.accent }]);
      for (const c of cmds) {
        const info = defaultKeyBindings[c];
        const keys = info.bindings.map((b) => formatBinding(b, options.ascii)).join(', ');
        out.push(
          ...wrapSpans(
            [{ text: keys.padEnd(22), bold: true }, { text: info.description }],
            width,
            [{ text: '  ' }],
            [{ text: ' '.repeat(24) }],
          ),
        );
      }
      out.push([]);
    }
    return out;
  }, [width, theme, options.ascii]);
  return <ScrollView lines={lines} />;
}
