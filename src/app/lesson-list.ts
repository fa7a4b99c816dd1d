// The lesson list as data: modules in order, their lessons in order, each with its status.
import type { AppData } from './app-data.js';

export type LessonStatus = 'new' | 'started' | 'done';

export interface LessonListModule {
  id: string;
  title: string;
  lessons: Array<{ id: string; title: string; minutes: number; domain: number; status: LessonStatus }>;
}

export function lessonListModel(data: AppData): LessonListModule[] {
  const progress = data.store.settings.get().lessons;
  const status = (id: string): LessonStatus =>
    progress[id]?.completedAt !== undefined ? 'done' : progress[id]?.lastOpenedAt !== undefined ? 'started' : 'new';
  const byModule = new Map<string, LessonListModule>();
  for (const m of [...data.content.modules].sort((a, b) => a.order - b.order))
    byModule.set(m.id, { id: m.id, title: m.title, lessons: [] });
  for (const l of data.lessonsInOrder) {
    let m = byModule.get(l.module);
    if (!m) byModule.set(l.module, (m = { id: l.module, title: l.module, lessons: [] }));
    m.lessons.push({ id: l.id, title: l.title, minutes: l.minutes, domain: l.domain, status: status(l.id) });
  }
  return [...byModule.values()].filter((m) => m.lessons.length > 0);
}
