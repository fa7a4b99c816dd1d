// `ftlab review`, `ftlab quiz` and `ftlab exam`: the TUI in a terminal; otherwise (no TTY, or --json)
// a plain summary of what the screen would show, and exit. Nothing here waits for keys.
import { printJson } from '../shared/output.js';
import { UsageError } from '../shared/errors.js';
import type { ContentIndex } from '../core/content/loader.js';
import type { ExamAttemptRecord, ExamSessionRecord } from '../core/store/index.js';
import { STATE_NAMES } from '../core/store/index.js';
import { openTui, wantsTui, type StudyFlags } from './tui.js';
import { cardIds, openAppData } from '../app/app-data.js';
import { announceStoreNotices } from '../app/store-session.js';
import { DEFAULT_QUIZ_SIZE, describeQuizFilter, dueLines, matchingQuestions, type QuizFilter } from '../app/quiz-plan.js';

// ---- review -------------------------------------------------------------------------------------

export async function runReview(flags: StudyFlags): Promise<void> {
  if (wantsTui(flags)) return openTui({ screen: 'review' }, flags);
  const data = openAppData({ contentRoot: flags.root, home: flags.home });
  const warnings = announceStoreNotices(data.warnings);
  const now = Date.now();
  data.deck.refresh();
  const queue = data.deck.queue(cardIds(data.content), now);
  const limits = data.deck.limits();
  const describe = (id: string) => {
    const q = data.content.questionById.get(id)!;
    const snap = data.deck.card(id);
    return {
      id,
      type: q.type,
      lesson: q.lesson,
      state: snap ? STATE_NAMES[snap.state] : 'new',
      due: snap ? new Date(snap.due).toISOString() : null,
      prompt: q.prompt,
    };
  };
  if (flags.json) {
    printJson({
      due: queue.due.length,
      new: queue.fresh.length,
      counts: queue.counts,
      limits,
      nextLearningDue: queue.nextLearningDue ? new Date(queue.nextLearningDue).toISOString() : null,
      cards: [...queue.due, ...queue.fresh].map(describe),
      warnings: data.warnings,
    });
    return;
  }
  const out: string[] = [];
  out.push(`Review: ${queue.due.length} due, ${queue.fresh.length} new (of ${queue.counts.newAvailable} never seen).`);
  out.push(
    `Daily limits: ${limits.reviewsPerDay} reviews (${queue.counts.reviewsLeftToday} left), ${limits.newPerDay} new cards (${queue.counts.newLeftToday} left).`,
  );
  out.push(...dueLines(queue, limits, now));
  const list = [...queue.due, ...queue.fresh].slice(0, 10).map(describe);
  if (list.length) {
    out.push('', 'Next up:');
    for (const c of list) out.push(`  ${c.id} (${c.type}, ${c.state}): ${oneLine(c.prompt)}`);
  }
  out.push('', 'Run `ftlab review` in a terminal to start.');
  write(out, warnings);
}

// ---- quiz ---------------------------------------------------------------------------------------

export interface QuizFlags extends StudyFlags {
  lesson?: string;
  module?: string;
  domain?: string;
  n?: string;
}

/** Checks the quiz flags against the content (unknown ids are usage errors, with a hint). */
export function parseQuizFilter(content: ContentIndex, flags: QuizFlags): QuizFilter {
  const given = (['lesson', 'module', 'domain'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1)
    throw new UsageError(`choose one of --lesson, --module and --domain (got ${given.map((g) => `--${g}`).join(' and ')})`);
  const filter: QuizFilter = {};
  if (flags.lesson !== undefined) {
    if (!content.lessonById.has(flags.lesson))
      throw new UsageError(
        `unknown lesson "${flags.lesson}"`,
        `lesson ids: ${[...content.lessonById.keys()].slice(0, 12).join(', ')}${content.lessonById.size > 12 ? ', …' : ''} (ftlab learn --json lists all)`,
      );
    filter.lesson = flags.lesson;
  }
  if (flags.module !== undefined) {
    if (!content.moduleById.has(flags.module))
      throw new UsageError(`unknown module "${flags.module}"`, `module ids: ${[...content.moduleById.keys()].join(', ')}`);
    filter.module = flags.module;
  }
  if (flags.domain !== undefined) {
    const d = Number(flags.domain);
    if (!Number.isInteger(d) || d < 1 || d > 5)
      throw new UsageError(`--domain must be an AIF-C01 domain number 1-5, got "${flags.domain}"`);
    filter.domain = d;
  }
  if (flags.n !== undefined) {
    const n = Number(flags.n);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`-n must be a whole number of questions ≥ 1, got "${flags.n}"`);
    filter.n = n;
  }
  return filter;
}

