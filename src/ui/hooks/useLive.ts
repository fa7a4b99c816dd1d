// State that key handlers can read and write synchronously. Ink may deliver several keys in one
// burst (a paste, or fast typing split into keypresses) before React renders again; handlers that
// read render-time values would then work on stale state and drop keys. These hooks keep the latest
// value in a ref (read with get(), written with set()) and re-render after a change.
import { useReducer, useRef } from 'react';

export interface Live<T> {
  get(): T;
  set(next: T | ((prev: T) => T)): void;
}

/** Local state with synchronous reads. */
export function useLive<T>(initial: T | (() => T)): Live<T> {
  const ref = useRef<{ v: T } | null>(null);
  if (ref.current === null) ref.current = { v: typeof initial === 'function' ? (initial as () => T)() : initial };
  const [, bump] = useReducer((x: number) => x + 1, 0);
  const live = useRef<Live<T>>({
    get: () => ref.current!.v,
    set: (next) => {
      const v = typeof next === 'function' ? (next as (p: T) => T)(ref.current!.v) : next;
      if (Object.is(v, ref.current!.v)) return;
      ref.current!.v = v;
      bump();
    },
  });
  return live.current;
}

/**
 * A controlled value (from props) with synchronous reads: `set` records what was just sent to the
 * parent, so the next key in the same burst sees it; a new value from the parent replaces it.
 */
export function useLiveProp<T>(value: T): Live<T> {
  const ref = useRef(value);
  const fromProps = useRef(value);
  if (!Object.is(value, fromProps.current)) {
    fromProps.current = value;
    ref.current = value;
  }
  const live = useRef<Live<T>>({
    get: () => ref.current,
    set: (next) => {
      ref.current = typeof next === 'function' ? (next as (p: T) => T)(ref.current) : next;
    },
  });
  return live.current;
}
