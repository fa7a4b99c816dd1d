// What the home screen shows, as plain data (also printed by `ftlab` without a TTY): due cards,
// streak, progress per module and the one next thing worth doing.
import { computeStats, type Stats } from '../core/stats/index.js';
import type { Question } from '../core/content/schema.js';
import type { ProgressStore } from '../core/store/index.js';
import type { Deck } from '../core/srs/deck.js';
import type { CourseOutline } from './outline-cache.js';

/** What the home screen is computed from: the course outline and the learner's store. */
export interface HomeInputs {
  outline: CourseOutline;
  store: ProgressStore;
  deck: Deck;
}

export interface ModuleProgress {
  id: string;
  title: string;
  lessonsDone: number;
  lessons: number;
  /** Share of the module's cards mastered (0–1); null when the module has no questions. */
  mastery: number | null;
  cards: number;
}

/** Where the next step leads; each shape is also a UI route (src/ui/app/routes.ts). */
export type NextStep = { screen: 'exam' } | { screen: 'review' } | { screen: 'lesson'; lessonId: string };

export interface NextAction {
  label: string;
  route: NextStep;
}

export interface HomeSummary {
  /** Cards to review now (learning + due reviews within today's limit). */
  due: number;
  /** New cards still to introduce today (within the daily limit). */
  newToday: number;
  streak: Stats['streak'];
  lessonsDone: number;
  lessons: number;
  modules: ModuleProgress[];
  exam: { inProgress: boolean; answered: number; items: number; minutesLeft: number } | null;
  lastExam: { scaled: number; passed: boolean; submittedAt: number } | null;
  labs: number;
  next: NextAction;
}

export function homeSummary(data: HomeInputs, now = Date.now()): HomeSummary {
  const { outline, store, deck } = data;
  deck.refresh();
  const queue = deck.queue(
    outline.questions.map((q) => q.id),
    now,
  );
  const lessonModule = new Map(outline.lessons.map((l) => [l.id, l.module]));
  const stats = computeStats({
    store,
    deck,
    // computeStats reads only id, lesson and module of each question (the outline's fields).
    questions: outline.questions as unknown as ReadonlyArray<Question & { module?: string }>,
    modules: outline.modules,
    moduleOf: (lessonId) => lessonModule.get(lessonId),
    now,
    days: 1,
    forecastDays: 1,
  });
  const settings = store.settings.get();
  const done = (id: string) => settings.lessons[id]?.completedAt !== undefined;
  const mastery = new Map(stats.mastery.map((m) => [m.module, m]));
  const modules: ModuleProgress[] = [...outline.modules]
    .sort((a, b) => a.order - b.order)
    .map((m) => {
      const lessons = outline.lessons.filter((l) => l.module === m.id);
      const ms = mastery.get(m.id);
      return {
        id: m.id,
        title: m.title,
        lessons: lessons.length,
        lessonsDone: lessons.filter((l) => done(l.id)).length,
        cards: ms?.cards ?? 0,
        mastery: ms && ms.cards > 0 ? ms.share : null,
      };
    });
  const session = store.exams.current();
  const exam = session
    ? {
        inProgress: true,
        answered: Object.keys(session.answers).length,
        items: session.draws.reduce((n, d) => n + d.items.length, 0),
        minutesLeft: Math.max(0, Math.ceil((session.deadline - now) / 60_000)),
      }
    : null;
  const last = stats.exams[stats.exams.length - 1];
  const due = queue.due.length;
  const newToday = queue.fresh.length;
  const summary: Omit<HomeSummary, 'next'> = {
    due,
    newToday,
    streak: stats.streak,
    lessonsDone: outline.lessons.filter((l) => done(l.id)).length,
    lessons: outline.lessons.length,
    modules,
    exam,
    lastExam: last ? { scaled: last.scaled, passed: last.passed, submittedAt: last.submittedAt } : null,
    labs: outline.labs,
  };
  return { ...summary, next: nextAction(data, summary) };
}