export async function runQuiz(flags: QuizFlags): Promise<void> {
  const data = openAppData({ contentRoot: flags.root, home: flags.home });
  const filter = parseQuizFilter(data.content, flags);
  if (wantsTui(flags))
    return openTui({ screen: 'quiz', lesson: filter.lesson, module: filter.module, domain: filter.domain, count: filter.n }, flags);
  const warnings = announceStoreNotices(data.warnings);
  const matching = matchingQuestions(data.content, filter);
  const size = Math.min(matching.length, filter.n ?? DEFAULT_QUIZ_SIZE);
  const byType: Record<string, number> = {};
  for (const q of matching) byType[q.type] = (byType[q.type] ?? 0) + 1;
  if (flags.json) {
    printJson({
      filter: {
        lesson: filter.lesson ?? null,
        module: filter.module ?? null,
        domain: filter.domain ?? null,
        n: filter.n ?? DEFAULT_QUIZ_SIZE,
      },
      matching: matching.length,
      size,
      byType,
      questions: matching.map((q) => ({
        id: q.id,
        type: q.type,
        lesson: q.lesson,
        module: q.module,
        domain: q.domain,
        difficulty: q.difficulty,
        prompt: q.prompt,
      })),
      warnings: data.warnings,
    });
    return;
  }
  const out: string[] = [];
  out.push(
    `Quiz on ${describeQuizFilter(data.content, filter)}: ${matching.length} matching question(s); a quiz asks ${size} of them in random order.`,
  );
  if (matching.length) {
    out.push(
      `Types: ${Object.entries(byType)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}.`,
    );
    out.push('', 'Questions:');
    for (const q of matching) out.push(`  ${q.id} (${q.type}, domain ${q.domain}, ${q.difficulty}): ${oneLine(q.prompt)}`);
  } else out.push('Try another lesson, module or domain.');
  out.push('', 'Run `ftlab quiz …` in a terminal to take it.');
  write(out, warnings);
}

// ---- exam ---------------------------------------------------------------------------------------

export interface ExamFlags extends StudyFlags {
  short?: boolean;
  full?: boolean;
}

export function examSummary(attempts: ExamAttemptRecord[], current: ExamSessionRecord | undefined, now = Date.now()) {
  return {
    inProgress: current
      ? {
          id: current.id,
          mode: current.mode,
          startedAt: new Date(current.startedAt).toISOString(),
          items: current.draws.reduce((s, d) => s + d.items.length, 0),
          answered: Object.keys(current.answers).length,
          flagged: current.flags.length,
          msLeft: Math.max(0, current.deadline - now),
          expired: current.deadline <= now,
        }
      : null,
    history: attempts.map((a) => ({
      id: a.id,
      mode: a.mode,
      submittedAt: new Date(a.submittedAt).toISOString(),
      correct: a.correct,
      total: a.total,
      scaledEstimate: a.scaled,
      passed: a.passed,
      autoSubmitted: a.autoSubmitted,
      byDomain: a.byDomain,
    })),
  };
}

export async function runExam(flags: ExamFlags): Promise<void> {
  if (flags.short && flags.full) throw new UsageError('choose one of --short and --full');
  const mode = flags.short ? 'short' : flags.full ? 'full' : undefined;
  if (wantsTui(flags)) return openTui({ screen: 'exam', mode }, flags);
  const data = openAppData({ contentRoot: flags.root, home: flags.home });
  const warnings = announceStoreNotices(data.warnings);
  const summary = examSummary(data.store.exams.attempts(), data.store.exams.current());
  if (flags.json) {
    printJson({ ...summary, warnings: data.warnings });
    return;
  }
  const out: string[] = [];
  const cur = summary.inProgress;
  if (cur) {
    out.push(
      cur.expired
        ? `A ${cur.mode} exam ran out of time while ftlab was closed (${cur.answered} of ${cur.items} answered); open \`ftlab exam\` in a terminal to submit it and see the result.`
        : `Exam in progress: ${cur.mode}, ${cur.answered} of ${cur.items} answered, ${cur.flagged} flagged, ${Math.ceil(cur.msLeft / 60_000)} min left. Run \`ftlab exam\` in a terminal to resume.`,
    );
  } else out.push('No exam in progress. Run `ftlab exam --short` (or --full: 65 questions, 90 minutes) in a terminal.');
  if (summary.history.length) {
    out.push('', "Attempts (scaled score is an estimate, not AWS's official score; 700 passes):");
    for (const a of summary.history) {
      out.push(
        `  ${a.submittedAt.slice(0, 16).replace('T', ' ')}  ${a.mode.padEnd(5)}  ${String(a.correct).padStart(3)}/${String(a.total).padEnd(3)}  ~${a.scaledEstimate}  ${a.passed ? 'pass' : 'fail'}${a.autoSubmitted ? '  (time ran out)' : ''}`,
      );
    }
  } else out.push('No finished attempts yet.');
  write(out, warnings);
}

// ---- helpers ------------------------------------------------------------------------------------

function oneLine(s: string, max = 90): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function write(lines: string[], warnings: string[]): void {
  for (const w of warnings.slice(0, 3)) process.stderr.write(`warning: ${w}\n`);
  if (warnings.length > 3) process.stderr.write(`warning: … and ${warnings.length - 3} more (run ftlab content check)\n`);
  process.stdout.write(lines.join('\n') + '\n');
}
