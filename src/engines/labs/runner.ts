// Runs a lab's checks, step by step, through the check-kind registry. Used by `ftlab lab verify`,
// `ftlab lab dev-check` and the interactive lab runner. A check that throws or hangs is a failed
// check with a clear detail, never a crash of the runner.
import { randomInt } from 'node:crypto';
import type { LoadedLab } from '../../core/content/loader.js';
import type { LabCheck, LabStep } from '../../core/content/schema.js';
import { checkKinds as registeredKinds } from './registry.js';
import type { CheckContext, CheckKindTable } from './types.js';

/** A check that takes longer than this fails (servers that never answer, runaway training). */
export const CHECK_TIMEOUT_MS = 120_000;

export interface CheckResult {
  step: string;
  /** Index of the check within its step. */
  index: number;
  kind: string;
  ok: boolean;
  /** The lab's failure message (only when the check failed). */
  message?: string;
  /** The lab's hint (only when the check failed). */
  hint?: string;
  /** What was observed. */
  detail?: string;
  data?: unknown;
  /** Why the check could not run here (then `ok` is true: a skip fails nothing). */
  skipped?: string;
  ms: number;
}

export interface StepResult {
  id: string;
  title: string;
  ok: boolean;
  checks: CheckResult[];
}

export interface VerifyReport {
  lab: string;
  title: string;
  ok: boolean;
  seed: number;
  passed: number;
  failed: number;
  /** Checks that could not run here (counted in neither passed nor failed). */
  skipped: number;
  total: number;
  steps: StepResult[];
}

export interface VerifyOptions {
  contentRoot: string;
  home?: string;
  /** --url, --adapter and other verify options. */
  options?: Record<string, string | undefined>;
  /** Fixed seed (reproduce a run); random otherwise. */
  seed?: number;
  signal?: AbortSignal;
  /** Only these step ids (default: every step). */
  steps?: string[];
  checkKinds?: CheckKindTable;
  timeoutMs?: number;
  /** Called as each check finishes (live progress). */
  onResult?: (result: CheckResult) => void;
  /** Called while a slow check runs, with how far it is (CheckContext.progress). */
  onProgress?: (note: string) => void;
}

export function randomSeed(): number {
  return randomInt(1, 2 ** 31 - 1);
}

export async function runCheck(
  lab: LoadedLab,
  step: LabStep,
  index: number,
  opts: VerifyOptions & { seed: number },
): Promise<CheckResult> {
  const check: LabCheck = step.checks[index]!;
  const kinds = opts.checkKinds ?? registeredKinds;
  const started = performance.now();
  const base = { step: step.id, index, kind: check.kind };
  const failed = (detail: string, data?: unknown): CheckResult => ({
    ...base,
    ok: false,
    message: check.message,
    hint: check.hint,
    detail,
    ...(data === undefined ? {} : { data }),
    ms: performance.now() - started,
  });
  const kind = Object.prototype.hasOwnProperty.call(kinds, check.kind) ? kinds[check.kind] : undefined;
  if (!kind) return failed(`unknown check kind "${check.kind}" (run ftlab content check)`);

  const timeoutMs = opts.timeoutMs ?? CHECK_TIMEOUT_MS;
  const timeout = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout.signal]) : timeout.signal;
  const ctx: CheckContext = {
    contentRoot: opts.contentRoot,
    labDir: lab.dir,
    home: opts.home,
    options: { ...(opts.options ?? {}) },
    seed: opts.seed,
    signal,
    ...(opts.onProgress ? { progress: opts.onProgress } : {}),
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      kind.run(ctx, check.args),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timeout.abort(new Error('timeout'));
          reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        timer.unref?.();
      }),
    ]);
    if (outcome.skipped) return { ...base, ok: true, skipped: outcome.skipped, ms: performance.now() - started };
    if (!outcome.ok) return failed(outcome.detail ?? '', outcome.data);
    return {
      ...base,
      ok: true,
      ...(outcome.detail ? { detail: outcome.detail } : {}),
      ...(outcome.data === undefined ? {} : { data: outcome.data }),
      ms: performance.now() - started,
    };
  } catch (err) {
    return failed(`the check could not run: ${(err as Error)?.message ?? String(err)}`);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Runs every check of every step (in order) and reports each one. */
export async function verifyLab(lab: LoadedLab, opts: VerifyOptions): Promise<VerifyReport> {
  const seed = opts.seed ?? randomSeed();
  const steps: StepResult[] = [];
  for (const step of lab.steps) {
    if (opts.steps && !opts.steps.includes(step.id)) continue;
    const checks: CheckResult[] = [];
    for (let i = 0; i < step.checks.length; i++) {
      if (opts.signal?.aborted) break;
      const result = await runCheck(lab, step, i, { ...opts, seed });
      checks.push(result);
      opts.onResult?.(result);
    }
    steps.push({ id: step.id, title: step.title, ok: checks.length === step.checks.length && checks.every((c) => c.ok), checks });
  }
  const all = steps.flatMap((s) => s.checks);
  const skipped = all.filter((c) => c.skipped).length;
  const passed = all.filter((c) => c.ok).length - skipped;
  const total = steps.reduce((n, s) => n + (lab.steps.find((x) => x.id === s.id)?.checks.length ?? 0), 0);
  return { lab: lab.id, title: lab.title, ok: passed + skipped === total, seed, passed, failed: total - passed - skipped, skipped, total, steps };
}

export interface ReportStyle {
  ascii?: boolean;
  color?: boolean;
  /** Print each failed check's hint (default true). */
  hints?: boolean;
}

/** The per-check report `ftlab lab verify` prints. */
export function formatReport(report: VerifyReport, style: ReportStyle = {}): string {
  const paint = (code: number, s: string) => (style.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const pass = style.ascii ? '[pass]' : '✓';
  const fail = style.ascii ? '[FAIL]' : '✗';
  const out: string[] = [`Lab ${report.lab}: ${report.title}  (seed ${report.seed})`];
  report.steps.forEach((step, i) => {
    out.push('', `Step ${i + 1}/${report.steps.length}: ${step.title} [${step.id}]`);
    if (step.checks.length === 0) out.push('  (no checks in this step)');
    for (const c of step.checks) {
      if (c.skipped) {
        out.push(`  ${paint(33, style.ascii ? '[skip]' : '–')} ${c.kind}: skipped: ${c.skipped}`);
      } else if (c.ok) {
        out.push(`  ${paint(32, pass)} ${c.kind}${c.detail ? `: ${c.detail}` : ''}`);
      } else {
        out.push(`  ${paint(31, fail)} ${c.kind}: ${c.message}`);
        if (c.detail) out.push(`      observed: ${c.detail}`);
        if (style.hints !== false && c.hint) out.push(`      hint: ${c.hint}`);
      }
    }
  });
  const skips = report.skipped ? `, ${report.skipped} skipped (could not run here: see above)` : '';
  out.push(
    '',
    report.total === 0
      ? 'No checks to run: the steps chosen only ask you to read and try the commands.'
      : report.ok
      ? paint(
          32,
          report.skipped
            ? `${report.passed}/${report.total} checks passed${skips}, none failed.`
            : report.total === 1
              ? 'The check passed.'
              : `All ${report.total} checks passed.`,
        )
      : paint(31, `${report.passed}/${report.total} checks passed, ${report.failed} failed${skips}.`),
  );
  return out.join('\n');
}
