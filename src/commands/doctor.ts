// `ftlab doctor`: a preflight of everything ftlab and its labs rely on. Required checks (Node,
// content, a writable store) make it exit 1; optional ones (terminal features, Ollama) only warn,
// because every lab also works with ftlab's built-in backend.
import { accessSync, constants, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { loadContent } from '../core/content/loader.js';
import { checkKinds } from '../engines/labs/registry.js';
import { formatProblem } from '../core/content/problems.js';
import { ensureHome } from '../core/store/home.js';

export type Status = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  name: string;
  status: Status;
  /** Failing it makes doctor exit 1. */
  required: boolean;
  summary: string;
  details?: Record<string, unknown>;
  hint?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  contentRoot: string;
  /** FTLAB_HOME if set. */
  home?: string;
  env?: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Timeout for each Ollama request. */
  timeoutMs?: number;
  /** Where the built-in backend is looked for when OLLAMA_HOST is unset (tests point it at port 0 servers). */
  builtinBackendUrl?: string;
  /** Ollama's default address when OLLAMA_HOST is unset (tests only, as above). */
  ollamaDefaultUrl?: string;
}

const MIN_NODE_MAJOR = 20;
const MIN_COLUMNS = 80;
const MIN_ROWS = 24;

export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const env = opts.env ?? process.env;
  const checks: DoctorCheck[] = [
    checkNode(),
    checkTerminal(opts.stdin ?? process.stdin, opts.stdout ?? process.stdout, env),
    checkContent(opts.contentRoot),
    checkStore(opts.home, env),
  ];
  checks.push(checkOllamaBinary(env));
  checks.push(...(await checkOllamaServer(env, opts.timeoutMs ?? 1500, opts.builtinBackendUrl, opts.ollamaDefaultUrl)));
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

function checkNode(): DoctorCheck {
  const major = Number(process.versions.node.split('.')[0]);
  const details = { version: process.version, platform: process.platform, arch: process.arch };
  if (major >= MIN_NODE_MAJOR)
    return { name: 'node', status: 'ok', required: true, summary: `${process.version} (${process.platform} ${process.arch})`, details };
  return {
    name: 'node',
    status: 'fail',
    required: true,
    summary: `${process.version} is too old`,
    details,
    hint: `install Node.js ${MIN_NODE_MAJOR} or newer`,
  };
}

function checkTerminal(stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream, env: NodeJS.ProcessEnv): DoctorCheck {
  const noColor = 'NO_COLOR' in env && env.NO_COLOR !== '';
  const details: Record<string, unknown> = {
    stdinTTY: Boolean(stdin.isTTY),
    stdoutTTY: Boolean(stdout.isTTY),
    columns: stdout.columns ?? null,
    rows: stdout.rows ?? null,
    term: env.TERM ?? null,
    colorDepth: stdout.isTTY && !noColor ? (stdout.getColorDepth?.(env) ?? null) : null,
    noColor,
    rawMode: false,
  };
  if (!stdin.isTTY || !stdout.isTTY) {
    return {
      name: 'terminal',
      status: 'warn',
      required: false,
      summary: `not an interactive terminal (stdin ${stdin.isTTY ? 'is' : 'is not'} a TTY, stdout ${stdout.isTTY ? 'is' : 'is not'} a TTY): screens print plain summaries instead`,
      details,
      hint: 'run ftlab directly in a terminal for the interactive screens',
    };
  }
  // Raw mode is what the screens need to read single keys; some terminals (and Windows pipes) refuse it.
  let rawError: string | undefined;
  try {
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.setRawMode(wasRaw);
    details.rawMode = true;
  } catch (err) {
    rawError = (err as Error).message;
  }
  const size = `${stdout.columns}×${stdout.rows}`;
  const colour = noColor ? 'colour off (NO_COLOR)' : `${2 ** Number(details.colorDepth ?? 1)} colours`;
  const problems: string[] = [];
  if (rawError) problems.push(`raw mode unavailable (${rawError})`);
  if ((stdout.columns ?? 0) < MIN_COLUMNS || (stdout.rows ?? 0) < MIN_ROWS)
    problems.push(`${size} is below the ${MIN_COLUMNS}×${MIN_ROWS} minimum`);
  return {
    name: 'terminal',
    status: problems.length ? 'warn' : 'ok',
    required: false,
    summary: problems.length ? problems.join('; ') : `${size}, ${colour}, raw mode available (TERM=${env.TERM ?? 'unset'})`,
    details,
    ...(problems.length
      ? {
          hint: rawError
            ? 'use a terminal emulator that supports raw input (not a pipe or a dumb terminal)'
            : 'enlarge the window to at least 80×24',
        }
      : {}),
  };
}

