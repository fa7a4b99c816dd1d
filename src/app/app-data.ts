// Opens the content and the progress store together, once per process (cached in context.ts), so
// every screen and command shares the same Deck (its undo stack and the log position) and nothing is
// loaded twice. Screens use `useAppData()`; commands call `openAppData()` directly.
import { loadContent, type ContentIndex, type LoadedLesson } from '../core/content/loader.js';
import { checkKinds } from '../engines/labs/registry.js';
import type { LessonProgress } from '../core/store/index.js';
import { appContext, type AppData, type AppEnv } from './context.js';
import { openSession } from './store-session.js';
import { contentWarnings, outlineOf, writeCachedOutline } from './outline-cache.js';

export type { AppData, AppEnv };

export function openAppData(env: AppEnv): AppData {
  const cached = appContext.loaded(env);
  if (cached) return cached;
  // The store first: an unusable progress folder fails at once, before the content is parsed.
  const { store, deck, warnings: storeWarnings } = openSession(env.home);
  const content = loadContent(env.contentRoot, { checkKinds });
  const ordered = lessonsInOrder(content);
  // Store notices first: a screen shows the first warnings, and a repaired progress file matters most.
  const warnings = [...storeWarnings, ...contentWarnings(content)];
  const data: AppData = { content, store, deck, warnings, lessonsInOrder: ordered, outline: outlineOf(content, ordered) };
  appContext.setLoaded(env, data);
  // Keep the home screen's outline cache in step with what was just loaded.
  writeCachedOutline(store.home, env.contentRoot, data.outline);
  return data;
}

/** Forget the cached data (tests, or after `progress import`). */
export function resetAppData(): void {
  appContext.reset();
}

/** The data if this process already loaded it for `env` (no loading). */
export function loadedAppData(env: AppEnv): AppData | undefined {
  return appContext.loaded(env);
}

export function lessonsInOrder(content: ContentIndex): LoadedLesson[] {
  const modOrder = new Map(content.modules.map((m) => [m.id, m.order]));
  return [...content.lessons].sort(
    (a, b) =>
      (modOrder.get(a.module) ?? 1e9) - (modOrder.get(b.module) ?? 1e9) ||
      a.module.localeCompare(b.module) ||
      a.order - b.order ||
      a.id.localeCompare(b.id),
  );
}

export function lessonProgress(data: AppData, lessonId: string): LessonProgress {
  return data.store.settings.get().lessons[lessonId] ?? {};
}

export type NewCardOrder = 'opened-first' | 'course';

/**
 * Question (card) ids in study order: the course's order (module order, then lesson order, then the
 * bank's order within a lesson), not the order the bank files load in. The Deck introduces new cards
 * in this order. With `progress` (the learner's lessons) and the default "opened-first", cards of
 * lessons the learner has opened or completed come first, each group in course order.
 */
export function cardIds(content: ContentIndex, progress?: { lessons: Record<string, LessonProgress>; newCardOrder?: string }): string[] {
  const rank = new Map(lessonsInOrder(content).map((l, i) => [l.id, i]));
  const opened = (id: string) => {
    const p = progress?.lessons[id];
    return p !== undefined && (p.lastOpenedAt !== undefined || p.completedAt !== undefined || p.position !== undefined);
  };
  const firstOpened = progress !== undefined && progress.newCardOrder !== 'course';
  const key = (lessonId: string) => (firstOpened && !opened(lessonId) ? 1e9 : 0) + (rank.get(lessonId) ?? 1e8);
  return content.questions
    .map((q, i) => ({ id: q.id, k: key(q.lesson), i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.id);
}

/** The cards in the learner's study order (their opened lessons and their new-card setting). */
export function studyOrder(data: AppData): string[] {
  return cardIds(data.content, data.store.settings.get());
}
