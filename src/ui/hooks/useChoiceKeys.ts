// The keys of an option list (single and multiple choice): ↑↓/jk move the cursor, space picks the option
// under it, a number key picks that option, enter submits.
import { Command } from '../keys/keyBindings.js';
import { digit, hit } from '../keys/keyMatchers.js';
import { useKeypress } from '../contexts/KeypressContext.js';
import { useLive } from './useLive.js';

export interface ChoiceKeys {
  /** Display position of the cursor. */
  cursor: number;
}

/**
 * `order` maps display positions to the question's option indexes; `pick` and `submit` receive option
 * indexes (submit: the one under the cursor).
 */
export function useChoiceKeys(
  order: readonly number[],
  initial: number | (() => number),
  active: boolean,
  pick: (option: number) => void,
  submit: (underCursor: number) => void,
): ChoiceKeys {
  const cursor = useLive(initial);
  useKeypress(
    (k) => {
      const n = digit(k);
      if (hit(Command.UP, k)) cursor.set((c) => (c + order.length - 1) % order.length);
      else if (hit(Command.DOWN, k)) cursor.set((c) => (c + 1) % order.length);
      else if (hit(Command.TOGGLE, k)) pick(order[cursor.get()]!);
      else if (n !== undefined && n <= order.length) {
        cursor.set(n - 1);
        pick(order[n - 1]!);
      } else if (hit(Command.SUBMIT, k)) submit(order[cursor.get()]!);
      else return false;
      return true;
    },
    { isActive: active },
  );
  return { cursor: cursor.get() };
}