function checkContent(root: string): DoctorCheck {
  try {
    const index = loadContent(root, { checkKinds });
    const c = index.counts;
    const summary = `${root}: ${plural(c.modules, 'module')}, ${plural(c.lessons, 'lesson')}, ${plural(c.questions, 'question')}, ${plural(c.labs, 'lab')}`;
    const details = { root, counts: c, problems: index.problems.slice(0, 20).map(formatProblem) };
    if (c.lessons === 0) {
      return {
        name: 'content',
        status: 'fail',
        required: true,
        summary: `${root} holds no lessons`,
        details,
        hint: 'pass --content DIR (or FTLAB_CONTENT) pointing at a folder with content/, quizzes/ and labs/',
      };
    }
    if (index.problems.length) {
      return {
        name: 'content',
        status: 'warn',
        required: true,
        summary: `${summary}; ${index.problems.length} problem${index.problems.length === 1 ? '' : 's'} (broken items are skipped)`,
        details,
        hint: 'run ftlab content check to see each problem with its file and line',
      };
    }
    return { name: 'content', status: 'ok', required: true, summary: `${summary}, no problems`, details };
  } catch (err) {
    return { name: 'content', status: 'fail', required: true, summary: `cannot load ${root}: ${(err as Error).message}` };
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** conf's default folder for project "ftlab" (env-paths with the "-nodejs" suffix conf uses). */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  const name = 'ftlab-nodejs';
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Preferences', name);
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name, 'Config');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name);
}

function checkStore(home: string | undefined, env: NodeJS.ProcessEnv): DoctorCheck {
  const dir = home ? resolve(home) : defaultStoreDir(env);
  const source = home ? 'FTLAB_HOME' : 'default';
  const details = { dir, source };
  try {
    ensureHome(dir); // level by level: recursive mkdir spins forever on paths like /proc/nope
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    accessSync(dir, constants.W_OK);
    // Prove it: create and remove a file (permissions can lie on network and read-only mounts).
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe, { force: true });
    return { name: 'store', status: 'ok', required: true, summary: `${dir} (${source}) is writable`, details };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return {
      name: 'store',
      status: 'fail',
      required: true,
      summary: `${dir} (${source}) is not writable: ${e.code ?? e.message}`,
      details,
      hint: home ? 'point FTLAB_HOME at a folder you can write to' : 'set FTLAB_HOME to a folder you can write to',
    };
  }
}

function findOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const exts = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = join(dir, command + ext);
      try {
        if (statSync(candidate).isFile()) {
          accessSync(candidate, constants.X_OK);
          return candidate;
        }
      } catch {
        /* keep looking */
      }
    }
  }
  return undefined;
}

function checkOllamaBinary(env: NodeJS.ProcessEnv): DoctorCheck {
  const path = findOnPath('ollama', env);
  if (path) return { name: 'ollama', status: 'ok', required: false, summary: `found at ${path}`, details: { path } };
  return {
    name: 'ollama',
    status: 'warn',
    required: false,
    summary: "not on PATH (optional: the serving lab falls back to ftlab's built-in backend)",
    hint: 'install Ollama from https://ollama.com to use real models, or run ftlab backend',
  };
}

