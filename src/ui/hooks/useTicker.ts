// A clock for countdowns: re-renders every `ms` milliseconds with the time `clock()` reads.
import { useEffect, useState } from 'react';

/** Re-renders every `ms` milliseconds (the countdown). */
export function useTicker(ms: number, clock: () => number): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const t = setInterval(() => setNow(clock()), ms);
    return () => clearInterval(t);
  }, [ms, clock]);
  return now;
}
