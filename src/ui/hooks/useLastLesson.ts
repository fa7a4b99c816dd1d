// The lesson the reader showed last in this process, so that the lesson list puts its cursor there when
// the learner comes back, also after n/p moved the reader on to another lesson (issue 12, F-26).
import { useEffect } from 'react';

let last: string | undefined;

/** Called by the reader for the lesson it shows. */
export function useShownLesson(lessonId: string): void {
  // Set during render as well as in the effect: the list may render in the same commit that unmounts the reader.
  last = lessonId;
  useEffect(() => {
    last = lessonId;
  }, [lessonId]);
}

/** The last lesson the reader showed, if any. */
export function lastShownLesson(): string | undefined {
  return last;
}
