// Where the app reads content from and stores progress. Set once by the CLI.
import { createContext, useContext, type ReactNode } from 'react';
import type { AppEnv } from '../../app/context.js';

export type { AppEnv };

const AppEnvContext = createContext<AppEnv | null>(null);

export function AppEnvProvider({ env, children }: { env: AppEnv; children: ReactNode }) {
  return <AppEnvContext.Provider value={env}>{children}</AppEnvContext.Provider>;
}

export function useAppEnv(): AppEnv {
  const env = useContext(AppEnvContext);
  if (!env) throw new Error('useAppEnv must be used inside <AppEnvProvider>');
  return env;
}
