// `ftlab content check`: prints the report of src/core/content/check.ts as `path:line:col: message`
// lines (or one JSON document) and returns the exit code.
import { checkContent, formatProblems, formatWarnings, s, summary } from '../core/content/check.js';

/** Runs the command; returns the exit code (0 clean, 1 problems; warnings are listed but do not fail it). */
export async function runContentCheck(root: string, opts: { json?: boolean }): Promise<number> {
  const { checkKinds } = await import('../engines/labs/registry.js');
  const report = checkContent(root, checkKinds);
  if (opts.json) {
    process.stdout.write(
      JSON.stringify(
        { ok: report.ok, root: report.root, problems: report.problems, warnings: report.warnings, counts: report.counts },
        null,
        2,
      ) + '\n',
    );
  } else {
    const lines = [...formatProblems(report), ...formatWarnings(report)];
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    const n = report.warnings.length;
    const what = summary(report.counts) + (n ? `; ${n} warning${s(n)} (listed above; they do not fail the check)` : '');
    if (report.ok) process.stdout.write(`✓ content is valid: ${what}\n`);
    else
      process.stderr.write(
        `✗ ${report.problems.length} problem${s(report.problems.length)} found (broken items are skipped by the app). Loaded: ${what}\n`,
      );
  }
  return report.ok ? 0 : 1;
}
