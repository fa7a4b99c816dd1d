// Loads what the practice screens need (content, progress store, FSRS deck) once per process and
// shares it between the quiz, review and exam screens and the plain-text (non-TTY) summaries.
// Loading is synchronous: content loads in well under 200 ms and the store opens a few small files.
import { formatProblem } from '../../content/problems.js';
import { loadContent, type ContentIndex } from '../../content/loader.js';
import { Deck } from '../../srs/index.js';
import { openStore, type ProgressStore } from '../../store/index.js';

export interface StudyData {
  content: ContentIndex;
  store: ProgressStore;
  deck: Deck;
  /** One line each: content items skipped and store files recovered. Shown once, above the screen. */
  warnings: string[];
}

let cached: { key: string; data: StudyData } | undefined;

export function loadStudyData(contentRoot: string, home?: string): StudyData {
  const key = `${contentRoot}\0${home ?? ''}`;
  if (cached?.key === key) return cached.data;
  const content = loadContent(contentRoot);
  const store = openStore({ home });
  const deck = Deck.open(store);
  const warnings = [
    ...(content.problems.length
      ? [`${content.problems.length} content problem(s), broken items skipped (first: ${formatProblem(content.problems[0]!)}); run ftlab content check`]
      : []),
    ...store.warnings.map((w) => `${w.message}${w.backup ? ` (damaged copy kept at ${w.backup})` : ''}`),
  ];
  cached = { key, data: { content, store, deck, warnings } };
  return cached.data;
}

/** Forget the cached data (tests switch homes and content roots). */
export function resetStudyData(): void {
  cached = undefined;
}

/** Card ids of every loaded question, in bank order (a case question is one card). */
export function cardIds(content: ContentIndex): string[] {
  return content.questions.map((q) => q.id);
}
