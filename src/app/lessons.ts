// Lesson helpers shared by the reader, the lesson list and `ftlab learn` without a terminal.
import type { LoadedLesson } from '../core/content/loader.js';
import { closest } from '../core/content/problems.js';
import type { AppData } from './app-data.js';

export function findLesson(data: AppData, id: string): LoadedLesson | undefined {
  return data.content.lessonById.get(id);
}

/** "unknown lesson" with the nearest id as a hint. */
export function unknownLessonHint(data: AppData, id: string): string {
  const near = closest(
    id,
    data.lessonsInOrder.map((l) => l.id),
  );
  return near ? `did you mean "${near}"? (ftlab learn lists every lesson)` : 'run `ftlab learn` to list the lessons';
}

export function neighbours(data: AppData, id: string): { prev?: LoadedLesson; next?: LoadedLesson } {
  const list = data.lessonsInOrder;
  const i = list.findIndex((l) => l.id === id);
  return { prev: i > 0 ? list[i - 1] : undefined, next: i >= 0 ? list[i + 1] : undefined };
}

export function setCompleted(data: AppData, id: string, completed: boolean, now = Date.now()): void {
  if (completed) data.store.settings.completeLesson(id, now);
  else
    data.store.settings.update((s) => {
      const entry = { ...s.lessons[id] };
      delete entry.completedAt;
      s.lessons[id] = entry;
    });
}

/** First rendered line at or after a remembered source position. */
export function lineForSource(sourceLines: readonly number[], source: number): number {
  const i = sourceLines.findIndex((s) => s >= source);
  return i < 0 ? Math.max(0, sourceLines.length - 1) : i;
}
