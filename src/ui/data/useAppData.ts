import { useAppEnv } from '../contexts/AppEnvContext.js';
import { openAppData, type AppData } from './appData.js';

/** Content, store and deck for the current environment (opened on first use, then shared). */
export function useAppData(): AppData {
  return openAppData(useAppEnv());
}
