// Implementations of `ftlab lab list | verify | dev-check` (flags are declared in src/cli/flags/lab.ts).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FailedError, UsageError } from '../shared/errors.js';
import type { StoreWarning } from '../core/store/warnings.js';
import { loadContent, type ContentIndex, type LoadedLab } from '../core/content/loader.js';
import { checkKinds } from '../engines/labs/registry.js';
import { closest, formatProblem } from '../core/content/problems.js';
import { devCheckLab, type DevCheckResult } from '../engines/labs/dev-check.js';
import { formatReport, verifyLab, type VerifyReport } from '../engines/labs/runner.js';
import { plural } from '../shared/plural.js';

export interface OutputStyle {
  json?: boolean;
  ascii?: boolean;
  color?: boolean;
}

function write(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

function note(text: string): void {
  process.stderr.write(text + '\n');
}

/** Loads the content and warns (on stderr) about problems in lab files. */
function loadLabs(root: string): ContentIndex {
  const index = loadContent(root, { checkKinds });
  const labProblems = index.problems.filter((p) => p.path.startsWith('labs/'));
  if (labProblems.length) {
    note(`warning: ${labProblems.length} problem${labProblems.length === 1 ? '' : 's'} in lab files (broken labs are left out):`);
    for (const p of labProblems.slice(0, 10)) note(`  ${formatProblem(p)}`);
    if (labProblems.length > 10) note(`  … run ftlab content check for all of them`);
  }
  return index;
}

function findLab(index: ContentIndex, id: string): LoadedLab {
  const lab = index.labById.get(id);
  if (lab) return lab;
  const broken = index.problems.find((p) => p.path.startsWith(`labs/${id}/`));
  if (broken)
    throw new FailedError(
      `lab "${id}" has problems and cannot run: ${formatProblem(broken)}`,
      'run ftlab content check to see every problem',
    );
  const known = [...index.labById.keys()];
  const guess = closest(id, known);
  throw new UsageError(
    `unknown lab "${id}"${guess ? ` (did you mean "${guess}"?)` : ''}`,
    known.length ? `labs: ${known.join(', ')} (ftlab lab list)` : 'this content root has no labs',
  );
}

// ---- list ---------------------------------------------------------------------------------------

export function listLabs(root: string, style: OutputStyle): number {
  const index = loadLabs(root);
  const labs = index.labs.map((lab) => ({
    id: lab.id,
    title: lab.title,
    summary: lab.summary,
    minutes: lab.minutes,
    requires: lab.requires,
    lessons: lab.lessons,
    steps: lab.steps.length,
    checks: lab.steps.reduce((n, s) => n + s.checks.length, 0),
    reference: Boolean(lab.reference),
    path: lab.source.path,
  }));
  if (style.json) {
    write(JSON.stringify({ labs }, null, 2));
    return 0;
  }
  if (labs.length === 0) {
    write('No labs in this content root (labs/<id>/lab.yaml).');
    return 0;
  }
  const idWidth = Math.max(2, ...labs.map((l) => l.id.length));
  for (const l of labs) {
    const requires = l.requires.length ? `  requires: ${l.requires.join(', ')}` : '';
    write(
      `${l.id.padEnd(idWidth)}  ${l.title}  (~${l.minutes} min, ${l.steps} step${l.steps === 1 ? '' : 's'}, ${l.checks} check${l.checks === 1 ? '' : 's'})${requires}`,
    );
    write(`${' '.repeat(idWidth)}  ${l.summary}`);
  }
  write(`\nOpen one with: ftlab lab open ID    Grade your work with: ftlab lab verify ID`);
  return 0;
}

// ---- open ---------------------------------------------------------------------------------------

export interface OpenFlags extends OutputStyle {
  screenReader?: boolean;
  home?: string;
  interactive: boolean;
  /** Serving lab: where its model server (--port) and API (--api-port) listen. */
  port?: string;
  apiPort?: string;
}

/**
 * `lab open serving --port N --api-port N`: the serving lab's ports, handed to its screen through
 * FTLAB_SERVING_LAB_PORTS (0 = any free port). Other labs start no servers, so the flags are refused there.
 */
export function servingPortsFlag(labId: string, flags: Pick<OpenFlags, 'port' | 'apiPort'>): string | undefined {
  if (flags.port === undefined && flags.apiPort === undefined) return undefined;
  if (labId !== 'serving') throw new UsageError(`--port and --api-port are for the serving lab only (this is "${labId}")`);
  const parse = (flag: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > 65535)
      throw new UsageError(`${flag} must be a port number from 0 to 65535 (0 = any free port), got "${value}"`);
    return n;
  };
  return `${parse('--port', flags.port, 11435)},${parse('--api-port', flags.apiPort, 8000)}`;
}

