// What this process has opened, in one place: for an environment (content root + progress home) the
// full course data once it is loaded, and the home screen's data read from the outline cache before
// that. Every screen and command shares them, so there is one store, one Deck (one undo stack) and the
// course is parsed at most once. Light on purpose: the home screen imports it without the content loader.
import type { ContentIndex, LoadedLesson } from '../core/content/loader.js';
import type { ProgressStore } from '../core/store/index.js';
import type { Deck } from '../core/srs/deck.js';
import type { HomeInputs } from './home-summary.js';
import type { CourseOutline } from './outline-cache.js';
import { resetSession } from './store-session.js';

/** Where the app reads content from and stores progress. Set once by the command that starts it. */
export interface AppEnv {
  /** Root holding content/, quizzes/ and labs/. */
  contentRoot: string;
  /** FTLAB_HOME, or undefined for the store's default (conf's OS config dir). */
  home?: string;
}

/** The content, the store and the deck, opened together (app-data.ts). */
export interface AppData {
  content: ContentIndex;
  store: ProgressStore;
  deck: Deck;
  /** Lines to show: recovered store files first, then skipped content. */
  warnings: string[];
  /** Lessons in reading order: by module order, then lesson order. */
  lessonsInOrder: LoadedLesson[];
  /** The course at a glance (what the home screen needs). */
  outline: CourseOutline;
}

/** What the home screen needs (home-data.ts): the outline, the store, the deck and the warnings. */
export interface HomeData extends HomeInputs {
  /** Content problems and recovered store files. */
  warnings: string[];
}

const keyOf = (env: AppEnv) => `${env.contentRoot}\0${env.home ?? ''}`;

let full: { key: string; data: AppData } | undefined;
let home: { key: string; data: HomeData } | undefined;

export const appContext = {
  /** The full data if this process already loaded it for `env` (never loads). */
  loaded(env: AppEnv): AppData | undefined {
    return full?.key === keyOf(env) ? full.data : undefined;
  },
  setLoaded(env: AppEnv, data: AppData): void {
    full = { key: keyOf(env), data };
  },
  /** Home data read from the outline cache for `env`, if any (the full data wins when loaded). */
  home(env: AppEnv): HomeData | undefined {
    return this.loaded(env) ?? (home?.key === keyOf(env) ? home.data : undefined);
  },
  setHome(env: AppEnv, data: HomeData): void {
    home = { key: keyOf(env), data };
  },
  /** Forget everything (tests switch homes; `progress import` replaces the store's files). */
  reset(): void {
    full = undefined;
    home = undefined;
    resetSession();
  },
};
