// The progress store and the Deck, opened once per process and shared by every screen (one undo
// stack, one log position). Kept apart from the content loader so the home screen can start without
// loading every lesson and question bank (see outline.ts).
import { ProgressStore } from '../core/store/index.js';
import { Deck } from '../core/srs/deck.js';

export interface StoreSession {
  store: ProgressStore;
  deck: Deck;
  /** Recovered or migrated store files and repairs not dismissed yet: shown at every open (store.notices). */
  warnings: string[];
}

let cached: { home: string; session: StoreSession } | undefined;

export function openSession(home: string | undefined): StoreSession {
  const key = home ?? '';
  if (cached?.home === key) return cached.session;
  const store = ProgressStore.open({ home });
  const deck = Deck.open(store);
  const warnings = store.notices;
  cached = { home: key, session: { store, deck, warnings } };
  return cached.session;
}

export function resetSession(): void {
  cached = undefined;
}

/**
 * For commands without the TUI: print the store's notices on stderr (stdout stays data, --json included),
 * every run until the user acts on them. Returns `warnings` without them, for the command's own output.
 */
export function announceStoreNotices(warnings: readonly string[]): string[] {
  const notices = cached?.session.warnings ?? [];
  for (const line of notices) process.stderr.write(`ftlab: warning: ${line}\n`);
  return warnings.filter((w) => !notices.includes(w));
}