/** The lab runner in a terminal; without one, the lab's steps as plain text (or JSON). */
export async function openLab(root: string, id: string, flags: OpenFlags): Promise<number> {
  const index = loadLabs(root);
  const lab = findLab(index, id);
  const ports = servingPortsFlag(lab.id, flags);
  if (ports !== undefined) process.env.FTLAB_SERVING_LAB_PORTS = ports;
  if (flags.interactive && !flags.json) {
    const { openTui } = await import('./tui.js');
    await openTui(
      { screen: 'lab', labId: lab.id },
      { root, home: flags.home, screenReader: Boolean(flags.screenReader), ascii: Boolean(flags.ascii), json: false },
    );
    // Ctrl-C in the app set 130 (128 + SIGINT); the caller's `process.exitCode = …` must not turn it into 0.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  }
  const steps = lab.steps.map((s) => ({
    id: s.id,
    title: s.title,
    instructions: s.instructions,
    checks: s.checks.map((c) => ({ kind: c.kind, message: c.message })),
  }));
  if (flags.json) {
    write(
      JSON.stringify(
        { id: lab.id, title: lab.title, summary: lab.summary, minutes: lab.minutes, requires: lab.requires, lessons: lab.lessons, steps },
        null,
        2,
      ),
    );
    return 0;
  }
  const out = [`${lab.title} (${lab.id}, ~${lab.minutes} min)`, lab.summary];
  if (lab.requires.length) out.push(`Requires: ${lab.requires.join(', ')}`);
  lab.steps.forEach((s, i) => {
    out.push('', `## Step ${i + 1}/${lab.steps.length}: ${s.title}`, '', s.instructions.trimEnd());
    if (s.checks.length)
      out.push('', `(${s.checks.length} check${s.checks.length === 1 ? '' : 's'}: ftlab lab verify ${lab.id} --step ${s.id})`);
  });
  out.push('', `Grade the whole lab with: ftlab lab verify ${lab.id}`, 'Open this lab in a terminal for the interactive runner.');
  write(out.join('\n'));
  return 0;
}

// ---- path ---------------------------------------------------------------------------------------

export interface PathFlags {
  home?: string;
  /** The shipped lab folder instead of the working folder. */
  package?: boolean;
}

/**
 * `ftlab lab path ID`: the lab's working folder (created, or completed, from the lab's data/ and
 * starter/ on the way; see app/lab-workspace.ts), one line on stdout for `cd "$(ftlab lab path ID)"`.
 */
export async function labPath(root: string, id: string, flags: PathFlags): Promise<number> {
  // A lab folder with its lab.yaml is enough: the course need not be loaded (this runs inside $(...)).
  const shipped = resolve(root, 'labs', id);
  const dir = /^[a-z0-9][a-z0-9-]*$/.test(id) && existsSync(resolve(shipped, 'lab.yaml')) ? shipped : findLab(loadLabs(root), id).dir;
  if (flags.package) {
    write(dir);
    return 0;
  }
  const { ensureHome, resolveHome } = await import('../core/store/home.js');
  const { ensureLabWorkspace } = await import('../app/lab-workspace.js');
  const workspace = ensureLabWorkspace(ensureHome(resolveHome(flags.home)), id, dir);
  if (workspace.copied.length)
    note(
      `ftlab: lab folder ready, ${workspace.copied.length} file${workspace.copied.length === 1 ? '' : 's'} copied from the ${id} lab (files you change are never overwritten)`,
    );
  write(workspace.dir);
  return 0;
}

// ---- verify -------------------------------------------------------------------------------------

export interface VerifyFlags extends OutputStyle {
  url?: string;
  adapter?: string;
  option?: string[];
  seed?: string;
  step?: string[];
  record?: boolean;
  home?: string;
}

export function parseVerifyOptions(flags: VerifyFlags): { options: Record<string, string>; seed?: number } {
  const options: Record<string, string> = {};
  for (const pair of flags.option ?? []) {
    const m = /^([a-z][a-z0-9_-]*)=(.*)$/i.exec(pair);
    if (!m) throw new UsageError(`--option expects NAME=VALUE, got "${pair}"`);
    // Values that name files are taken from the current directory (checks resolve the rest from the lab folder).
    const value = m[2]!;
    options[m[1]!] =
      /^(\.{1,2})?[\\/]/.test(value) || (value !== '' && !value.includes('://') && existsSync(value)) ? resolve(value) : value;
  }
  if (flags.url !== undefined) {
    let url: URL;
    try {
      url = new URL(flags.url);
    } catch {
      throw new UsageError(`--url is not a URL: "${flags.url}"`, 'for example --url http://127.0.0.1:8000');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new UsageError(`--url must be http:// or https://, got "${flags.url}"`);
    options.url = flags.url.replace(/\/+$/, '');
  }
  if (flags.adapter !== undefined) options.adapter = resolve(flags.adapter);
  let seed: number | undefined;
  if (flags.seed !== undefined) {
    seed = Number(flags.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31)
      throw new UsageError(`--seed must be a whole number between 0 and 2147483648, got "${flags.seed}"`);
  }
  return { options, seed };
}

export async function verify(root: string, id: string, flags: VerifyFlags): Promise<number> {
  const { options, seed } = parseVerifyOptions(flags);
  // Recording needs a usable progress folder: say so before the labs load and the checks run, not after (one line, exit 1).
  if (flags.record !== false) await import('../core/store/home.js').then((m) => m.ensureHome(m.resolveHome(flags.home)));
  const index = loadLabs(root);
  const lab = findLab(index, id);
  for (const step of flags.step ?? []) {
    if (!lab.steps.some((s) => s.id === step))
      throw new UsageError(`lab "${lab.id}" has no step "${step}"`, `steps: ${lab.steps.map((s) => s.id).join(', ')}`);
  }
  const controller = new AbortController();
  // SIGINT and SIGTERM stop the checks (and any API the grader started); exit 128 + signal number.
  let interruptedBy: number | undefined;
  const onSigint = () => ((interruptedBy = 130), controller.abort(new Error('interrupted')));
  const onSigterm = () => ((interruptedBy = 143), controller.abort(new Error('interrupted')));
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  let report: VerifyReport;
  const live = !flags.json && process.stderr.isTTY === true;
  try {
    if (!flags.json)
      note(
        `Verifying lab ${lab.id} (${plural(
          lab.steps.filter((s) => !flags.step || flags.step.includes(s.id)).reduce((n, s) => n + s.checks.length, 0),
          'check',
        )})…`,
      );
    report = await verifyLab(lab, {
      contentRoot: index.root,
      home: flags.home,
      options,
      seed,
      steps: flags.step,
      signal: controller.signal,
      // On a terminal, a slow check (the LoRA label check) says how far it is on one line that is
      // rewritten in place and cleared when the check ends.
      ...(live
        ? { onProgress: (text: string) => process.stderr.write(`\r\x1b[K  ${text}`), onResult: () => process.stderr.write('\r\x1b[K') }
        : {}),
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigterm);
  }
  if (interruptedBy !== undefined) {
    // An interrupted run says nothing about the learner's work: report it, record nothing.
    note('interrupted: the checks that ran are shown; nothing was recorded');
    if (flags.json) write(JSON.stringify(report, null, 2));
    else write(formatReport(report, { ascii: flags.ascii, color: flags.color }));
    return interruptedBy;
  }
  if (flags.record !== false) await recordResults(report, lab, flags.home);
  if (flags.json) write(JSON.stringify(report, null, 2));
  else write(formatReport(report, { ascii: flags.ascii, color: flags.color }));
  return report.ok ? 0 : 1;
}

/** Step results go to the progress store, so the home screen and the lab runner show them. */
async function recordResults(report: VerifyReport, lab: LoadedLab, home: string | undefined): Promise<void> {
  try {
    const { SettingsStore } = await import('../core/store/index.js');
    const warnings: StoreWarning[] = [];
    const settings = SettingsStore.open(home, warnings);
    // A repair of settings.json is never silent (the copy stays listed by `ftlab progress repairs`).
    for (const w of warnings) note(`warning: ${w.message}${w.backup ? ` (the damaged copy is kept as ${w.backup})` : ''}`);
    const { recordLabRun } = await import('../app/lab-progress.js');
    recordLabRun(
      settings,
      lab,
      report.steps.map((step) => ({
        stepId: step.id,
        passed: step.ok,
        detail: step.checks
          .filter((c) => !c.ok)
          .map((c) => c.message)
          .join(' / '),
      })),
    );
  } catch (err) {
    note(`warning: could not save the lab result: ${(err as Error).message}`);
  }
}

// ---- dev-check ----------------------------------------------------------------------------------

export async function devCheck(root: string, ids: string[], flags: OutputStyle & { cliPath?: string }): Promise<number> {
  const index = loadLabs(root);
  const labs = ids.length ? ids.map((id) => findLab(index, id)) : index.labs.filter((l) => l.reference);
  const results: DevCheckResult[] = [];
  const skipped: string[] = [];
  for (const lab of labs) {
    if (!flags.json) note(`dev-check ${lab.id}…`);
    const r = await devCheckLab(lab, { contentRoot: index.root, cliPath: flags.cliPath });
    if (r) results.push(r);
    else skipped.push(lab.id);
  }
  const ok = results.every((r) => r.ok);
  if (flags.json) {
    write(JSON.stringify({ ok, labs: results, skipped }, null, 2));
    return ok ? 0 : 1;
  }
  if (results.length === 0) {
    write('No lab declares a reference solution and starter (lab.yaml "reference"); nothing to check.');
    return 0;
  }
  const pass = flags.ascii ? '[ok]' : '✓';
  const fail = flags.ascii ? '[FAIL]' : '✗';
  for (const r of results) {
    write(`${r.ok ? pass : fail} ${r.lab}`);
    for (const t of [r.solution, r.starter]) {
      const rep = t.report;
      const what = t.error
        ? `could not run: ${t.error}`
        : t.target === 'solution'
          ? `${rep!.passed}/${rep!.total} checks pass${t.ok ? '' : ' (every check must pass the reference solution)'}`
          : `${rep!.failed}/${rep!.total} checks fail${t.ok ? '' : ' (a starter must fail at least one check: these checks cannot tell it from a solution)'}`;
      write(`    ${t.ok ? pass : fail} ${t.target}: ${what}`);
      if (t.target === 'solution' && rep && !t.ok) {
        for (const c of rep.steps.flatMap((s) => s.checks).filter((c) => !c.ok))
          write(`        ${c.step}/${c.kind}: ${c.detail || c.message}`);
      }
    }
  }
  for (const id of skipped) write(`- ${id}: no reference solution declared`);
  return ok ? 0 : 1;
}
