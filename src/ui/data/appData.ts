// One place where the UI opens the content and the progress store, once per process, so every
// screen shares the same Deck (its undo stack and the log position) and nothing is loaded twice.
// Screens use `useAppData()`; non-interactive commands call `openAppData()` directly.
import { loadContent, type ContentIndex, type LoadedLesson } from '../../content/loader.js';
import { formatProblem } from '../../content/problems.js';
import { ProgressStore, type LessonProgress } from '../../store/index.js';
import { Deck } from '../../srs/deck.js';
import type { AppEnv } from '../contexts/AppEnvContext.js';

export interface AppData {
  content: ContentIndex;
  store: ProgressStore;
  deck: Deck;
  /** Lines to show once: skipped content and recovered store files. */
  warnings: string[];
  /** Lessons in reading order: by module order, then lesson order. */
  lessonsInOrder: LoadedLesson[];
}

let cached: { key: string; data: AppData } | undefined;

export function openAppData(env: AppEnv): AppData {
  const key = `${env.contentRoot}\0${env.home ?? ''}`;
  if (cached?.key === key) return cached.data;
  const content = loadContent(env.contentRoot);
  const store = ProgressStore.open({ home: env.home });
  const deck = Deck.open(store);
  const warnings = [
    ...content.problems.map((p) => `skipped: ${formatProblem(p)}`),
    ...store.warnings.map((w) => `${w.message}${w.backup ? ` (damaged copy kept as ${w.backup})` : ''}`),
  ];
  const data: AppData = { content, store, deck, warnings, lessonsInOrder: lessonsInOrder(content) };
  cached = { key, data };
  return data;
}

/** Forget the cached data (tests, or after `progress import`). */
export function resetAppData(): void {
  cached = undefined;
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
