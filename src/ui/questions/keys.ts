// Keys of the question widgets and practice/exam screens, as data: each command lists its key names
// and a help line, so the same table drives matching and the on-screen hints / `?` help.
import { useInput, type Key } from 'ink';
import { useRef } from 'react';

/** A pressed key as a stable name: "up", "enter", "space", "ctrl+c", "shift+tab", "k", "K", "3". */
export function keyName(input: string, key: Key): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'shift+tab' : 'tab';
  // Terminals send DEL (0x7f) for the backspace key; Ink reports it as `delete`.
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl+${input.toLowerCase()}`;
  if (input === ' ') return 'space';
  return input;
}

export interface Binding {
  keys: string[];
  /** Label shown in hints, e.g. "↑↓/jk". */
  label: string;
  help: string;
}

function b(keys: string[], label: string, help: string): Binding {
  return { keys, label, help };
}

/** Every command of the practice and exam screens. Screens show the relevant subset as hints. */
export const practiceKeys = {
  up: b(['up', 'k'], '↑/k', 'previous option'),
  down: b(['down', 'j'], '↓/j', 'next option'),
  left: b(['left', 'h'], '←/h', 'previous right-hand side'),
  right: b(['right', 'l'], '→/l', 'next right-hand side'),
  pick: b(['space'], 'space', 'choose / toggle the option under the cursor'),
  submit: b(['enter'], 'enter', 'confirm the answer'),
  yes: b(['t'], 't', 'true'),
  no: b(['f'], 'f', 'false'),
  moveUp: b(['K', 'u'], 'K/u', 'move the item up'),
  moveDown: b(['J', 'd'], 'J/d', 'move the item down'),
  again: b(['1'], '1', 'Again'),
  hard: b(['2'], '2', 'Hard'),
  good: b(['3'], '3', 'Good'),
  easy: b(['4'], '4', 'Easy'),
  accept: b(['enter', 'space'], 'enter', 'accept the proposed rating'),
  undo: b(['z', 'ctrl+z'], 'z', 'undo the last rating'),
  openLesson: b(['o'], 'o', 'open the lesson'),
  // Exam navigation. Single characters are ignored while a text answer is being typed, so every
  // exam command also has a non-printing key.
  next: b(['n', 'tab', 'pagedown'], 'n/tab', 'next question'),
  prev: b(['p', 'shift+tab', 'pageup'], 'p/shift+tab', 'previous question'),
  flag: b(['m', 'ctrl+f'], 'm/ctrl+f', 'flag for review'),
  navigator: b(['g', 'ctrl+g'], 'g/ctrl+g', 'navigator'),
  finish: b(['s', 'ctrl+d'], 's/ctrl+d', 'finish and submit'),
  subPrev: b(['[', 'ctrl+p'], '[', 'previous part of the case'),
  subNext: b([']', 'ctrl+n'], ']', 'next part of the case'),
  confirm: b(['y'], 'y', 'yes'),
  cancel: b(['escape', 'n'], 'n/esc', 'no, go back'),
  back: b(['escape', 'q'], 'q/esc', 'back'),
  quit: b(['q', 'escape'], 'q/esc', 'quit (progress is saved)'),
  short: b(['s'], 's', 'short exam'),
  full: b(['f'], 'f', 'full exam'),
  resume: b(['r'], 'r', 'resume the saved attempt'),
  reviewAll: b(['a'], 'a', 'review all'),
  reviewWrong: b(['w'], 'w', 'review wrong'),
  history: b(['h'], 'h', 'attempt history'),
} as const;

export type PracticeCommand = keyof typeof practiceKeys;

export function is(cmd: PracticeCommand, name: string): boolean {
  return (practiceKeys[cmd].keys as readonly string[]).includes(name);
}

/** A printable key (goes into a text field rather than triggering a command while typing). */
export function isPrintable(name: string): boolean {
  return [...name].length === 1;
}

/** "↑/k previous option · enter confirm" for a list of commands. */
export function hintLine(cmds: PracticeCommand[], sep = ' · '): string {
  return cmds.map((c) => `${practiceKeys[c].label} ${practiceKeys[c].help}`).join(sep);
}

/**
 * Subscribes a handler to key names while `active`. The latest handler is always called (kept in a
 * ref), so components need not memoise it. Returning nothing is fine; keys are not propagated further.
 */
export function useKeys(handler: (name: string, input: string, key: Key) => void, active = true): void {
  const ref = useRef(handler);
  ref.current = handler;
  useInput((input, key) => ref.current(keyName(input, key), input, key), { isActive: active });
}
