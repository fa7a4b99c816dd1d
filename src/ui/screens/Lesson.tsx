// The lesson reader. The lesson is rendered to styled lines once per width (useMemo); a keypress
// only moves `top`, and only the rows that fit the body are handed to Ink — so a 2,000-line lesson
// scrolls as fast as a short one. The position is saved (as a Markdown source line, so it survives a
// different terminal width) shortly after scrolling stops and when the reader closes.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { Screen, bodySizeFor } from '../layouts/Screen.js';
import { SelectList } from '../components/SelectList.js';
import { StyledLine } from '../components/StyledLine.js';
import { Command } from '../keys/keyBindings.js';
import { KeypressPriority, useCommands } from '../contexts/KeypressContext.js';
import { useNavigation } from '../contexts/NavigationContext.js';
import { useUi } from '../contexts/UiContext.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { useShownLesson } from '../hooks/useLastLesson.js';
import { useAppData } from '../hooks/useAppData.js';
import { findLesson, lineForSource, neighbours, setCompleted, unknownLessonHint } from '../../app/lessons.js';
import { lessonProgress } from '../../app/app-data.js';
import { renderMarkdown, type RenderedDoc } from '../markdown/render.js';
import type { Line } from '../markdown/text.js';
import type { ScreenProps } from '../app/routes.js';
import type { Theme } from '../theme/tokens.js';
import type { Glyphs } from '../theme/glyphs.js';

const HINTS = [Command.DOWN, Command.UP, Command.PAGE_DOWN, Command.TOC, Command.MARK_COMPLETE, Command.QUIZ_LESSON] as const;
const MORE = [
  Command.PAGE_UP,
  Command.HALF_PAGE_DOWN,
  Command.HALF_PAGE_UP,
  Command.TOP,
  Command.BOTTOM,
  Command.NEXT_LESSON,
  Command.PREV_LESSON,
] as const;
const SAVE_DELAY_MS = 700;

export default function LessonScreen({ route }: ScreenProps<'lesson'>) {
  const data = useAppData();
  const lesson = findLesson(data, route.lessonId);
  if (!lesson) {
    return (
      <Screen title="Lesson not found" hints={[Command.BACK]}>
        <Text>
          There is no lesson with id "{route.lessonId}": {unknownLessonHint(data, route.lessonId)}
        </Text>
      </Screen>
    );
  }
  return <Reader key={lesson.id} lessonId={lesson.id} anchor={route.anchor} />;
}

/** The lines after the lesson body: what to do next. */
/**
 * The line of `to` that shows what line `top` of `from` showed: the same Markdown block (source line),
 * at the same share of its wrapped lines. Lines after the doc (the end block) keep their distance from
 * its end.
 */
export function mapTop(from: RenderedDoc, to: RenderedDoc, top: number): number {
  if (top <= 0) return 0;
  const n = from.sourceLines.length;
  if (top >= n) return to.sourceLines.length + (top - n);
  const source = from.sourceLines[top]!;
  const start = from.sourceLines.indexOf(source);
  const length = from.sourceLines.lastIndexOf(source) - start + 1;
  const newStart = lineForSource(to.sourceLines, source);
  const newLength = to.sourceLines[newStart] === source ? to.sourceLines.lastIndexOf(source) - newStart + 1 : 1;
  return newStart + Math.min(newLength - 1, Math.floor(((top - start) / length) * newLength));
}

function endBlock(opts: { completed: boolean; next?: string; theme: Theme; glyphs: Glyphs; width: number }): Line[] {
  const { theme, glyphs } = opts;
  return [
    [],
    [{ text: glyphs.hr.repeat(Math.max(10, opts.width)), color: theme.border.default }],
    [
      { text: 'End of lesson', bold: true },
      { text: opts.completed ? `  ${glyphs.check} completed` : '', color: theme.status.success },
    ],
    [{ text: '  c ', bold: true }, { text: opts.completed ? 'mark as not complete' : 'mark this lesson complete' }],
    [{ text: '  z ', bold: true }, { text: 'quiz me on this lesson' }],
    ...(opts.next ? [[{ text: '  n ', bold: true }, { text: `next lesson: ${opts.next}` }]] : []),
  ];
}