/** OLLAMA_HOST as Ollama reads it: "host", "host:port", ":port" or a URL; default 127.0.0.1:11434. */
export function ollamaBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  let raw = (env.OLLAMA_HOST ?? '').trim();
  if (!raw) return 'http://127.0.0.1:11434';
  if (!/^[a-z]+:\/\//i.test(raw)) raw = `http://${raw.startsWith(':') ? `127.0.0.1${raw}` : raw}`;
  try {
    const url = new URL(raw);
    if (!url.port) url.port = url.protocol === 'https:' ? '443' : '11434';
    // Listening on all interfaces means "connect locally".
    if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
    return url.origin + url.pathname.replace(/\/+$/, '');
  } catch {
    return raw.replace(/\/+$/, '');
  }
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

/** Where `ftlab backend` listens unless told otherwise (its --port default). */
export const BUILTIN_BACKEND_URL = 'http://127.0.0.1:11435';

async function checkOllamaServer(
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  builtin = BUILTIN_BACKEND_URL,
  ollamaDefault?: string,
): Promise<DoctorCheck[]> {
  let base = env.OLLAMA_HOST ? ollamaBaseUrl(env) : (ollamaDefault ?? ollamaBaseUrl(env));
  let via = env.OLLAMA_HOST ? `OLLAMA_HOST=${env.OLLAMA_HOST}` : 'default';
  let version: string;
  const versionAt = async (url: string) => {
    const body = (await getJson(`${url}/api/version`, timeoutMs)) as { version?: unknown };
    return typeof body?.version === 'string' ? body.version : 'unknown';
  };
  try {
    try {
      version = await versionAt(base);
    } catch (err) {
      // The hint below suggests "ftlab backend", which listens on its own port: look there too.
      if (env.OLLAMA_HOST) throw err;
      version = await versionAt(builtin).catch(() => {
        throw err;
      });
      base = builtin;
      via = `ftlab backend's port; tools that read OLLAMA_HOST need OLLAMA_HOST=${new URL(builtin).host}`;
    }
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return [
      {
        name: 'ollama-server',
        status: 'warn',
        required: false,
        summary: `${base} (${via}) is not reachable: ${why}${env.OLLAMA_HOST ? '' : `; nor is ${builtin} (ftlab backend)`}`,
        details: { url: base, reachable: false },
        hint: 'start it with "ollama serve" (or "ftlab backend" for the built-in one), or set OLLAMA_HOST',
      },
    ];
  }
  const server: DoctorCheck = {
    name: 'ollama-server',
    status: 'ok',
    required: false,
    summary: `${base} (${via}) answers, version ${version}`,
    details: { url: base, reachable: true, version },
  };
  try {
    const tags = (await getJson(`${base}/api/tags`, timeoutMs)) as { models?: Array<{ name?: string; model?: string; size?: number }> };
    const models = (tags?.models ?? []).map((m) => ({ name: m.name ?? m.model ?? '?', size: m.size ?? null }));
    if (models.length === 0) {
      return [
        server,
        {
          name: 'ollama-models',
          status: 'warn',
          required: false,
          summary: 'no models pulled yet',
          details: { models },
          hint: 'pull a small model, e.g. "ollama pull qwen2.5:0.5b"',
        },
      ];
    }
    return [
      server,
      {
        name: 'ollama-models',
        status: 'ok',
        required: false,
        summary: `${models.length} model${models.length === 1 ? '' : 's'}: ${models.map((m) => m.name).join(', ')}`,
        details: { models },
      },
    ];
  } catch (err) {
    return [
      server,
      { name: 'ollama-models', status: 'warn', required: false, summary: `could not list models: ${(err as Error).message}` },
    ];
  }
}

export function formatDoctor(report: DoctorReport, style: { ascii?: boolean; color?: boolean } = {}): string {
  const paint = (code: number, s: string) => (style.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const mark: Record<Status, string> = style.ascii
    ? { ok: '[ok]  ', warn: '[warn]', fail: '[FAIL]' }
    : { ok: paint(32, '✓'), warn: paint(33, '!'), fail: paint(31, '✗') };
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = ['ftlab doctor'];
  for (const c of report.checks) {
    lines.push(`  ${mark[c.status]} ${c.name.padEnd(width)}  ${c.summary}`);
    if (c.status !== 'ok' && c.hint) lines.push(`  ${' '.repeat(style.ascii ? 6 : 1)} ${' '.repeat(width)}  hint: ${c.hint}`);
  }
  const warns = report.checks.filter((c) => c.status === 'warn').length;
  const fails = report.checks.filter((c) => c.status === 'fail').length;
  lines.push(
    fails
      ? paint(31, `${fails} required check${fails === 1 ? '' : 's'} failed.`)
      : `Ready${warns ? ` (${warns} warning${warns === 1 ? '' : 's'} about optional features)` : ''}.`,
  );
  return lines.join('\n');
}
