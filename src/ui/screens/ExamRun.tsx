// The exam in progress: one item at a time (case sub-questions show their scenario), answers saved
// as they change, flags, a countdown in the title line that submits the exam at zero, and the
// navigator and submit confirmation as overlays of the same screen. No feedback before the end.
import { Box, Text } from 'ink';
import { useEffect, useReducer } from 'react';
import { domainName, ExamTimeUpError, type ExamSession } from '../../core/exam/index.js';
import { Command } from '../keys/keyBindings.js';
import { Screen } from '../layouts/Screen.js';
import { useBodySize } from '../hooks/useBodySize.js';
import { useTicker } from '../hooks/useTicker.js';
import { hit, keyLabel } from '../keys/keyMatchers.js';
import { KeypressPriority, useFieldState, useKeypress } from '../contexts/KeypressContext.js';
import { QuestionView, TYPE_LABEL } from '../questions/QuestionView.js';
import { useLive } from '../hooks/useLive.js';
import { Stack } from '../questions/Stack.js';
import { Tone } from '../components/Tone.js';
import { useGlyphs, useUi } from '../contexts/UiContext.js';
import type { Answer } from '../questions/types.js';
import { plural } from '../../shared/plural.js';

export function formatClock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

export interface ExamRunProps {
  session: ExamSession;
  clock: () => number;
  /** Submit (auto = the clock ran out). */
  onSubmit(auto: boolean): void;
  warnings?: string[];
}

type Overlay = 'none' | 'navigator' | 'confirm';

export function ExamRun({ session, clock, onSubmit, warnings }: ExamRunProps) {
  const [, bump] = useReducer((x: number) => x + 1, 0);
  const overlay = useLive<Overlay>('none');
  const setOverlay = overlay.set;
  const now = useTicker(1000, clock);
  const remaining = session.remainingMs(now);
  const items = session.items;
  const item = items[session.current]!;
  const answered = items.filter((i) => session.isAnswered(i.key)).length;
  const g = useGlyphs();
  // In a text field letters are typed: name only the keys that work there.
  const typing = useFieldState() === 'typing';
  const label = (c: Command, max = 2) => keyLabel(c, { max, typing });

  // The clock submits at zero, whatever is on screen.
  useEffect(() => {
    if (remaining <= 0) onSubmit(true);
  }, [remaining <= 0]);

  const guard = (f: () => void) => {
    try {
      f();
    } catch (err) {
      if (err instanceof ExamTimeUpError) return onSubmit(true);
      throw err;
    }
    bump();
  };
  const go = (index: number) => guard(() => session.goTo(index, clock()));
  const save = (key: string, a: Answer) => guard(() => session.answer(key, a, clock()));

  useKeypress(
    (k) => {
      if (overlay.get() !== 'none') return false;
      if (hit(Command.NEXT_QUESTION, k)) return (go(Math.min(items.length - 1, session.current + 1)), true);
      if (hit(Command.PREV_QUESTION, k)) return (go(Math.max(0, session.current - 1)), true);
      if (hit(Command.FLAG, k)) return (guard(() => session.toggleFlag(items[session.current]!.key, clock())), true);
      if (hit(Command.NAVIGATOR, k)) return (setOverlay('navigator'), true);
      if (hit(Command.EXAM_FINISH, k)) return (setOverlay('confirm'), true);
      return false;
    },
    { priority: KeypressPriority.Low },
  );

  const flagged = session.isFlagged(item.key);
  // Most important first: which question and the clock stay when the line is narrow.
  const flaggedCount = session.flagged().length;
  const status = [
    `${formatClock(remaining)} left`,
    `${answered}/${items.length} answered`,
    ...(flaggedCount ? [`${flaggedCount} flagged`] : []),
  ];
  const title = `Exam (${session.mode}) · question ${session.current + 1} of ${items.length}`;
  const titleShort = `Question ${session.current + 1} of ${items.length}`;

  let body;
  if (overlay.get() === 'navigator') {
    body = <ExamNavigator session={session} onPick={(i) => (go(i), setOverlay('none'))} onClose={() => setOverlay('none')} />;
  } else if (overlay.get() === 'confirm') {
    body = (
      <ExamConfirm
        session={session}
        onConfirm={() => onSubmit(false)}
        onCancel={() => setOverlay('none')}
        onPick={(i) => (go(i), setOverlay('none'))}
      />
    );
  } else {
    body = (
      <Stack>
        <Tone role="muted">
          {TYPE_LABEL[item.question.type]} · domain {item.domain}: {domainName(item.domain)}
          {flagged ? ` · ${g.flag} flagged for review` : ''}
        </Tone>
        {item.parent ? (
          <Box flexDirection="column" marginBottom={1}>
            <Tone role="heading">
              Case: {item.parent.prompt} (part {item.part + 1} of {item.parts})
            </Tone>
            <Text>{item.parent.scenario_text.trim()}</Text>
          </Box>
        ) : null}
        <QuestionView
          key={item.key}
          question={item.question}
          value={session.answerOf(item.key) ?? null}
          layout={session.layout(item)}
          onChange={(a) => save(item.key, a)}
          onSubmit={(a) => (save(item.key, a), go(Math.min(items.length - 1, item.index + 1)))}
        />
        <Text> </Text>
        <Tone role="muted">
          {label(Command.NEXT_QUESTION, 3)} next · {label(Command.PREV_QUESTION, 3)} previous · {label(Command.FLAG)} flag ·{' '}
          {label(Command.NAVIGATOR)} navigator · {label(Command.EXAM_FINISH)} submit · answers are saved as you go
          {/* Enter confirms the highlighted option, as in quizzes: say so, so that it is never taken for "next" */}
          {item.question.type === 'single' && !session.isAnswered(item.key) ? ' · Enter answers with the highlighted option' : ''}
          {typing ? ` · ${label(Command.LEAVE_FIELD)} leaves the field` : ''}
        </Tone>
      </Stack>
    );
  }
  return (
    <Screen
      title={title}
      titleShort={titleShort}
      status={status}
      hints={
        overlay.get() === 'confirm'
          ? [
              { command: Command.CONFIRM, label: 'submit' },
              { command: Command.CANCEL, label: 'back to the exam' },
            ]
          : [
              ...(item.question.type === 'order' ? [Command.MOVE_ITEM_UP, Command.MOVE_ITEM_DOWN] : []),
              Command.NEXT_QUESTION,
              Command.PREV_QUESTION,
              Command.FLAG,
              Command.NAVIGATOR,
              Command.EXAM_FINISH,
            ]
      }
      dialog={overlay.get() === 'confirm'}
      moreKeys={[
        Command.EXAM_FINISH,
        Command.SUBMIT,
        Command.TOGGLE,
        Command.MOVE_ITEM_UP,
        Command.MOVE_ITEM_DOWN,
        Command.ANSWER_TRUE,
        Command.ANSWER_FALSE,
        Command.PART_PREV,
        Command.PART_NEXT,
      ]}
      warnings={warnings}
    >
      {body}
    </Screen>
  );
}

