// The practice screens use the app's shared content, store and deck (src/app/app-data.ts), so the
// home screen, the lesson reader and these screens see one Deck: one undo stack, one log position.
import { openAppData, resetAppData, type AppData } from './app-data.js';

export type StudyData = AppData;

export function loadStudyData(contentRoot: string, home?: string): StudyData {
  return openAppData({ contentRoot, home });
}

/** Forget the cached data (tests switch homes and content roots). */
export function resetStudyData(): void {
  resetAppData();
}

export { cardIds } from './app-data.js';