function Reader({ lessonId, anchor }: { lessonId: string; anchor?: string }) {
  const data = useAppData();
  useShownLesson(lessonId);
  const nav = useNavigation();
  const { theme, glyphs, options } = useUi();
  const { columns, rows } = useTerminalSize();
  const lesson = findLesson(data, lessonId)!;
  const { prev, next } = neighbours(data, lessonId);
  const body = bodySizeFor(columns, rows, options.screenReader);
  const height = body.height;

  const doc: RenderedDoc = useMemo(
    () => renderMarkdown(lesson.tokens, { width: body.width, theme, glyphs, screenReader: options.screenReader }),
    [lesson, body.width, theme, glyphs, options.screenReader],
  );
  const [completed, setCompletedState] = useState(() => lessonProgress(data, lessonId).completedAt !== undefined);
  const lines = useMemo(
    () => [...doc.lines, ...endBlock({ completed, next: next?.title, theme, glyphs, width: body.width })],
    [doc, completed, next?.title, theme, glyphs, body.width],
  );
  const maxTop = Math.max(0, lines.length - height);

  // Start where the learner left off (or at the anchor asked for).
  // `top` is an index into the lines of the doc it was set for; after a resize re-wraps the lesson, it is
  // carried over to the new doc (mapTop) so the line at the top of the reader stays the same text.
  const [pos, setPos] = useState(() => {
    if (anchor) {
      const h = doc.headings.find((x) => x.slug === anchor);
      if (h) return { top: h.line, doc };
    }
    const saved = lessonProgress(data, lessonId).position;
    return { top: saved ? lineForSource(doc.sourceLines, saved) : 0, doc };
  });
  const docRef = useRef(doc);
  docRef.current = doc;
  const top = pos.doc === doc ? pos.top : mapTop(pos.doc, doc, pos.top);
  if (pos.doc !== doc) setPos({ top, doc });
  const setTop = (next: number | ((t: number) => number)) =>
    setPos((p) => {
      const d = docRef.current;
      const base = p.doc === d ? p.top : mapTop(p.doc, d, p.top);
      return { top: typeof next === 'function' ? next(base) : next, doc: d };
    });
  const clampedTop = Math.min(top, maxTop);
  const [tocOpen, setTocOpen] = useState(false);
  const [flash, setFlash] = useState<string | undefined>();

  // Save the position: debounced while scrolling, and once more on close.
  const sourceAtTop = doc.sourceLines[Math.min(clampedTop, doc.sourceLines.length - 1)] ?? 0;
  const latest = useRef(sourceAtTop);
  latest.current = clampedTop === 0 ? 0 : sourceAtTop;
  const saved = useRef<number | undefined>(undefined);
  const save = () => {
    if (saved.current === latest.current) return;
    saved.current = latest.current;
    try {
      data.store.settings.setLessonPosition(lessonId, latest.current);
    } catch {
      /* a busy lock must not crash the reader; the next save retries */
      saved.current = undefined;
    }
  };
  useEffect(() => {
    const t = setTimeout(save, SAVE_DELAY_MS);
    return () => clearTimeout(t);
  }, [sourceAtTop]);
  useEffect(() => () => save(), []);

  const scroll = (delta: number) => {
    setFlash(undefined);
    setTop((t) => Math.max(0, Math.min(maxTop, Math.min(t, maxTop) + delta)));
  };
  const completedRef = useRef(completed);
  const toggleComplete = () => {
    const now = !completedRef.current;
    completedRef.current = now;
    setCompleted(data, lessonId, now);
    setCompletedState(now);
    setFlash(now ? `${glyphs.check} Marked complete` : 'Marked as not complete');
  };
  useCommands(
    {
      [Command.DOWN]: () => scroll(1),
      [Command.UP]: () => scroll(-1),
      [Command.PAGE_DOWN]: () => scroll(Math.max(1, height - 1)),
      [Command.PAGE_UP]: () => scroll(-Math.max(1, height - 1)),
      [Command.HALF_PAGE_DOWN]: () => scroll(Math.max(1, Math.floor(height / 2))),
      [Command.HALF_PAGE_UP]: () => scroll(-Math.max(1, Math.floor(height / 2))),
      [Command.TOP]: () => scroll(-lines.length),
      [Command.BOTTOM]: () => scroll(lines.length),
      [Command.TOC]: () => setTocOpen(true),
      [Command.MARK_COMPLETE]: toggleComplete,
      [Command.QUIZ_LESSON]: () => nav.push({ screen: 'quiz', lesson: lessonId }),
      [Command.NEXT_LESSON]: () => (next ? nav.replace({ screen: 'lesson', lessonId: next.id }) : false),
      [Command.PREV_LESSON]: () => (prev ? nav.replace({ screen: 'lesson', lessonId: prev.id }) : false),
    },
    { isActive: !tocOpen, priority: KeypressPriority.Low },
  );
  useCommands(
    { [Command.BACK]: () => setTocOpen(false), [Command.TOC]: () => setTocOpen(false) },
    { isActive: tocOpen, priority: KeypressPriority.Normal },
  );

  const pct = maxTop === 0 ? 100 : Math.round((clampedTop / maxTop) * 100);
  const lastShown = Math.min(lines.length, clampedTop + height);
  // Most important first: on a narrow line the minutes go, then the line position, never the percentage.
  const status = [
    ...(flash ? [flash] : []),
    `${completed ? glyphs.check + ' ' : ''}${pct}%`,
    `${lastShown}/${lines.length}`,
    `${lesson.minutes} min`,
  ];
  const visible = lines.slice(clampedTop, clampedTop + height);
  return (
    <Screen title={lesson.title} status={status} hints={HINTS} moreKeys={MORE}>
      {tocOpen ? (
        <Box flexDirection="column">
          <Text bold color={theme.text.accent}>
            Contents — Enter jumps, Esc closes
          </Text>
          <SelectList
            height={Math.max(1, height - 1)}
            items={doc.headings.map((h) => ({ key: h.slug, label: `${'  '.repeat(Math.max(0, h.level - 1))}${h.text}`, value: h.line }))}
            initialKey={[...doc.headings].reverse().find((h) => h.line <= clampedTop)?.slug}
            onSelect={(line) => {
              setTop(Math.min(line, maxTop));
              setTocOpen(false);
            }}
          />
        </Box>
      ) : (
        <Box flexDirection="column">
          {visible.map((line, i) => (
            <StyledLine key={clampedTop + i} line={line} />
          ))}
        </Box>
      )}
    </Screen>
  );
}
