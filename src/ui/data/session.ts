// The progress store and the Deck, opened once per process and shared by every screen (one undo
// stack, one log position). Kept apart from the content loader so the home screen can start without
// loading every lesson and question bank (see outline.ts).
import { ProgressStore } from '../../store/index.js';
import { Deck } from '../../srs/deck.js';

export interface StoreSession {
  store: ProgressStore;
  deck: Deck;
  /** Recovered or migrated store files, as lines to show once. */
  warnings: string[];
}

let cached: { home: string; session: StoreSession } | undefined;

export function openSession(home: string | undefined): StoreSession {
  const key = home ?? '';
  if (cached?.home === key) return cached.session;
  const store = ProgressStore.open({ home });
  const deck = Deck.open(store);
  const warnings = store.warnings.map((w) => `${w.message}${w.backup ? ` (damaged copy kept as ${w.backup})` : ''}`);
  cached = { home: key, session: { store, deck, warnings } };
  return cached.session;
}

export function resetSession(): void {
  cached = undefined;
}
