// Data for the home screen without loading the whole course when it can be avoided: the outline
// comes from the data this process already loaded, else from the outline cache, else the content is
// loaded (and the cache refreshed). The content loader is imported only in that last case.
import { appContext, type AppEnv, type HomeData } from './context.js';
import { readCachedOutline, writeCachedOutline } from './outline-cache.js';
import { openSession } from './store-session.js';

export type { HomeData };

/** Home data if available without loading content (synchronous); the full data wins once loaded. */
export function homeDataIfReady(env: AppEnv): HomeData | undefined {
  const ready = appContext.home(env);
  if (ready) return ready;
  const session = openSession(env.home);
  const outline = readCachedOutline(session.store.home, env.contentRoot);
  if (!outline) return undefined;
  const data: HomeData = { outline, store: session.store, deck: session.deck, warnings: [...session.warnings, ...outline.warnings] };
  appContext.setHome(env, data);
  return data;
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
