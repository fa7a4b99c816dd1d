// Data for the home screen without loading the whole course when it can be avoided: the outline
// comes from the data this process already loaded, else from the outline cache, else the content is
// loaded (and the cache refreshed). The content loader is imported only in that last case.
import type { AppEnv } from '../ui/contexts/AppEnvContext.js';
import type { HomeInputs } from './home-summary.js';
import { readCachedOutline, writeCachedOutline } from './outline-cache.js';
import { openSession } from './store-session.js';

export interface HomeData extends HomeInputs {
  /** Content problems and recovered store files. */
  warnings: string[];
}

let prepared: { key: string; data: HomeData } | undefined;
/** Set by appData.ts when the full content is loaded, so home never reads a stale cache after it. */
let fromLoaded: ((env: AppEnv) => HomeData | undefined) | undefined;

const keyOf = (env: AppEnv) => `${env.contentRoot}\0${env.home ?? ''}`;

export function registerLoadedSource(source: (env: AppEnv) => HomeData | undefined): void {
  fromLoaded = source;
}

/** Home data if available without loading content (synchronous). */
export function homeDataIfReady(env: AppEnv): HomeData | undefined {
  const loaded = fromLoaded?.(env);
  if (loaded) return loaded;
  if (prepared?.key === keyOf(env)) return prepared.data;
  const session = openSession(env.home);
  const outline = readCachedOutline(session.store.home, env.contentRoot);
  if (!outline) return undefined;
  prepared = { key: keyOf(env), data: { outline, store: session.store, deck: session.deck, warnings: [...session.warnings, ...outline.warnings] } };
  return prepared.data;
}

/** Home data, loading the content (and refreshing the outline cache) when no cache matches. */
export async function prepareHomeData(env: AppEnv): Promise<HomeData> {
  const ready = homeDataIfReady(env);
  if (ready) return ready;
  const { openAppData } = await import('./app-data.js');
  const data = openAppData(env);
  writeCachedOutline(data.store.home, env.contentRoot, data.outline);
  return data;
}

export function resetHomeData(): void {
  prepared = undefined;
}
