// One place where the UI opens the content and the progress store, once per process, so every
// screen shares the same Deck (its undo stack and the log position) and nothing is loaded twice.
// Screens use `useAppData()`; non-interactive commands call `openAppData()` directly.
import { loadContent, type ContentIndex, type LoadedLesson } from '../core/content/loader.js';
import { formatProblem } from '../core/content/problems.js';
import type { ProgressStore, LessonProgress } from '../core/store/index.js';
import type { Deck } from '../core/srs/deck.js';
import type { AppEnv } from '../ui/contexts/AppEnvContext.js';
import { openSession, resetSession } from './store-session.js';
import { outlineOf, writeCachedOutline, type CourseOutline } from './outline-cache.js';
import { registerLoadedSource, resetHomeData } from './home-data.js';

export interface AppData {
  content: ContentIndex;
  store: ProgressStore;
  deck: Deck;
  /** Lines to show once: skipped content and recovered store files. */
  warnings: string[];
  /** Lessons in reading order: by module order, then lesson order. */
  lessonsInOrder: LoadedLesson[];
  /** The course at a glance (what the home screen needs). */
  outline: CourseOutline;
}

let cached: { key: string; data: AppData } | undefined;

export function openAppData(env: AppEnv): AppData {
  const key = `${env.contentRoot}\0${env.home ?? ''}`;
  if (cached?.key === key) return cached.data;
  // The store first: an unusable progress folder fails at once, before the content is parsed.
  const { store, deck, warnings: storeWarnings } = openSession(env.home);
  const content = loadContent(env.contentRoot);
  const ordered = lessonsInOrder(content);
  // Store notices first: a screen shows the first warnings, and a repaired progress file matters most.
  const warnings = [...storeWarnings, ...content.problems.map((p) => `skipped: ${formatProblem(p)}`)];
  const data: AppData = { content, store, deck, warnings, lessonsInOrder: ordered, outline: outlineOf(content, ordered) };
  cached = { key, data };
  // Keep the home screen's outline cache in step with what was just loaded.
  writeCachedOutline(store.home, env.contentRoot, data.outline);
  return data;
}

registerLoadedSource((env) => loadedAppData(env));

/** Forget the cached data (tests, or after `progress import`). */
export function resetAppData(): void {
  cached = undefined;
  resetSession();
  resetHomeData();
}

/** The data if this process already loaded it for `env` (no loading). */
export function loadedAppData(env: AppEnv): AppData | undefined {
  const key = `${env.contentRoot}\0${env.home ?? ''}`;
  return cached?.key === key ? cached.data : undefined;
}

export function lessonsInOrder(content: ContentIndex): LoadedLesson[] {
  const modOrder = new Map(content.modules.map((m) => [m.id, m.order]));
  return [...content.lessons].sort(
    (a, b) => (modOrder.get(a.module) ?? 1e9) - (modOrder.get(b.module) ?? 1e9) || a.module.localeCompare(b.module) || a.order - b.order || a.id.localeCompare(b.id),
  );
}

export function lessonProgress(data: AppData, lessonId: string): LessonProgress {
  return data.store.settings.get().lessons[lessonId] ?? {};
}

/** Question (card) ids of the whole bank, in bank order. */
export function cardIds(content: ContentIndex): string[] {
  return content.questions.map((q) => q.id);
}
