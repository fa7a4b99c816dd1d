// An outside grader's view of the CLI contract (README's Commands section; the product spec, ../shared/DESIGN.md): every check drives the BUILT CLI (dist/cli.js,
// rebuilt by the global setup) in a child process with no TTY, FTLAB_HOME in a temporary folder and tiny
// inputs. Child processes run concurrently (describe.concurrent) so the file stays fast on 2 cores; each one
// has its own kill timer so a command that hangs fails its test instead of the suite.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Set in beforeAll: the CLI runs from a snapshot of dist/ (see snapshotDist).
let cliPath = join(root, 'dist/cli.js');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
// A tiny committed Llama folder (HF layout) with PyTorch-computed losses: lets the engine commands run in
// well under a second without depending on the shipped micro model.
const fixture = join(root, 'test/engines/llm/fixtures/parity');
const fixtureModel = join(fixture, 'model');

let work = '';
let home = '';

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

interface RunOptions {
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Leave stdin an open pipe that never sends anything (what a hanging prompt would wait on). */
  stdinOpen?: boolean;
}

// At most this many CLI processes at a time: the tests run concurrently, and the help walk alone starts
// dozens of processes; unbounded, they starve each other (and the kill timers) on a 2-core machine.
const MAX_PROCESSES = 3;
let running = 0;
const waiting: Array<() => void> = [];

async function ftlab(args: string[], opts: RunOptions = {}): Promise<Run> {
  if (running >= MAX_PROCESSES) await new Promise<void>((wake) => waiting.push(wake));
  running++;
  try {
    return await spawnCli(args, opts);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function spawnCli(args: string[], opts: RunOptions): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, FTLAB_HOME: home };
  delete env.FTLAB_CONTENT;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: work,
      env,
      stdio: [opts.stdinOpen ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 90_000);
    child.on('error', fail);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stdout, stderr, timedOut });
    });
  });
}

/** The whole of stdout must be exactly one JSON document. */
function oneJson(r: Run): any {
  try {
    return JSON.parse(r.stdout);
  } catch (err) {
    throw new Error(
      `stdout is not one JSON document (${(err as Error).message}):\n${r.stdout.slice(0, 400)}\nstderr: ${r.stderr.slice(0, 400)}`,
    );
  }
}

