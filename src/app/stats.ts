import { computeStats, type Stats } from '../core/stats/index.js';
import type { AppData } from './app-data.js';

/** computeStats over the whole bank and every module, for the stats screen and `ftlab stats`. */
export function statsFor(data: AppData, opts: { days?: number; now?: number } = {}): Stats {
  data.deck.refresh();
  return computeStats({
    store: data.store,
    deck: data.deck,
    questions: data.content.questions,
    modules: [...data.content.modules].sort((a, b) => a.order - b.order),
    moduleOf: (lessonId) => data.content.lessonById.get(lessonId)?.module,
    days: opts.days,
    now: opts.now,
  });
}
