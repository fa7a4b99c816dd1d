// `ftlab content check`: every problem at once, as `path:line:col: message`, or one JSON document.
import { relative, join } from 'node:path';
import { loadContent, type ContentCounts } from './loader.js';
import { formatProblem, type Problem } from './problems.js';

export interface CheckReport {
  ok: boolean;
  root: string;
  problems: Problem[];
  counts: ContentCounts;
}

export function checkContent(root: string): CheckReport {
  const index = loadContent(root);
  return { ok: index.problems.length === 0, root: index.root, problems: index.problems, counts: index.counts };
}

/** One line per problem, with paths relative to the current directory so terminals can open them. */
export function formatProblems(report: CheckReport, cwd = process.cwd()): string[] {
  return report.problems.map((p) => formatProblem({ ...p, path: displayPath(report.root, p.path, cwd) }));
}

function displayPath(root: string, path: string, cwd: string): string {
  const rel = relative(cwd, join(root, path));
  return rel.startsWith('..') && rel.split('/').filter((s) => s === '..').length > 2 ? join(root, path) : rel;
}

export function summary(counts: ContentCounts): string {
  const types = Object.entries(counts.byType)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');
  return (
    `${counts.modules} module${s(counts.modules)}, ${counts.lessons} lesson${s(counts.lessons)}, ` +
    `${counts.questions} question${s(counts.questions)} (${counts.items} gradable item${s(counts.items)}${types ? `: ${types}` : ''}), ` +
    `${counts.labs} lab${s(counts.labs)} with ${counts.checks} check${s(counts.checks)}`
  );
}

function s(n: number): string {
  return n === 1 ? '' : 's';
}

/** Runs the command; returns the exit code (0 clean, 1 problems). */
export function runContentCheck(root: string, opts: { json?: boolean }): number {
  const report = checkContent(root);
  if (opts.json) {
    process.stdout.write(JSON.stringify({ ok: report.ok, root: report.root, problems: report.problems, counts: report.counts }, null, 2) + '\n');
  } else {
    const lines = formatProblems(report);
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    const what = summary(report.counts);
    if (report.ok) process.stdout.write(`✓ content is valid: ${what}\n`);
    else process.stderr.write(`✗ ${report.problems.length} problem${s(report.problems.length)} found (broken items are skipped by the app). Loaded: ${what}\n`);
  }
  return report.ok ? 0 : 1;
}
