// The only stdin listener of the app. Every component that wants keys subscribes here with a
// priority; a key goes to the highest priority first and, within one priority, to the most recent
// subscriber first (the innermost, newest component). A handler returns true to consume the key.
import { createContext, useContext, useLayoutEffect, useMemo, useRef, type ReactNode } from 'react';
import { useInput } from 'ink';
import { toKeypress, commandFor, type Keypress } from '../keys/keyMatchers.js';
import type { Command } from '../keys/keyBindings.js';

export enum KeypressPriority {
  /** App-wide fallbacks (q quits, Esc goes back): only keys nobody else wanted. */
  Fallback = -1,
  /** Screen-level shortcuts (home menu letters, reader scrolling). */
  Low = 0,
  /** Widgets inside a screen (a list, a question). */
  Normal = 1,
  /** Text inputs: they must see letters before any shortcut does. */
  High = 2,
  /** Overlays and dialogs (help, confirmations): everything under them is blocked. */
  Critical = 3,
}

export type KeypressHandler = (key: Keypress) => boolean | void;

interface Subscriber {
  handler: { current: KeypressHandler };
  priority: KeypressPriority;
  seq: number;
}

interface KeypressBus {
  subscribe(s: Subscriber): () => void;
  nextSeq(): number;
}

const KeypressContext = createContext<KeypressBus | null>(null);

/** Pure dispatch: exported for tests. Returns true if some handler consumed the key. */
export function dispatchKeypress(subs: Iterable<Subscriber>, key: Keypress): boolean {
  const ordered = [...subs].sort((a, b) => b.priority - a.priority || b.seq - a.seq);
  for (const s of ordered) if (s.handler.current(key) === true) return true;
  return false;
}

export function KeypressProvider({ children, isActive = true }: { children: ReactNode; isActive?: boolean }) {
  const subs = useRef(new Set<Subscriber>());
  const seq = useRef(0);
  const bus = useMemo<KeypressBus>(
    () => ({
      subscribe(s) {
        subs.current.add(s);
        return () => void subs.current.delete(s);
      },
      nextSeq: () => ++seq.current,
    }),
    [],
  );
  useInput(
    (input, key) => {
      const kp = toKeypress(input, key);
      // Ink hands over a run of characters typed faster than it reads (key repeat, a busy machine,
      // a paste) as one string: dispatch them one by one, as the person pressed them.
      if (kp.isPaste && !kp.ctrl && !kp.meta) {
        for (const ch of input) dispatchKeypress(subs.current, toKeypress(ch, { ...key, shift: ch !== ch.toLowerCase() }));
      } else dispatchKeypress(subs.current, kp);
    },
    { isActive },
  );
  return <KeypressContext.Provider value={bus}>{children}</KeypressContext.Provider>;
}

function useBus(): KeypressBus {
  const bus = useContext(KeypressContext);
  if (!bus) throw new Error('useKeypress must be used inside <KeypressProvider>');
  return bus;
}

export interface KeypressOptions {
  isActive?: boolean;
  priority?: KeypressPriority;
}

/** Subscribe to keys while mounted (and while isActive). Return true from the handler to consume. */
export function useKeypress(handler: KeypressHandler, { isActive = true, priority = KeypressPriority.Normal }: KeypressOptions = {}): void {
  const bus = useBus();
  // The handler and the active flag are read through refs updated during render, and the
  // subscription is made in a layout effect (during the commit): a key that arrives right after a
  // state change already reaches the new handlers, never the ones that were just switched off.
  const ref = useRef<KeypressHandler>(handler);
  const active = useRef(isActive);
  active.current = isActive;
  ref.current = (key) => (active.current ? handler(key) : false);
  useLayoutEffect(() => {
    if (!isActive) return;
    return bus.subscribe({ handler: ref, priority, seq: bus.nextSeq() });
  }, [bus, isActive, priority]);
}

/**
 * Map commands to actions. The first listed command whose binding matches runs and the key is
 * consumed; actions that return false decline (the key then travels on to other subscribers).
 */
export function useCommands(actions: Partial<Record<Command, () => boolean | void>>, options: KeypressOptions = {}): void {
  useKeypress((key) => {
    const cmd = commandFor(key, Object.keys(actions) as Command[]);
    if (!cmd) return false;
    return actions[cmd]!() !== false;
  }, options);
}
