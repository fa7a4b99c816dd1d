// Checking a content folder: every problem at once, as a report (src/commands/content.ts prints it for
// `ftlab content check`). The caller passes the check kinds lab files may name.
import { relative, join } from 'node:path';
import { loadContent, type CheckKindSpecs, type ContentCounts } from './loader.js';
import { compareProblems, formatProblem, type Problem } from './problems.js';
import { qualityWarnings, type QualityOptions } from './quality.js';

export interface CheckReport {
  /** No problems (warnings do not count: they are listed, but the content works). */
  ok: boolean;
  root: string;
  problems: Problem[];
  /** Course-order and bank-quality warnings (messages start with "warning: "). */
  warnings: Problem[];
  counts: ContentCounts & { warnings: number };
}

export function checkContent(root: string, checkKinds: CheckKindSpecs, quality: QualityOptions = {}): CheckReport {
  const index = loadContent(root, { checkKinds });
  const warnings = [...index.warnings, ...qualityWarnings(index, quality)].sort(compareProblems);
  return {
    ok: index.problems.length === 0,
    root: index.root,
    problems: index.problems,
    warnings,
    counts: { ...index.counts, warnings: warnings.length },
  };
}

/** One line per problem, with paths relative to the current directory so terminals can open them. */
export function formatProblems(report: CheckReport, cwd = process.cwd()): string[] {
  return report.problems.map((p) => formatProblem({ ...p, path: displayPath(report.root, p.path, cwd) }));
}

/** One line per warning, as `formatProblems` does for problems. */
export function formatWarnings(report: CheckReport, cwd = process.cwd()): string[] {
  return report.warnings.map((p) => formatProblem({ ...p, path: displayPath(report.root, p.path, cwd) }));
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

export function s(n: number): string {
  return n === 1 ? '' : 's';
}
