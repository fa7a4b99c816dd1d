// Screen registry: route name → component file in src/ui/screens/. Each screen is its own lazily
// loaded chunk (esbuild bundles every file the import pattern below can match), so opening the
// home screen never loads the lesson reader's Markdown and highlight.js code.
// To add a screen: add its route to routes.ts, create src/ui/screens/<File>.tsx with a default
// export taking ScreenProps, and map it here.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { ScreenName, ScreenProps } from './routes.js';

export const SCREEN_FILES: Record<ScreenName, string> = {
  home: 'Home',
  lessons: 'LessonList',
  lesson: 'Lesson',
  stats: 'Stats',
  help: 'Help',
  labs: 'Labs',
  quiz: 'Quiz',
  review: 'Review',
  exam: 'Exam',
  lab: 'LabRunner',
};

// Screens differ in their route params; the map below pairs each route with its own screen.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyScreen = ComponentType<ScreenProps<any>>;

export class MissingScreenError extends Error {}

const loaded = new Map<ScreenName, AnyScreen>();
const lazies = new Map<ScreenName, LazyExoticComponent<AnyScreen>>();

/** Loads a screen's module; rejects with MissingScreenError when this build has no such file. */
export async function loadScreen(name: ScreenName): Promise<AnyScreen> {
  const hit = loaded.get(name);
  if (hit) return hit;
  let mod: { default?: AnyScreen };
  try {
    mod = await import(`../screens/${SCREEN_FILES[name]}.tsx`);
  } catch (err) {
    const msg = (err as Error).message ?? '';
    if (/not found|Cannot find module|Failed to load|does not exist/i.test(msg)) {
      throw new MissingScreenError(`the ${name} screen is not part of this build (src/ui/screens/${SCREEN_FILES[name]}.tsx)`);
    }
    throw err;
  }
  if (typeof mod.default !== 'function') throw new MissingScreenError(`src/ui/screens/${SCREEN_FILES[name]}.tsx has no default export`);
  loaded.set(name, mod.default);
  return mod.default;
}

/** The component for a screen: the loaded one if available (no Suspense flash), else a lazy one. */
export function screenComponent(name: ScreenName): AnyScreen {
  const hit = loaded.get(name);
  if (hit) return hit;
  let lz = lazies.get(name);
  if (!lz) {
    lz = lazy(async () => ({ default: await loadScreen(name) }));
    lazies.set(name, lz);
  }
  return lz;
}