const write = (name: string, text: string): string => {
  const path = join(work, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};

const ESC = '\u001b';
// Per-test limit: generous because the processes queue behind MAX_PROCESSES and the machine may be shared;
// the kill timer of each process (not this) is what catches a command that hangs.
const SLOW_MACHINE_MS = 300_000;

/**
 * Test runs in the same checkout rebuild dist/ (global setup), which swaps its chunk files; a CLI process
 * started mid-rebuild cannot load them. So the audit runs a consistent copy: dist/ copied beside links to
 * everything else in the package root (package.json, content, labs, node_modules), retried until every
 * chunk the copy imports is present.
 */
function snapshotDist(): string {
  const pkg = join(work, 'pkg');
  mkdirSync(pkg);
  for (const entry of readdirSync(root)) {
    if (entry !== 'dist' && entry !== '.git') symlinkSync(join(root, entry), join(pkg, entry));
  }
  for (let attempt = 0; ; attempt++) {
    rmSync(join(pkg, 'dist'), { recursive: true, force: true });
    cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true });
    const files = ['cli.js', ...readdirSync(join(pkg, 'dist/chunks')).map((f) => `chunks/${f}`)];
    const missing = files.some((f) => {
      const text = readFileSync(join(pkg, 'dist', f), 'utf8');
      return [...text.matchAll(/"\.\.?\/(?:chunks\/)?([\w-]+\.js)"/g)].some(
        (m) => !existsSync(join(pkg, 'dist/chunks', m[1])) && !existsSync(join(pkg, 'dist', m[1])),
      );
    });
    if (!missing) return join(pkg, 'dist/cli.js');
    if (attempt >= 20) throw new Error('dist/ kept changing while it was copied');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ftlab-audit-'));
  home = join(work, 'home');
  cliPath = snapshotDist();
  write('hyp.txt', 'the cat sat on the mat\nhello world\n');
  write('ref.txt', 'the cat is on the mat\nhello there world\n');
  write('ref2.txt', 'a cat sat on a mat\nhello world\n');
  write('one-line.txt', 'one\n');
  // CRLF line ends, an empty segment and no final newline: still three segments each.
  write('crlf-hyp.txt', 'the cat\r\n\r\nsat down');
  write('crlf-ref.txt', 'the cat\n\nsat down\n');
  write(
    'pairs.jsonl',
    ['{"prediction":"the cat sat","reference":"the cat sat down"}', '{"prediction":"a b c","references":["a b","x y z"]}'].join('\n') +
      '\n',
  );
  write('bad-pairs.jsonl', '{"prediction":"a","reference":"a"}\n{not json\n');
  write(
    'train.jsonl',
    '{"text":"Low-rank adapters leave the base weights untouched."}\n{"prompt":"What is LoRA?","completion":"Low-rank adaptation."}\n',
  );
  write('bad-json.jsonl', '{"text":"fine"}\nnot json\n');
  write('bad-record.jsonl', '{"text":"fine"}\n{"foo":1}\n');
  // A content root with known mistakes for `content check`.
  write('bad-content/content/01-x/module.yaml', 'id: x\ntitle: X\nsummary: s\norder: 1\n');
  write(
    'bad-content/content/01-x/01-l.md',
    '---\nid: l1\ntitle: L\nmodule: x\norder: 1\nminutes: 5\ndomain: 9\nobjectives: [o]\nprerequisites: []\ntags: []\n---\n# Hi\n',
  );
  write(
    'bad-content/quizzes/x.yaml',
    '- id: q1\n  lesson: nope\n  domain: 1\n  task: "1.1"\n  difficulty: easy\n  type: single\n  prompt: P\n  choices: [a, b]\n  answer: 5\n  explanation: E\n',
  );
  mkdirSync(join(work, 'bad-content/labs'), { recursive: true });
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.concurrent('global flags and environment', { timeout: SLOW_MACHINE_MS }, () => {
  it('--version prints package.json version; --help lists commands, env vars and exit codes', async ({ expect }) => {
    const [v, h] = await Promise.all([ftlab(['--version']), ftlab(['--help'])]);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(version);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^Usage: ftlab/);
    for (const word of ['--content', 'FTLAB_HOME', 'FTLAB_CONTENT', 'NO_COLOR', 'learn', 'metrics', 'train', 'lab'])
      expect(h.stdout).toContain(word);
  });

  it('every command and subcommand answers --help with exit 0, its usage line and a description', async ({ expect }) => {
    // Walk the command tree from the help texts themselves, so a newly added command is covered too.
    const commandsOf = (help: string): string[] => {
      const section = help.split(/\nCommands:\n/)[1];
      if (!section) return [];
      return section
        .split('\n\n')[0]
        .split('\n')
        .filter((line) => /^ {2}\S/.test(line))
        .map((line) => line.trim().split(/\s+/)[0].split('|')[0])
        .filter((name) => name !== 'help');
    };
    const seen: string[] = [];
    const failures: string[] = [];
    const visit = async (path: string[]): Promise<void> => {
      const r = await ftlab([...path, '--help']);
      seen.push(path.join(' '));
      const usage = `Usage: ftlab${path.length ? ' ' + path.join(' ') : ''}`;
      const description = r.stdout.split('\n')[2] ?? '';
      if (r.status !== 0 || !r.stdout.startsWith(usage) || description.trim() === '') {
        failures.push(`${path.join(' ')}: exit ${r.status}, stdout starts ${JSON.stringify(r.stdout.slice(0, 80))}`);
      }
      await Promise.all(commandsOf(r.stdout).map((name) => visit([...path, name])));
    };
    await visit([]);
    expect(failures).toEqual([]);
    for (const cmd of [
      'learn',
      'review',
      'quiz',
      'exam',
      'stats',
      'content check',
      'doctor',
      'progress export',
      'progress import',
      'progress reset',
      'lab list',
      'lab open',
      'lab verify',
      'metrics bleu',
      'metrics rouge',
      'train',
      'eval-model',
      'generate',
      'merge',
      'tokenize',
      'backend',
      'serve',
    ]) {
      expect(seen).toContain(cmd);
    }
  });

  it('unknown flags and commands exit 2 with a message on stderr and nothing on stdout', async ({ expect }) => {
    const cases = [
      ['--no-such-flag'],
      ['no-such-command'],
      ['metrics', 'bleu', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--bogus'],
      ['metrics', 'rouge', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--bogus'],
      ['train', '--bogus'],
      ['lab', 'verify', 'metrics', '--bogus'],
      ['content', 'check', '--bogus'],
      ['quiz', '--bogus'],
      ['stats', '--bogus'],
    ];
    const runs = await Promise.all(cases.map((args) => ftlab(args)));
    runs.forEach((r, i) => {
      expect({ args: cases[i], status: r.status }).toEqual({ args: cases[i], status: 2 });
      expect(r.stderr.trim().length, cases[i].join(' ')).toBeGreaterThan(0);
      expect(r.stdout, cases[i].join(' ')).toBe('');
    });
    expect(runs[1].stderr).toMatch(/unknown command 'no-such-command'/);
  });

  it("ftlab help COMMAND prints that command's help", async ({ expect }) => {
    const r = await ftlab(['help', 'metrics', 'bleu']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ftlab metrics bleu/);
  });

  it('bad flag values exit 2 with a message naming the flag', async ({ expect }) => {
    const cases: Array<[string[], RegExp]> = [
      [['metrics', 'bleu', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--tokenize', 'bogus'], /tokenize/],
      [['metrics', 'bleu', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--smooth-value', 'abc'], /smooth-value/],
      [['metrics', 'bleu', '--hyp', 'hyp.txt'], /--ref/],
      [['metrics', 'rouge', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--types', 'rouge1,bogus'], /bogus/],
      [['train', '--method', 'bogus'], /method/],
      [['quiz', '--domain', '9'], /domain/],
      [['quiz', '-n', 'abc'], /-n/],
      [['exam', '--short', '--full'], /short|full/],
      [['stats', '--days', '-3'], /days/],
      [['tokenize', '--model', fixtureModel, '--json'], /--text|--file/],
      [['lab', 'verify', 'no-such-lab'], /no-such-lab/],
      [['learn', 'no-such-lesson'], /no-such-lesson/],
      [['lab', 'open', 'no-such-lab'], /no-such-lab/],
      [['lab', 'verify', 'serving', '--url', 'not-a-url', '--no-record'], /--url/],
      [['metrics', 'rouge', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--pairs', 'pairs.jsonl'], /--pairs/],
      [['metrics', 'rouge', '--json'], /--pairs|--hyp/],
      [['train', '--model', fixtureModel, '--steps', '0'], /--steps/],
      [['merge', '--model', fixtureModel, '--out', 'never-written'], /--adapter/],
      [['generate', '--model', fixtureModel], /--prompt/],
      [['serve', '--port', 'abc'], /port/],
      [['backend', '--port', '99999'], /port/],
    ];
    const runs = await Promise.all(cases.map(([args]) => ftlab(args)));
    runs.forEach((r, i) => {
      expect({ args: cases[i][0], status: r.status }).toEqual({ args: cases[i][0], status: 2 });
      expect(r.stderr).toMatch(cases[i][1]);
    });
  });

  it('--content DIR and FTLAB_CONTENT select the content root; a missing root is a usage error', async ({ expect }) => {
    const [flag, env, missing] = await Promise.all([
      ftlab(['--content', 'bad-content', 'content', 'check']),
      ftlab(['content', 'check'], { env: { FTLAB_CONTENT: 'bad-content' } }),
      ftlab(['--content', join(work, 'no-such-root'), 'content', 'check']),
    ]);
    expect(flag.status).toBe(1);
    expect(flag.stdout).toContain('01-l.md');
    expect(env.status).toBe(1);
    expect(env.stdout).toBe(flag.stdout);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no-such-root');
  });

  it('FTLAB_HOME is where progress is written and read back', async ({ expect }) => {
    const own = join(work, 'home-limits');
    const set = await ftlab(['progress', 'limits', '--new', '7', '--json'], { env: { FTLAB_HOME: own } });
    expect(set.status).toBe(0);
    expect(oneJson(set)).toMatchObject({ newPerDay: 7 });
    const show = await ftlab(['progress', 'show', '--json'], { env: { FTLAB_HOME: own } });
    expect(show.status).toBe(0);
    expect(oneJson(show)).toMatchObject({ home: own, limits: { newPerDay: 7 } });
    expect(existsSync(own)).toBe(true);
  });

  it('counts of one read in the singular: progress limits with one new card and one review', async ({ expect }) => {
    const own = join(work, 'home-singular');
    const r = await ftlab(['progress', 'limits', '--new', '1', '--reviews', '1'], { env: { FTLAB_HOME: own } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Daily limits: 1 new card, 1 review\n');
    const show = await ftlab(['progress', 'show'], { env: { FTLAB_HOME: own } });
    expect(show.stdout).toContain('Daily limits: 1 new card, 1 review;');
  });

  it('NO_COLOR output carries no escape sequences', async ({ expect }) => {
    const runs = await Promise.all(
      [
        ['--help'],
        ['--content', 'bad-content', 'content', 'check'],
        ['lab', 'list'],
        ['stats'],
        ['metrics', 'bleu', '--hyp', 'hyp.txt', '--ref', 'ref.txt'],
      ].map((args) => ftlab(args, { env: { NO_COLOR: '1' } })),
    );
    for (const r of runs) {
      expect(r.stdout).not.toContain(ESC);
      expect(r.stderr).not.toContain(ESC);
    }
  });
});

describe.concurrent('without a TTY, interactive commands print a plain summary and exit', { timeout: SLOW_MACHINE_MS }, () => {
  const interactive = [[], ['learn'], ['review'], ['quiz'], ['exam'], ['lab', 'open', 'metrics']];
  for (const args of interactive) {
    it(`ftlab ${args.join(' ') || '(no command)'}`, async ({ expect }) => {
      const r = await ftlab(args, { stdinOpen: true, timeoutMs: 60_000 });
      expect(r.timedOut).toBe(false);
      expect(r.status).toBe(0);
      expect(r.stdout.trim().length).toBeGreaterThan(0);
      expect(r.stdout).not.toContain(ESC);
    });
  }
});

describe.concurrent('--json: stdout holds exactly one JSON document', { timeout: SLOW_MACHINE_MS }, () => {
  const cases: Array<[string[], number[]]> = [
    [['stats', '--json'], [0]],
    [
      ['doctor', '--json'],
      [0, 1],
    ],
    [['lab', 'list', '--json'], [0]],
    [
      ['content', 'check', '--json'],
      [0, 1],
    ],
    [['quiz', '--json', '-n', '2'], [0]],
    [['exam', '--json'], [0]],
    [['learn', '--json'], [0]],
    [['review', '--json'], [0]],
    [['home', '--json'], [0]],
    [['progress', 'show', '--json'], [0]],
    [['progress', 'limits', '--json'], [0]],
    [['progress', 'export'], [0]],
    [['lab', 'open', 'metrics', '--json'], [0]],
    [['metrics', 'lab', 'show', '--json'], [0]],
    [['metrics', 'chrf', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--json'], [0]],
    [['metrics', 'squad', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--json'], [0]],
    [['generate', '--model', fixtureModel, '--prompt', 'hi', '--max-tokens', '3', '--temperature', '0', '--json'], [0]],
    [['merge', '--model', fixtureModel, '--adapter', join(fixture, 'adapter'), '--out', 'merged-model', '--json'], [0]],
  ];
  for (const [args, statuses] of cases) {
    it(args.filter((a) => !a.startsWith(fixture)).join(' '), async ({ expect }) => {
      const r = await ftlab(args);
      expect(statuses).toContain(r.status);
      const doc = oneJson(r);
      expect(typeof doc).toBe('object');
      if (args[0] === 'content' || args[0] === 'doctor') expect(r.status === 0).toBe(doc.ok === true);
      if (args[0] === 'lab' && args[1] === 'list') expect(Array.isArray(doc.labs)).toBe(true);
    });
  }
});

describe.concurrent('metrics bleu', { timeout: SLOW_MACHINE_MS }, () => {
  const fields = ['score', 'counts', 'totals', 'precisions', 'bp', 'sys_len', 'ref_len', 'signature'];

  it('corpus: DESIGN fields with sacrebleu values (worked by hand for this input)', async ({ expect }) => {
    const r = await ftlab(['metrics', 'bleu', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--json']);
    expect(r.status).toBe(0);
    const doc = oneJson(r);
    for (const f of fields) expect(doc).toHaveProperty(f);
    expect(doc.counts).toEqual([7, 3, 1, 0]);
    expect(doc.totals).toEqual([8, 6, 4, 3]);
    expect(doc.sys_len).toBe(8);
    expect(doc.ref_len).toBe(9);
    expect(doc.bp).toBeCloseTo(Math.exp(1 - 9 / 8), 10);
    // exp smoothing turns the zero 4-gram precision into 100 / (2 · 3), as sacrebleu does.
    expect(doc.precisions[3]).toBeCloseTo(100 / 6, 10);
    const logMean = (Math.log(0.875) + Math.log(0.5) + Math.log(0.25) + Math.log(1 / 6)) / 4;
    expect(doc.score).toBeCloseTo(100 * Math.exp(1 - 9 / 8) * Math.exp(logMean), 8);
    expect(doc.signature).toBe(`nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:${version}`);
  });

  it('--sentence with two references: {"sentences":[…]} with the same fields, effective order', async ({ expect }) => {
    const r = await ftlab(['metrics', 'bleu', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--ref', 'ref2.txt', '--sentence', '--json']);
    expect(r.status).toBe(0);
    const doc = oneJson(r);
    expect(Object.keys(doc)).toEqual(['sentences']);
    expect(doc.sentences).toHaveLength(2);
    for (const s of doc.sentences) {
      for (const f of fields) expect(s).toHaveProperty(f);
      expect(s.signature).toContain('nrefs:2');
      expect(s.signature).toContain('eff:yes');
    }
    // "hello world" is the second line of ref2.txt verbatim.
    expect(doc.sentences[1].score).toBeCloseTo(100, 6);
  });

  it("--smooth floor defaults to sacrebleu's 0.1 for a zero n-gram count", async ({ expect }) => {
    const r = await ftlab(['metrics', 'bleu', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--smooth', 'floor', '--json']);
    expect(r.status).toBe(0);
    const doc = oneJson(r);
    expect(doc.precisions[3]).toBeCloseTo((100 * 0.1) / 3, 10);
    expect(doc.signature).toContain('smooth:floor');
  });

  it('differing line counts: exit 1, both files and both counts named', async ({ expect }) => {
    const r = await ftlab(['metrics', 'bleu', '--hyp', 'hyp.txt', '--ref', 'one-line.txt', '--json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/hyp\.txt[^\n]*\b2\b/);
    expect(r.stderr).toMatch(/one-line\.txt[^\n]*\b1\b/);
  });

  it('a missing file: exit 1, the file named', async ({ expect }) => {
    const r = await ftlab(['metrics', 'bleu', '--hyp', 'missing-hyp.txt', '--ref', 'ref.txt', '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing-hyp.txt');
  });
});

describe.concurrent('metrics rouge', { timeout: SLOW_MACHINE_MS }, () => {
  const triple = (x: any) => {
    for (const k of ['precision', 'recall', 'fmeasure'])
      if (typeof x?.[k] !== 'number') throw new Error(`missing ${k} in ${JSON.stringify(x)}`);
  };

  it('files: every type by default, per pair and mean', async ({ expect }) => {
    const r = await ftlab(['metrics', 'rouge', '--hyp', 'hyp.txt', '--ref', 'ref.txt', '--json']);
    expect(r.status).toBe(0);
    const doc = oneJson(r);
    expect(doc.pairs).toHaveLength(2);
    for (const scores of [...doc.pairs, doc.mean]) {
      for (const t of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum']) triple(scores[t]);
    }
    // 5 of the 6 unigrams match both ways.
    expect(doc.pairs[0].rouge1.precision).toBeCloseTo(5 / 6, 12);
    expect(doc.pairs[0].rouge1.recall).toBeCloseTo(5 / 6, 12);
  });

  it('--pairs JSONL with "reference" and "references" (best F over references), --types restricts the keys', async ({ expect }) => {
    const r = await ftlab(['metrics', 'rouge', '--pairs', 'pairs.jsonl', '--types', 'rouge1,rougeL', '--json']);
    expect(r.status).toBe(0);
    const doc = oneJson(r);
    expect(doc.pairs).toHaveLength(2);
    for (const p of doc.pairs) expect(Object.keys(p).sort()).toEqual(['rouge1', 'rougeL']);
    expect(Object.keys(doc.mean).sort()).toEqual(['rouge1', 'rougeL']);
    expect(doc.pairs[0].rouge1).toEqual({ precision: 1, recall: 0.75, fmeasure: expect.closeTo(6 / 7, 12) });
    // "a b c" against "a b" (F 0.8) beats "x y z" (F 0).
    expect(doc.pairs[1].rouge1.fmeasure).toBeCloseTo(0.8, 12);
  });

  it('text files: a trailing "\\r" is dropped, empty lines count, no final newline adds nothing', async ({ expect }) => {
    const r = await ftlab(['metrics', 'rouge', '--hyp', 'crlf-hyp.txt', '--ref', 'crlf-ref.txt', '--types', 'rouge1', '--json']);
    expect(r.status).toBe(0);
    const doc = oneJson(r);
    expect(doc.pairs).toHaveLength(3);
    expect(doc.pairs[0].rouge1.fmeasure).toBe(1);
    expect(doc.pairs[2].rouge1.fmeasure).toBe(1);
  });

  it('differing line counts: exit 1, both files and counts named', async ({ expect }) => {
    const r = await ftlab(['metrics', 'rouge', '--hyp', 'hyp.txt', '--ref', 'one-line.txt', '--json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/hyp\.txt[^\n]*\b2\b/);
    expect(r.stderr).toMatch(/one-line\.txt[^\n]*\b1\b/);
  });

  it('invalid JSONL: exit 1 with the file and line number; a missing file: exit 1', async ({ expect }) => {
    const [bad, missing] = await Promise.all([
      ftlab(['metrics', 'rouge', '--pairs', 'bad-pairs.jsonl', '--json']),
      ftlab(['metrics', 'rouge', '--pairs', 'missing.jsonl', '--json']),
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/bad-pairs\.jsonl:2\b/);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('missing.jsonl');
  });
});

describe.concurrent('engine commands (on the committed test model)', { timeout: SLOW_MACHINE_MS }, () => {
  it('tokenize --json → {"ids","tokens"} of equal length', async ({ expect }) => {
    const r = await ftlab(['tokenize', '--model', fixtureModel, '--text', 'Hello, LoRA', '--json']);
    expect(r.status).toBe(0);
    const doc = oneJson(r);
    expect(doc.ids.length).toBeGreaterThan(0);
    expect(doc.ids.length).toBe(doc.tokens.length);
    for (const id of doc.ids) expect(Number.isInteger(id)).toBe(true);
    for (const t of doc.tokens) expect(typeof t).toBe('string');
  });

  it('tokenize --file on a missing file: exit 1, the file named', async ({ expect }) => {
    const r = await ftlab(['tokenize', '--model', fixtureModel, '--file', 'missing.txt', '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing.txt');
  });

  it('eval-model --json → {"loss","perplexity","tokens"} matching PyTorch, with and without an adapter', async ({ expect }) => {
    const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8'));
    const data = join(fixture, 'data.jsonl');
    const [base, adapted] = await Promise.all([
      ftlab(['eval-model', '--model', fixtureModel, '--data', data, '--json']),
      ftlab(['eval-model', '--model', fixtureModel, '--adapter', join(fixture, 'adapter'), '--data', data, '--json']),
    ]);
    for (const [r, want] of [
      [base, expected.base],
      [adapted, expected.with_adapter],
    ] as const) {
      expect(r.status).toBe(0);
      const doc = oneJson(r);
      expect(doc.loss).toBeCloseTo(want.loss, 4);
      expect(doc.tokens).toBe(want.tokens);
      expect(doc.perplexity).toBeCloseTo(Math.exp(doc.loss), 6);
    }
  });

  it('eval-model: invalid JSONL names the line; a missing file exits 1', async ({ expect }) => {
    const [bad, missing] = await Promise.all([
      ftlab(['eval-model', '--model', fixtureModel, '--data', 'bad-json.jsonl', '--json']),
      ftlab(['eval-model', '--model', fixtureModel, '--data', 'missing.jsonl', '--json']),
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/bad-json\.jsonl:2\b/);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('missing.jsonl');
  });

  it('train --json streams one object per step, then the summary DESIGN lists', async ({ expect }) => {
    const out = join(work, 'adapter-out');
    const r = await ftlab([
      'train',
      '--model',
      fixtureModel,
      '--data',
      'train.jsonl',
      '--val',
      'train.jsonl',
      '--steps',
      '3',
      '--batch',
      '2',
      '--eval-every',
      '1',
      '--out',
      out,
      '--json',
    ]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const objects = lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new Error(`stdout line ${i + 1} is not one JSON object: ${line.slice(0, 200)}`);
      }
    });
    const summary = objects.pop();
    expect(objects).toHaveLength(3);
    objects.forEach((o, i) => {
      expect(o.step).toBe(i + 1);
      for (const k of ['loss', 'lr', 'tokens_per_s']) expect(typeof o[k]).toBe('number');
      if ('val_loss' in o) expect(typeof o.val_loss).toBe('number');
    });
    for (const k of [
      'trainable_params',
      'total_params',
      'trainable_pct',
      'adapter_bytes',
      'base_bytes',
      'val_loss_before',
      'val_loss_after',
      'seconds',
    ]) {
      expect(typeof summary[k], k).toBe('number');
    }
    expect(summary.trainable_pct).toBeCloseTo((100 * summary.trainable_params) / summary.total_params, 8);
    expect(resolve(work, summary.out)).toBe(out);
    expect(existsSync(join(out, 'adapter_config.json'))).toBe(true);
    expect(existsSync(join(out, 'adapter_model.safetensors'))).toBe(true);
  });

  it('train: bad dataset lines exit 1 with the line number, before any training', async ({ expect }) => {
    const [badJson, badRecord, missing] = await Promise.all([
      ftlab(['train', '--model', fixtureModel, '--data', 'bad-json.jsonl', '--steps', '1', '--out', join(work, 'x1'), '--json']),
      ftlab(['train', '--model', fixtureModel, '--data', 'bad-record.jsonl', '--steps', '1', '--out', join(work, 'x2'), '--json']),
      ftlab(['train', '--model', fixtureModel, '--data', 'missing.jsonl', '--steps', '1', '--out', join(work, 'x3'), '--json']),
    ]);
    for (const [r, name] of [
      [badJson, 'bad-json.jsonl'],
      [badRecord, 'bad-record.jsonl'],
    ] as const) {
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`${name.replace('.', '\\.')}:2\\b`));
    }
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('missing.jsonl');
  });

  it('--model defaults to the shipped micro model in labs/lora/ (tokenize, eval-model, train)', async ({ expect }) => {
    const shipped = join(root, 'labs/lora/base/model.safetensors');
    const [tok, evald, trained] = await Promise.all([
      ftlab(['tokenize', '--text', 'Hello, LoRA', '--json']),
      ftlab(['eval-model', '--data', 'train.jsonl', '--json']),
      ftlab(['train', '--data', 'train.jsonl', '--steps', '1', '--batch', '2', '--out', join(work, 'default-out'), '--json']),
    ]);
    expect(tok.status).toBe(0);
    expect(oneJson(tok).ids.length).toBeGreaterThan(0);
    expect(evald.status).toBe(0);
    expect(oneJson(evald).tokens).toBeGreaterThan(0);
    expect(trained.status).toBe(0);
    const summary = JSON.parse(trained.stdout.trimEnd().split('\n').pop()!);
    expect(summary.base_bytes).toBe(statSync(shipped).size);
  });
});

describe.concurrent('lab verify exit codes', { timeout: SLOW_MACHINE_MS }, () => {
  it('exit 0 iff every check passes (reference solution), 1 when one fails (starter), one JSON document', async ({ expect }) => {
    const grade = (who: string) =>
      ftlab([
        'lab',
        'verify',
        'metrics',
        '--seed',
        '7',
        '--no-record',
        '--json',
        '-o',
        `answers=${join(root, 'labs/metrics', who, 'answers.json')}`,
        '-o',
        `scores=${join(root, 'labs/metrics', who, 'scores.jsonl')}`,
      ]);
    const [solution, starter] = await Promise.all([grade('solution'), grade('starter')]);
    expect(solution.status).toBe(0);
    expect(oneJson(solution)).toMatchObject({ lab: 'metrics', ok: true, failed: 0 });
    expect(starter.status).toBe(1);
    const report = oneJson(starter);
    expect(report.ok).toBe(false);
    expect(report.failed).toBeGreaterThan(0);
  });
});

describe.concurrent('content check', { timeout: SLOW_MACHINE_MS }, () => {
  it('human output: one "path:line:col: message" line per problem, pointing into real files', async ({ expect }) => {
    const r = await ftlab(['--content', 'bad-content', 'content', 'check']);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const m = /^(.+?):(\d+):(\d+): (.+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const file = resolve(work, m![1]);
      expect(existsSync(file), line).toBe(true);
      expect(Number(m![2])).toBeLessThanOrEqual(readFileSync(file, 'utf8').split('\n').length);
      expect(Number(m![3])).toBeGreaterThanOrEqual(1);
    }
    expect(r.stdout).toMatch(/01-l\.md:7:\d+: .*domain/);
    expect(r.stdout).toMatch(/x\.yaml:2:\d+: .*nope/);
    expect(r.stdout).toMatch(/x\.yaml:9:\d+: .*answer/);
  });

  it('--json: {ok:false, problems:[{path,line,col,message}]} with paths relative to the content root', async ({ expect }) => {
    const r = await ftlab(['--content', 'bad-content', 'content', 'check', '--json']);
    expect(r.status).toBe(1);
    const doc = oneJson(r);
    expect(doc.ok).toBe(false);
    expect(doc.problems.length).toBeGreaterThanOrEqual(3);
    for (const p of doc.problems) {
      expect(Object.keys(p)).toEqual(expect.arrayContaining(['path', 'line', 'col', 'message']));
      expect(existsSync(join(work, 'bad-content', p.path)), p.path).toBe(true);
    }
  });
});

describe.concurrent('progress files', { timeout: SLOW_MACHINE_MS }, () => {
  it('export FILE, reset --yes, import FILE round-trip; a missing import file exits 1', async ({ expect }) => {
    const own = join(work, 'home-roundtrip');
    const env = { FTLAB_HOME: own };
    const file = join(work, 'export.json');
    expect((await ftlab(['progress', 'limits', '--new', '3'], { env })).status).toBe(0);
    const exported = await ftlab(['progress', 'export', file, '--json'], { env });
    expect(exported.status).toBe(0);
    expect(oneJson(exported)).toMatchObject({ file });
    expect((await ftlab(['progress', 'reset', '--yes'], { env })).status).toBe(0);
    const imported = await ftlab(['progress', 'import', file, '--json'], { env });
    expect(imported.status).toBe(0);
    oneJson(imported);
    const missing = await ftlab(['progress', 'import', join(work, 'no-export.json')], { env });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no-export.json');
  });
});
