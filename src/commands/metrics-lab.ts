// `ftlab metrics lab …`: the metrics lab's graded questions without the TUI. `show` prints each
// question (drawing and storing its seed the first time), `answer` checks the syntax and stores the
// answer in the progress store, `scores` records the learner's own scores file. Grading itself is
// `ftlab lab verify metrics`.
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { UsageError } from '../shared/errors.js';
import { contentRoot, homeOverride } from '../shared/paths.js';
import { printJson } from '../shared/output.js';
import { answersPath, readAnswers, resolveHome, updateAnswers } from '../engines/labs/metrics/answers.js';
import { TASKS, taskById, type Question } from '../engines/labs/metrics/tasks.js';

function labDirOf(contentFlag?: string): string {
  const dir = join(contentRoot(contentFlag), 'labs', 'metrics');
  if (!existsSync(join(dir, 'data'))) throw new UsageError(`no metrics lab data in ${dir}`);
  return dir;
}

function render(q: Question, answered?: unknown): string {
  const lines = [`[${q.task}] ${q.text}`];
  if (q.item) lines.push(`  output:    ${q.item.hypothesis}`, `  reference: ${q.item.reference}`);
  q.choices?.forEach((c, i) => lines.push(`  ${String.fromCharCode(97 + i)}) ${c.label}`));
  lines.push(`  answer as: ${q.format}`);
  if (answered !== undefined) lines.push(`  your stored answer: ${JSON.stringify(answered)}`);
  return lines.join('\n');
}

/** The seed of a task's question: the stored one, else a new one (kept so the question stays the same). */
function seedFor(path: string, task: string): number {
  const data = readAnswers(path);
  const existing = data.answers[task]?.seed ?? data.seeds[task];
  if (existing !== undefined) return existing;
  const seed = randomInt(1, 2 ** 31 - 1);
  updateAnswers(path, (a) => {
    a.seeds[task] = seed;
  });
  return seed;
}

export async function runLabShow(task: string | undefined, opts: { json?: boolean; content?: string }): Promise<void> {
  const labDir = labDirOf(opts.content);
  const path = answersPath(await resolveHome(homeOverride()));
  const defs = task ? [taskById(task)] : TASKS;
  if (defs.some((d) => !d)) throw new UsageError(`unknown task '${task}'`, `tasks: ${TASKS.map((t) => t.id).join(', ')}`);
  const answers = readAnswers(path).answers;
  const questions = defs.map((d) => d!.question(labDir, seedFor(path, d!.id)));
  if (opts.json) printJson({ questions: questions.map((q) => ({ ...q, answered: answers[q.task]?.answer ?? null })) });
  else process.stdout.write(questions.map((q) => render(q, answers[q.task]?.answer)).join('\n\n') + '\n');
}

export async function runLabAnswer(task: string, value: string, opts: { json?: boolean; content?: string }): Promise<void> {
  const def = taskById(task);
  if (!def) throw new UsageError(`unknown task '${task}'`, `tasks: ${TASKS.map((t) => t.id).join(', ')}`);
  const labDir = labDirOf(opts.content);
  const path = answersPath(await resolveHome(homeOverride()));
  const seed = seedFor(path, task);
  const q = def.question(labDir, seed);
  let answer: unknown;
  try {
    answer = def.parse(value, q);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  updateAnswers(path, (a) => {
    a.answers[task] = { seed, answer, at: new Date().toISOString() };
    delete a.seeds[task];
  });
  if (opts.json) printJson({ task, seed, answer, stored: path });
  else process.stdout.write(`stored your answer to ${task} (${JSON.stringify(answer)}); grade it with: ftlab lab verify metrics\n`);
}

export async function runLabScores(file: string, opts: { json?: boolean }): Promise<void> {
  const full = resolve(file);
  if (!existsSync(full)) throw new UsageError(`no such file: ${full}`);
  const path = answersPath(await resolveHome(homeOverride()));
  updateAnswers(path, (a) => {
    a.scores_file = full;
  });
  if (opts.json) printJson({ scores_file: full, stored: path });
  else process.stdout.write(`recorded ${full} as your scores file; grade it with: ftlab lab verify metrics\n`);
}
