// `ftlab review`, `ftlab quiz` and `ftlab exam`: the TUI in a terminal; otherwise (no TTY, or --json)
// a plain summary of what the screen would show, and exit. Nothing here waits for keys.
import { printJson } from '../shared/output.js';
import { FailedError, UsageError } from '../shared/errors.js';
import type { ContentIndex } from '../core/content/loader.js';
import type { QuestionType } from '../core/content/schema.js';
import { EXAM_TASKS, QUESTION_TYPES } from '../core/content/vocabulary.js';
import { EXAM_MODES, ExamDrawError, domainName, notExamReason, planExam, type ExamPlan } from '../core/exam/index.js';
import type { ExamAttemptRecord, ExamSessionRecord } from '../core/store/index.js';
import { STATE_NAMES } from '../core/store/index.js';
import { openTui, wantsTui, type StudyFlags } from './tui.js';
import { openAppData, studyOrder } from '../app/app-data.js';
import { announceStoreNotices } from '../app/store-session.js';
import { DEFAULT_QUIZ_SIZE, describeQuizFilter, dueLines, matchingQuestions, type QuizFilter } from '../app/quiz-plan.js';
import { plural } from '../shared/plural.js';

// ---- review -------------------------------------------------------------------------------------

export async function runReview(flags: StudyFlags): Promise<void> {
  if (wantsTui(flags)) return openTui({ screen: 'review' }, flags);
  const data = openAppData({ contentRoot: flags.root, home: flags.home });
  const warnings = announceStoreNotices(data.warnings);
  const now = Date.now();
  data.deck.refresh();
  const queue = data.deck.queue(studyOrder(data), now);
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
    `Daily limits: ${plural(limits.reviewsPerDay, 'review')} (${queue.counts.reviewsLeftToday} left), ${plural(limits.newPerDay, 'new card')} (${queue.counts.newLeftToday} left).`,
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
  type?: string;
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
  if (flags.type !== undefined) {
    if (!(QUESTION_TYPES as readonly string[]).includes(flags.type))
      throw new UsageError(`unknown question type "${flags.type}"`, `types: ${QUESTION_TYPES.join(', ')}`);
    filter.type = flags.type as QuestionType;
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
    return openTui(
      { screen: 'quiz', lesson: filter.lesson, module: filter.module, domain: filter.domain, type: filter.type, count: filter.n },
      flags,
    );
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
        type: filter.type ?? null,
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
      byTask: Array.isArray(a.byTask) ? a.byTask : [],
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

// ---- exam draw ----------------------------------------------------------------------------------

export interface ExamDrawFlags extends StudyFlags {
  short?: boolean;
  full?: boolean;
  seed?: string;
}

/** Parse --seed: a whole number 0…2^32-1 (the draw's seeded random generator takes 32 bits). */
export function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n > 0xffffffff)
    throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got "${text}"`);
  return n;
}

/**
 * `ftlab exam draw`: what a mock would ask, without starting one (nothing is written to the store). For
 * instructors: the same bank and seed give the same draw. The learner's history is not used here (a
 * learner's own mock also puts questions seen in earlier mocks last).
 */
export async function runExamDraw(flags: ExamDrawFlags): Promise<void> {
  if (flags.short && flags.full) throw new UsageError('choose one of --short and --full');
  const mode = flags.short ? 'short' : 'full';
  const seed = parseSeed(flags.seed) ?? Math.floor(Math.random() * 0x1_0000_0000);
  const data = openAppData({ contentRoot: flags.root, home: flags.home });
  const warnings = announceStoreNotices(data.warnings);
  let plan: ExamPlan;
  try {
    plan = planExam(data.content.questions, mode, seed);
  } catch (err) {
    if (err instanceof ExamDrawError) throw new FailedError(err.message, err.hint);
    throw err;
  }
  const excluded: Record<string, number> = {};
  for (const q of data.content.questions) {
    const why = notExamReason(q);
    if (why === null) continue;
    const kind = q.exam === false ? 'examFalse' : q.type === 'case' ? 'caseWithNonExamParts' : `type:${q.type}`;
    excluded[kind] = (excluded[kind] ?? 0) + 1;
  }
  const items = plan.draws.flatMap((d) => d.parts.map((p) => ({ ...p, question: d.question })));
  const perTask: Record<string, number> = {};
  for (const it of items) if (it.task) perTask[it.task] = (perTask[it.task] ?? 0) + 1;
  const perType: Record<string, number> = {};
  for (const it of items) perType[it.type] = (perType[it.type] ?? 0) + 1;
  if (flags.json) {
    printJson({
      mode,
      seed,
      minutes: EXAM_MODES[mode].minutes,
      scoredItems: items.length,
      draws: plan.draws.length,
      perDomain: Object.fromEntries(plan.perDomain),
      perTask,
      perType,
      questions: plan.draws.map((d) => ({
        id: d.question,
        type: d.type,
        domain: d.domain,
        task: d.task ?? null,
        items: d.parts.map((p) => ({ key: p.key, type: p.type, domain: p.domain, task: p.task ?? null })),
      })),
      excluded,
      warnings: data.warnings,
    });
    return;
  }
  const out: string[] = [];
  out.push(
    `A ${mode} mock exam, seed ${seed}: ${plural(items.length, 'scored item')} from ${plural(plan.draws.length, 'question')}, ${EXAM_MODES[mode].minutes} minutes.`,
  );
  out.push(`By domain: ${[...plan.perDomain].map(([d, n]) => `D${d} ${n}`).join(', ')} (AIF-C01 weights 20/24/28/14/14 %).`);
  out.push(
    `By type: ${Object.entries(perType)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}.`,
  );
  out.push('', 'Items in exam order (case parts one per line):');
  items.forEach((it, i) => {
    const task = it.task ? `${it.task} ${EXAM_TASKS[it.task as keyof typeof EXAM_TASKS] ?? ''}`.trim() : 'no task';
    out.push(`  ${String(i + 1).padStart(2)}. ${it.key}  ${it.type}  D${it.domain} ${domainName(it.domain)}  ·  ${task}`);
  });
  const left = Object.entries(excluded);
  if (left.length)
    out.push(
      '',
      `Not drawable in a mock: ${left.map(([k, n]) => `${n} ${k === 'examFalse' ? 'marked exam: false' : k === 'caseWithNonExamParts' ? 'case(s) with a non-exam part' : k.slice(5)}`).join(', ')}.`,
    );
  out.push('', `Same draw again: ftlab exam draw --${mode} --seed ${seed}`);
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
