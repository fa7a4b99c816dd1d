// The only stdin listener of the app. Every component that wants keys subscribes here with a
// priority; a key goes to the highest priority first and, within one priority, to the most recent
// subscriber first (the innermost, newest component). A handler returns true to consume the key.
import { createContext, useContext, useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore, type ReactNode } from 'react';
import { useInput } from 'ink';
import { splitKeys, commandFor, type Keypress } from '../keys/keyMatchers.js';
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
  /** Holds keys back until the returned release is called (see useHoldKeys). */
  hold(): () => void;
  field: { get(): FieldState; set(state: FieldState): void; subscribe(listener: () => void): () => void };
}

const KeypressContext = createContext<KeypressBus | null>(null);

/** Pure dispatch: exported for tests. Returns true if some handler consumed the key. */
export function dispatchKeypress(subs: Iterable<Subscriber>, key: Keypress): boolean {
  const ordered = [...subs].sort((a, b) => b.priority - a.priority || b.seq - a.seq);
  for (const s of ordered) if (s.handler.current(key) === true) return true;
  return false;
}

/** Where the text cursor is: no text field on screen, typing in one, or a field that was left with Esc. */
export type FieldState = 'none' | 'typing' | 'left';

export function KeypressProvider({ children, isActive = true }: { children: ReactNode; isActive?: boolean }) {
  const subs = useRef(new Set<Subscriber>());
  const seq = useRef(0);
  // Keys still to dispatch, in the order they were pressed (see below).
  const queue = useRef<Keypress[][]>([]);
  const draining = useRef<ReturnType<typeof setImmediate> | null>(null);
  const field = useRef<{ state: FieldState; listeners: Set<() => void> }>({ state: 'none', listeners: new Set() });
  // Keys that arrived while something held them (a screen still loading), in order.
  const holds = useRef(0);
  const held = useRef<Keypress[][]>([]);
  const bus = useMemo<KeypressBus>(
    () => ({
      subscribe(s) {
        subs.current.add(s);
        return () => void subs.current.delete(s);
      },
      nextSeq: () => ++seq.current,
      hold() {
        holds.current++;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          if (--holds.current > 0 || !held.current.length) return;
          // Dispatched like a burst: one key per turn of the event loop, after the screen that was
          // loading has committed (it subscribed in its layout effects).
          queue.current.unshift(...held.current);
          held.current = [];
          if (!draining.current) draining.current = setImmediate(drain);
        };
      },
      field: {
        get: () => field.current.state,
        set(state) {
          if (field.current.state === state) return;
          field.current.state = state;
          for (const l of field.current.listeners) l();
        },
        subscribe(l) {
          field.current.listeners.add(l);
          return () => void field.current.listeners.delete(l);
        },
      },
    }),
    [],
  );
  useEffect(
    () => () => {
      if (draining.current) clearImmediate(draining.current);
      queue.current = [];
    },
    [],
  );
  const dispatchSegment = (segment: Keypress[]) => {
    for (let i = 0; i < segment.length; i++) {
      // A key may start a hold (o opening a lab screen): the rest of its run waits with it.
      if (holds.current > 0) return void held.current.push(segment.slice(i));
      dispatchKeypress(subs.current, segment[i]!);
    }
  };
  function drain() {
    draining.current = null;
    const next = queue.current.shift();
    if (!next) return;
    dispatchSegment(next);
    if (queue.current.length) draining.current = setImmediate(drain);
  }
  useInput(
    (input, key) => {
      // Ink hands over a run of keys pressed faster than it reads (key repeat, fast typing, a busy
      // machine, a paste) as one string. Split it into the keys the person pressed; the first goes
      // now, each further one on a later turn of the event loop, after React has committed what the
      // previous one changed, so a Backspace after an Enter meets the screen the Enter opened.
      const segments = splitKeys(input, key);
      if (!queue.current.length && !draining.current) dispatchSegment(segments.shift()!);
      queue.current.push(...segments);
      if (queue.current.length && !draining.current) draining.current = setImmediate(drain);
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

/**
 * `hold(true)` holds keys back from that moment (also the rest of the burst being dispatched); `hold(false)`
 * lets them go, in order, to whatever is on screen then. For a screen that is still loading: the keys a
 * person types meanwhile reach it instead of the screen they were typed on. Unmounting releases.
 */
export function useKeyHold(): (on: boolean) => void {
  const bus = useBus();
  const release = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => release.current?.(), []);
  return (on) => {
    if (on && !release.current) release.current = bus.hold();
    else if (!on && release.current) {
      release.current();
      release.current = undefined;
    }
  };
}

/** Where the text cursor is (the footer shows only the keys that work there). */
export function useFieldState(): FieldState {
  const bus = useBus();
  return useSyncExternalStore(bus.field.subscribe, bus.field.get, bus.field.get);
}

/** A text field says whether it is being typed in or was left; it clears the state when it goes. */
export function useReportField(state: FieldState): void {
  const bus = useBus();
  useLayoutEffect(() => {
    if (state === 'none') return;
    bus.field.set(state);
    return () => bus.field.set('none');
  }, [bus, state]);
}