/** Every item as a cell: number, answered or blank, flagged; Enter jumps to the one under the cursor. */
export function ExamNavigator({ session, onPick, onClose }: { session: ExamSession; onPick(index: number): void; onClose(): void }) {
  const items = session.items;
  const live = useLive(session.current);
  const setCursor = live.set;
  const { width } = useBodySize();
  const { screenReader } = useUi().options;
  const g = useGlyphs();
  const cell = 8;
  const cols = Math.max(1, Math.floor(width / cell));
  useKeypress(
    (k) => {
      if (hit(Command.LEFT, k)) setCursor((c) => Math.max(0, c - 1));
      else if (hit(Command.RIGHT, k)) setCursor((c) => Math.min(items.length - 1, c + 1));
      else if (hit(Command.UP, k)) setCursor((c) => Math.max(0, c - (screenReader ? 1 : cols)));
      else if (hit(Command.DOWN, k)) setCursor((c) => Math.min(items.length - 1, c + (screenReader ? 1 : cols)));
      else if (hit(Command.SUBMIT, k)) onPick(live.get());
      else if (hit(Command.NAVIGATOR, k) || hit(Command.BACK, k) || hit(Command.QUIT, k)) onClose();
      else return false;
      return true;
    },
    { priority: KeypressPriority.Normal },
  );
  const cursor = live.get();
  const state = (key: string) => `${session.isAnswered(key) ? 'answered' : 'blank'}${session.isFlagged(key) ? ', flagged' : ''}`;
  if (screenReader) {
    return (
      <Box flexDirection="column">
        <Text>Navigator: Enter goes to the question, Esc returns.</Text>
        {items.map((it, i) => (
          <Text key={it.key}>
            Question {i + 1}: {state(it.key)}
            {i === cursor ? ' (current)' : ''}
          </Text>
        ))}
      </Box>
    );
  }
  const rows: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += cols) rows.push(items.slice(i, i + cols));
  return (
    <Stack>
      <Text bold>
        Navigator · {g.right} answered · {g.dot} blank · {g.flag} flagged · Enter go · Esc back
      </Text>
      <Text> </Text>
      {rows.map((row, r) => (
        <Box key={r}>
          {row.map((it) => {
            const mark = `${session.isAnswered(it.key) ? g.right : g.dot}${session.isFlagged(it.key) ? g.flag : ' '}`;
            const on = it.index === cursor;
            return (
              <Box key={it.key} width={cell}>
                <Text inverse={on} bold={it.index === session.current}>
                  {String(it.index + 1).padStart(3)} {mark}
                </Text>
              </Box>
            );
          })}
        </Box>
      ))}
    </Stack>
  );
}

/** Before submitting: which items are blank and which flagged; y submits, n goes back. */
export function ExamConfirm({
  session,
  onConfirm,
  onCancel,
  onPick,
}: {
  session: ExamSession;
  onConfirm(): void;
  onCancel(): void;
  onPick(index: number): void;
}) {
  const blanks = session.blanks();
  const flagged = session.flagged();
  useKeypress(
    (k) => {
      if (hit(Command.CONFIRM, k)) onConfirm();
      else if (hit(Command.CANCEL, k) || hit(Command.QUIT, k)) onCancel();
      else if (hit(Command.SUBMIT, k) && blanks.length) onPick(blanks[0]!.index);
      else return false;
      return true;
    },
    { priority: KeypressPriority.Normal },
  );
  const list = (xs: typeof blanks) => xs.map((i) => i.index + 1).join(', ');
  return (
    <Stack>
      <Tone role="heading">Submit the exam?</Tone>
      {/* Label and list side by side: a long list wraps under itself (a hanging indent). */}
      {blanks.length ? (
        <Box>
          <Box flexShrink={0}>
            <Tone role="warn">{plural(blanks.length, 'question')} not answered: </Tone>
          </Box>
          <Tone role="warn">{list(blanks)}</Tone>
        </Box>
      ) : (
        <Text>Every question has an answer.</Text>
      )}
      {flagged.length ? (
        <Box>
          <Box flexShrink={0}>
            <Text>Flagged for review: </Text>
          </Box>
          <Text>{list(flagged)}</Text>
        </Box>
      ) : null}
      <Text> </Text>
      <Text>y submit now · n / Esc go back{blanks.length ? ' · Enter go to the first blank' : ''}</Text>
    </Stack>
  );
}
