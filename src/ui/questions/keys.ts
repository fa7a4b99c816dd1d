// Keys of the question widgets and the quiz, review and exam screens: helpers over the shared key
// table (src/ui/keys/keyBindings.ts), which holds every practice command too, so the `?` overlay
// lists them and the whole app reads keys through one dispatcher (src/ui/contexts/KeypressContext.tsx).
import { createContext, createElement, useContext, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { KeypressPriority, useKeypress } from '../contexts/KeypressContext.js';
import { Command, defaultKeyBindings } from '../keys/keyBindings.js';
import { formatBinding, matches, type Keypress } from '../keys/keyMatchers.js';

export { Command, KeypressPriority, type Keypress };

/** Does the key trigger the command? */
export function hit(cmd: Command, key: Keypress): boolean {
  return matches(cmd, key);
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

/** "↑/k" style label of a command: its first `max` bindings. */
export function label(cmd: Command, ascii = false, max = 2): string {
  return defaultKeyBindings[cmd].bindings
    .slice(0, max)
    .map((s) => formatBinding(s, ascii))
    .join('/');
}

export function shortName(cmd: Command): string {
  return defaultKeyBindings[cmd].short;
}

/** One hint line: "Enter submit  u undo". */
export function hintLine(cmds: Command[], ascii = false): string {
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
