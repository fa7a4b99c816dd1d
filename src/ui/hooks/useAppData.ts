import { useAppEnv } from '../contexts/AppEnvContext.js';
import { openAppData, type AppData } from '../../app/app-data.js';

/** Content, store and deck for the current environment (opened on first use, then shared). */
export function useAppData(): AppData {
  return openAppData(useAppEnv());
}
