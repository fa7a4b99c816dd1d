// Keys of the question widgets and the quiz, review and exam screens. Commands that the shared key
// table (src/ui/keys/keyBindings.ts) already has are matched through it; the few it lacks are kept
// here in the same binding-string format, so the whole app still reads keys through one dispatcher
// (src/ui/contexts/KeypressContext.tsx) and the hints are generated from data.
import { createContext, createElement, useContext, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { Command, defaultKeyBindings } from '../keys/keyBindings.js';
import { bindingMatches, formatBinding, matches, parseBinding, type Keypress } from '../keys/keyMatchers.js';

export { Command, KeypressPriority, type Keypress };

/** Practice commands that the shared table does not define (yet). */
export const PracticeCommand = {
  PART_PREV: 'practice.partPrev',
  PART_NEXT: 'practice.partNext',
  FINISH: 'exam.finish',
  CONFIRM: 'dialog.confirm',
  CANCEL: 'dialog.cancel',
  START_SHORT: 'exam.startShort',
  START_FULL: 'exam.startFull',
  RESUME: 'exam.resume',
  REVIEW_ALL: 'exam.reviewAll',
  REVIEW_WRONG: 'exam.reviewWrong',
  HISTORY: 'exam.history',
  NEXT_CARD: 'practice.next',
} as const;
export type PracticeCommand = (typeof PracticeCommand)[keyof typeof PracticeCommand];

interface LocalInfo {
  bindings: string[];
  short: string;
  description: string;
}

export const practiceBindings: Record<PracticeCommand, LocalInfo> = {
  [PracticeCommand.PART_PREV]: { bindings: ['[', 'ctrl+p'], short: 'prev part', description: 'previous part of a case study' },
  [PracticeCommand.PART_NEXT]: { bindings: [']', 'ctrl+n'], short: 'next part', description: 'next part of a case study' },
  [PracticeCommand.FINISH]: { bindings: ['s', 'ctrl+e'], short: 'submit exam', description: 'finish: list blanks, then submit the exam' },
  [PracticeCommand.CONFIRM]: { bindings: ['y'], short: 'yes', description: 'confirm' },
  [PracticeCommand.CANCEL]: { bindings: ['n', 'escape'], short: 'no', description: 'cancel' },
  [PracticeCommand.START_SHORT]: { bindings: ['s'], short: 'short exam', description: 'start a short exam' },
  [PracticeCommand.START_FULL]: { bindings: ['f'], short: 'full exam', description: 'start a full exam (65 questions, 90 minutes)' },
  [PracticeCommand.RESUME]: { bindings: ['r'], short: 'resume', description: 'resume the saved attempt' },
  [PracticeCommand.REVIEW_ALL]: { bindings: ['a'], short: 'review all', description: 'review every question with explanations' },
  [PracticeCommand.REVIEW_WRONG]: { bindings: ['w'], short: 'review wrong', description: 'review the questions you got wrong' },
  [PracticeCommand.HISTORY]: { bindings: ['h'], short: 'history', description: 'attempt history' },
  [PracticeCommand.NEXT_CARD]: { bindings: ['return', 'space'], short: 'continue', description: 'continue' },
};

/**
 * Exam navigation also answers to keys that a text field never takes, so it keeps working while a
 * typed answer has the focus (the field consumes letters and arrows).
 */
const extraBindings: Partial<Record<Command, string[]>> = {
  [Command.NEXT_QUESTION]: ['tab', 'pagedown'],
  [Command.PREV_QUESTION]: ['shift+tab', 'pageup'],
  [Command.FLAG]: ['ctrl+f'],
  [Command.NAVIGATOR]: ['ctrl+g'],
  // After a rating the next card may be a typed answer, where u is a letter.
  [Command.UNDO]: ['ctrl+z'],
};

const parsedLocal = new Map<string, ReturnType<typeof parseBinding>[]>();
function localParsed(cmd: PracticeCommand | Command): ReturnType<typeof parseBinding>[] {
  let hit = parsedLocal.get(cmd);
  if (!hit) {
    const specs = (practiceBindings as Record<string, LocalInfo>)[cmd]?.bindings ?? extraBindings[cmd as Command] ?? [];
    hit = specs.map(parseBinding);
    parsedLocal.set(cmd, hit);
  }
  return hit;
}

function isShared(cmd: string): cmd is Command {
  return cmd in defaultKeyBindings;
}

/** Does the key trigger the command (shared table first, then the local extensions)? */
export function hit(cmd: Command | PracticeCommand, key: Keypress): boolean {
  if (isShared(cmd) && matches(cmd, key)) return true;
  return localParsed(cmd).some((b) => bindingMatches(b, key));
}

/** A digit 1-9 typed without modifiers, as a number; undefined otherwise. */
export function digit(key: Keypress): number | undefined {
  if (key.ctrl || key.meta || key.isPaste || !/^[1-9]$/.test(key.name)) return undefined;
  return Number(key.name);
}

/** A key that types text (letters, digits, punctuation, a paste). */
export function isTyping(key: Keypress): boolean {
  return key.text.length > 0 && !key.ctrl && !key.meta;
}

/** "↑/k" style label of any command. */
export function label(cmd: Command | PracticeCommand, ascii = false, max = 2): string {
  const specs = isShared(cmd) ? [...defaultKeyBindings[cmd].bindings, ...(extraBindings[cmd] ?? [])] : practiceBindings[cmd].bindings;
  return specs
    .slice(0, max)
    .map((s) => formatBinding(s, ascii))
    .join('/');
}

export function shortName(cmd: Command | PracticeCommand): string {
  return isShared(cmd) ? defaultKeyBindings[cmd].short : practiceBindings[cmd].short;
}

/** One hint line: "Enter submit  u undo". */
export function hintLine(cmds: (Command | PracticeCommand)[], ascii = false): string {
  return cmds.map((c) => `${label(c, ascii, 1)} ${shortName(c)}`).join('  ');
}

type Handler = (key: Keypress) => boolean | void;
interface Entry {
  handler: { current: Handler };
  priority: KeypressPriority;
  seq: number;
}
interface Router {
  add(e: Omit<Entry, 'seq'>): () => void;
}
const RouterContext = createContext<Router | null>(null);
const LEVELS = [KeypressPriority.Low, KeypressPriority.Normal, KeypressPriority.High] as const;

/**
 * Routes keys inside a practice screen. The app dispatcher subscribes in passive effects, which React
 * may run only after the next keypress has arrived: a question just shown would miss its first key and
 * the one just replaced would still get it. The router subscribes once per priority level and
 * registers the widgets below it in layout effects, which run with the commit, so the widget on
 * screen is always the one that gets the key.
 */
export function KeyRouter({ children }: { children: ReactNode }) {
  const entries = useRef(new Set<Entry>());
  const seq = useRef(0);
  const router = useMemo<Router>(
    () => ({
      add(e) {
        const entry = { ...e, seq: ++seq.current };
        entries.current.add(entry);
        return () => void entries.current.delete(entry);
      },
    }),
    [],
  );
  const dispatch = (level: KeypressPriority) => (k: Keypress) => {
    const ordered = [...entries.current].filter((e) => e.priority === level).sort((a, b) => b.seq - a.seq);
    for (const e of ordered) if (e.handler.current(k) === true) return true;
    return false;
  };
  useKeypress(dispatch(LEVELS[0]), { priority: LEVELS[0] });
  useKeypress(dispatch(LEVELS[1]), { priority: LEVELS[1] });
  useKeypress(dispatch(LEVELS[2]), { priority: LEVELS[2] });
  return createElement(RouterContext.Provider, { value: router }, children);
}

/**
 * Subscribes a widget or screen to keys. The handler returns true when it used the key (consumed);
 * anything else lets the key travel on (to `?`, `q`, …). Inside a KeyRouter the subscription is
 * exact (see above); elsewhere it goes straight to the app dispatcher.
 */
export function useKeys(handler: Handler, active = true, priority: KeypressPriority = KeypressPriority.Normal): void {
  const router = useContext(RouterContext);
  const ref = useRef(handler);
  ref.current = handler;
  useLayoutEffect(() => {
    if (!router || !active) return;
    return router.add({ handler: ref, priority });
  }, [router, active, priority]);
  useKeypress((k) => ref.current(k) === true, { isActive: active && !router, priority });
}
