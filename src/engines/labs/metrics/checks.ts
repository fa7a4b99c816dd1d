// Check kinds of the metrics lab (`ftlab lab verify metrics`):
//   metrics-answer      a graded question answered in the lab (or with `ftlab metrics lab answer`),
//                       recomputed for the seed stored with the answer
//   metrics-own-scorer  the learner's own BLEU / ROUGE-L file for a lab set, item by item
// Answers come from <home>/labs/metrics/answers.json, or from the file named by `-o answers=FILE`;
// the scores file from `-o scores=FILE` or the one loaded in the lab. The engine modules are imported
// inside run() so that content validation, which loads this table, stays light.
import { isAbsolute, resolve } from 'node:path';
import type { CheckContext, CheckKind, CheckKindTable } from '../types.js';

const TASK_IDS = ['rougeL-winner', 'clipped-precision', 'zero-bleu', 'brevity-penalty'];
const SET_NAMES = ['summarisation', 'translation'];

async function answersFor(ctx: CheckContext) {
  const a = await import('./answers.js');
  const path = ctx.options.answers ? resolve(ctx.options.answers) : a.answersPath(await a.resolveHome(ctx.home));
  return { path, data: a.readAnswers(path) };
}

const metricsAnswer: CheckKind = {
  description: 'a graded metrics-lab question (args: task) is answered correctly for its seeded variant',
  validateArgs(args) {
    return typeof args.task === 'string' && TASK_IDS.includes(args.task) ? [] : [`"task" must be one of ${TASK_IDS.join(', ')}`];
  },
  async run(ctx, args) {
    const task = args.task as string;
    const { taskById } = await import('./tasks.js');
    const def = taskById(task)!;
    const { path, data } = await answersFor(ctx);
    const stored = data.answers[task];
    if (!stored) {
      return { ok: false, detail: `no answer for "${task}" yet (looked in ${path}); answer it in the lab or with: ftlab metrics lab answer ${task} VALUE` };
    }
    const q = def.question(ctx.labDir, stored.seed);
    const g = def.grade(stored.answer, q, ctx.labDir);
    return { ok: g.ok, detail: g.ok ? g.detail : `${g.detail}`, data: { task, seed: stored.seed, answer: stored.answer, item: q.item?.id } };
  },
};

const metricsOwnScorer: CheckKind = {
  description: "the learner's own sentence BLEU / ROUGE-L scores for a lab set match ftlab's item by item (args: set, metrics)",
  validateArgs(args) {
    const problems: string[] = [];
    if (typeof args.set !== 'string' || !SET_NAMES.includes(args.set)) problems.push(`"set" must be one of ${SET_NAMES.join(', ')}`);
    if (args.metrics !== undefined && !(Array.isArray(args.metrics) && args.metrics.length > 0 && args.metrics.every((m) => m === 'bleu' || m === 'rougeL'))) {
      problems.push('"metrics" must be a non-empty list of "bleu" and/or "rougeL"');
    }
    return problems;
  },
  async run(ctx, args) {
    let file = ctx.options.scores;
    if (!file) file = (await answersFor(ctx)).data.scores_file;
    if (!file) {
      return { ok: false, detail: 'no scores file: pass -o scores=FILE (JSONL lines {"id","system","bleu","rougeL"}) or load it in the lab' };
    }
    const path = isAbsolute(file) ? file : resolve(file);
    const { gradeOwnScores, describeReport } = await import('./own-scorer.js');
    const report = gradeOwnScores(ctx.labDir, args.set as 'summarisation' | 'translation', path, (args.metrics as ('bleu' | 'rougeL')[] | undefined) ?? ['bleu', 'rougeL']);
    return { ok: report.ok, detail: describeReport(report), data: report };
  },
};

export const checks: CheckKindTable = {
  'metrics-answer': metricsAnswer,
  'metrics-own-scorer': metricsOwnScorer,
};