/** The single most useful next step, in priority order. */
export function nextAction(data: HomeInputs, s: Omit<HomeSummary, 'next'>): NextAction {
  if (s.exam)
    return {
      label: `Resume your mock exam (${s.exam.answered}/${s.exam.items} answered, ${s.exam.minutesLeft} min left)`,
      route: { screen: 'exam' },
    };
  if (s.due > 0) return { label: `Review ${s.due} due card${s.due === 1 ? '' : 's'}`, route: { screen: 'review' } };
  const lessons = data.store.settings.get().lessons;
  // A lesson opened but not finished, most recent first.
  const open = data.outline.lessons
    .filter((l) => lessons[l.id]?.lastOpenedAt !== undefined && lessons[l.id]?.completedAt === undefined)
    .sort((a, b) => (lessons[b.id]!.lastOpenedAt ?? 0) - (lessons[a.id]!.lastOpenedAt ?? 0))[0];
  if (open) return { label: `Continue reading "${open.title}"`, route: { screen: 'lesson', lessonId: open.id } };
  const unread = data.outline.lessons.find((l) => lessons[l.id]?.completedAt === undefined);
  if (unread && s.newToday > 0 && s.lessonsDone > 0) {
    // New cards from lessons already read are worth learning before moving on.
    const readLessons = new Set(data.outline.lessons.filter((l) => lessons[l.id]?.completedAt !== undefined).map((l) => l.id));
    if (data.outline.questions.some((q) => readLessons.has(q.lesson) && data.deck.card(q.id) === null)) {
      return {
        label: `Learn ${s.newToday} new card${s.newToday === 1 ? '' : 's'} from lessons you have read`,
        route: { screen: 'review' },
      };
    }
  }
  if (unread) return { label: `Read the next lesson: "${unread.title}"`, route: { screen: 'lesson', lessonId: unread.id } };
  if (s.newToday > 0) return { label: `Learn ${s.newToday} new card${s.newToday === 1 ? '' : 's'}`, route: { screen: 'review' } };
  return { label: s.lastExam ? 'Take another mock exam' : 'Take a mock exam', route: { screen: 'exam' } };
}

/** The plain-text home screen printed without a TTY. */
export function homeText(s: HomeSummary, warnings: readonly string[]): string {
  const out: string[] = [];
  out.push('ftlab — study summary');
  out.push('');
  out.push(`Due now: ${s.due} card${s.due === 1 ? '' : 's'} (${s.newToday} new available today)`);
  out.push(
    `Streak: ${s.streak.current} day${s.streak.current === 1 ? '' : 's'}${s.streak.activeToday ? ' (studied today)' : ''}, longest ${s.streak.longest}`,
  );
  out.push(`Lessons completed: ${s.lessonsDone}/${s.lessons}`);
  if (s.exam) out.push(`Mock exam in progress: ${s.exam.answered}/${s.exam.items} answered, ${s.exam.minutesLeft} min left`);
  if (s.lastExam) out.push(`Last mock exam: ${s.lastExam.scaled}/1000 (estimate), ${s.lastExam.passed ? 'pass' : 'fail'}`);
  out.push('');
  out.push('Progress by module:');
  const w = Math.max(10, ...s.modules.map((m) => m.title.length));
  for (const m of s.modules) {
    const mastery = m.mastery === null ? 'no questions' : `mastery ${Math.round(m.mastery * 100)}%`;
    out.push(`  ${m.title.padEnd(w)}  lessons ${m.lessonsDone}/${m.lessons}  ${mastery}`);
  }
  out.push('');
  out.push(`Next: ${s.next.label}`);
  out.push(...warningLines(warnings));
  out.push('');
  out.push('Run ftlab in an interactive terminal for the full app (ftlab --help lists every command).');
  return out.join('\n') + '\n';
}

/** At most `max` warning lines for plain-text output, then a count of the rest. */
export function warningLines(warnings: readonly string[], max = 5): string[] {
  const out = warnings.slice(0, max).map((w) => `warning: ${w}`);
  if (warnings.length > max) out.push(`warning: … and ${warnings.length - max} more (run ftlab content check for the full list)`);
  return out;
}
