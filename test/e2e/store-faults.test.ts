// Fault injection through dist/cli.js for every command that touches the progress store:
// - an unusable FTLAB_HOME (/proc/nope, a file, a path under a file, a dangling symlink, a read-only
//   folder) → one line naming the folder and what to do, exit 1, no stack, no hang;
// - a folder where a store file should be, a read-only log → one line naming the file;
// - a damaged file → every entry point says what was kept aside and where, every run until dismissed.
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
/** A hang guard, not a timing assertion: the point of the test is that the command ends at all. */
const HANG_MS = 15_000;

const created: string[] = [];
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ftlab-cli-${label}-`));
  created.push(dir);
  return dir;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** dist/cli.js with stdin closed (no terminal), killed with SIGKILL if it hangs (a spinning mkdir ignores SIGTERM). */
function ftlab(args: string[], home: string, opts: { uid?: number } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, FTLAB_HOME: home, NO_COLOR: '1' };
  delete env.FTLAB_CONTENT;
  const child = spawn(process.execPath, ['dist/cli.js', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), HANG_MS);
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
}

/** Run jobs with a little parallelism (the machine is shared; each job is a node start). */
async function inPool<T, R>(items: T[], size: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await job(items[i]!);
      }
    }),
  );
  return out;
}

let exportFile: string;

/** Every command that opens the store (`lab open` without a terminal only prints the steps: it does not). */
function storeCommands(): string[][] {
  return [
    [], // bare `ftlab`: the home summary without a terminal
    ['home', '--json'],
    ['review'],
    ['review', '--json'],
    ['quiz'],
    ['quiz', '--json'],
    ['exam'],
    ['exam', '--json'],
    ['learn'],
    ['learn', '--json'],
    ['stats'],
    ['stats', '--json'],
    ['progress', 'show'],
    ['progress', 'show', '--json'],
    ['progress', 'export'],
    ['progress', 'import', exportFile],
    ['progress', 'reset', '--yes'],
    ['progress', 'limits'],
    ['progress', 'limits', '--new', '5'],
    ['progress', 'repairs'],
    ['progress', 'repairs', '--clear'],
    ['lab', 'verify', 'metrics'],
    ['metrics', 'lab', 'show'],
  ];
}

beforeAll(async () => {
  const home = tempDir('export');
  exportFile = join(tempDir('export-file'), 'progress.json');
  const r = await ftlab(['progress', 'export', exportFile], home);
  expect(r.code).toBe(0);
  chmodSync(join(exportFile, '..'), 0o755);
  chmodSync(exportFile, 0o644); // readable by `nobody` too
});

function expectOneLine(r: Run, mention: string): void {
  expect(r.signal, 'the command hung and was killed').toBeNull();
  expect(r.code).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ftlab: /);
  expect(lines[0]).toContain(mention);
  expect(r.stderr).not.toContain('unexpected error');
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('an unusable FTLAB_HOME: one line and exit 1 from every store command', () => {
  const kinds: Array<{ kind: string; make: () => { home: string; named: string }; uid?: number; skip?: string }> = [
    {
      kind: '/proc/nope (recursive mkdir used to spin forever)',
      make: () => ({ home: '/proc/nope', named: 'cannot use /proc/nope as the progress folder: it cannot be created' }),
      skip: existsSync('/proc/self') ? undefined : 'no /proc on this system',
    },
    {
      kind: 'a regular file',
      make: () => {
        const file = join(tempDir('file'), 'home');
        writeFileSync(file, 'not a folder');
        return { home: file, named: `cannot use ${file} as the progress folder: it is a file, not a folder` };
      },
    },
    {
      kind: 'a path whose parent is a file',
      make: () => {
        const file = join(tempDir('parent'), 'file');
        writeFileSync(file, 'x');
        return { home: join(file, 'home'), named: `${file} is a file, not a folder` };
      },
    },
    {
      kind: 'a dangling symbolic link',
      make: () => {
        const dir = tempDir('link');
        symlinkSync(join(dir, 'gone'), join(dir, 'home'));
        return { home: join(dir, 'home'), named: `${join(dir, 'home')} is a symbolic link to ${join(dir, 'gone')}, which does not exist` };
      },
    },
    {
      // root may write anywhere: the read-only case runs as `nobody` when the tests run as root.
      kind: 'a read-only folder',
      make: () => {
        const dir = join(tempDir('ro'), 'home');
        mkdirSync(dir);
        chmodSync(join(dir, '..'), 0o755);
        chmodSync(dir, 0o555);
        return { home: dir, named: `cannot use ${dir} as the progress folder: no permission to write in it` };
      },
      uid: isRoot ? NOBODY : undefined,
    },
  ];

  for (const { kind, make, uid, skip } of kinds) {
    it.skipIf(skip !== undefined)(`${kind}${skip ? ` (skipped: ${skip})` : ''}`, async () => {
      const { home, named } = make();
      const runs = await inPool(storeCommands(), 3, (args) => ftlab(args, home, { uid }).then((r) => ({ args, r })));
      for (const { args, r } of runs) {
        try {
          expectOneLine(r, named);
          expect(r.stderr).toContain('set FTLAB_HOME to a folder you can write to');
        } catch (err) {
          throw new Error(`ftlab ${args.join(' ')}: ${(err as Error).message}`);
        }
      }
      if (kind === 'a regular file') expect(readFileSync(home, 'utf8')).toBe('not a folder');
    });
  }

  it('doctor reports the same problem as a failed check (exit 1) instead of hanging', async () => {
    const file = join(tempDir('doctor'), 'home');
    writeFileSync(file, 'x');
    const homes: Array<[string, string]> = [[file, 'ENOTDIR']];
    if (existsSync('/proc/self')) homes.push(['/proc/nope', 'ENOENT']);
    for (const [home, code] of homes) {
      const r = await ftlab(['doctor', '--json'], home);
      expect(r.signal, 'doctor hung').toBeNull();
      expect(r.code).toBe(1);
      const store = (JSON.parse(r.stdout) as { checks: Array<{ name: string; status: string; summary: string }> }).checks.find(
        (c) => c.name === 'store',
      )!;
      expect(store).toMatchObject({ status: 'fail', summary: `${home} (FTLAB_HOME) is not writable: ${code}` });
    }
  });
});

/** A home with a few reviews and a custom limit, made through the CLI's own store. */
async function seededHome(label: string): Promise<string> {
  const home = tempDir(label);
  const r = await ftlab(['progress', 'import', exportFile], home);
  expect(r.code).toBe(0);
  const lines = [1, 2, 3].map((i) =>
    JSON.stringify({
      v: 2,
      type: 'review',
      id: `r${i}`,
      card: `card-${i}`,
      rating: 3,
      at: 1_760_000_000_000 + i,
      tz: 0,
      elapsed_days: 0,
      answer_ms: 1000,
      before: null,
      after: {
        due: 1_760_000_600_000,
        stability: 1,
        difficulty: 5,
        scheduled_days: 0,
        learning_steps: 1,
        reps: 1,
        lapses: 0,
        state: 1,
        last_review: 1_760_000_000_000 + i,
      },
    }),
  );
  writeFileSync(join(home, 'reviews.jsonl'), lines.join('\n') + '\n');
  return home;
}

const tmpFiles = (home: string) => (readdirSync(home, { recursive: true }) as string[]).filter((f) => /\.tmp-\d+-[0-9a-f]+$/.test(f));

describe('a folder where a store file should be: one line naming the file, no temp file left', () => {
  const commands = [
    ['stats', '--json'],
    ['review', '--json'],
    ['exam', '--json'],
    ['home', '--json'],
    ['progress', 'show'],
    ['progress', 'limits', '--new', '7'],
  ];
  for (const name of ['reviews.jsonl', 'exams.jsonl', 'settings.json', 'settings.json.bak', 'exam-current.json']) {
    it(name, async () => {
      const home = await seededHome('dir');
      rmSync(join(home, name), { force: true });
      mkdirSync(join(home, name));
      const runs = await inPool(commands, 3, (args) => ftlab(args, home).then((r) => ({ args, r })));
      for (const { args, r } of runs) {
        try {
          expectOneLine(r, `${join(home, name)} (EISDIR): it is a folder where ftlab keeps a file; move the folder out of the way`);
        } catch (err) {
          throw new Error(`ftlab ${args.join(' ')}: ${(err as Error).message}`);
        }
      }
      expect(tmpFiles(home)).toEqual([]);
    });
  }

  it.skipIf(!isRoot && process.getuid?.() === undefined)(
    'a read-only reviews.jsonl: refused at open, before an answer could be lost',
    async () => {
      const home = await seededHome('ro-log');
      const log = join(home, 'reviews.jsonl');
      chmodSync(log, 0o444);
      if (isRoot) {
        for (const f of readdirSync(home)) chownSync(join(home, f), NOBODY, NOBODY);
        chownSync(home, NOBODY, NOBODY);
      }
      for (const args of [['review', '--json'], ['stats', '--json'], ['quiz']]) {
        const r = await ftlab(args, home, { uid: isRoot ? NOBODY : undefined });
        expectOneLine(r, `cannot write ${log} (EACCES)`);
      }
    },
  );
});

describe('no silent repair: every entry point says what was kept aside, every run until dismissed', () => {
  const entryPoints = [
    [],
    ['home', '--json'],
    ['review'],
    ['review', '--json'],
    ['quiz', '--json'],
    ['exam'],
    ['exam', '--json'],
    ['learn', '--json'],
    ['stats'],
    ['stats', '--json'],
    ['progress', 'export'],
    ['progress', 'limits'],
  ];

  it('the repairing run names what was dropped and the copy; later runs of each entry point keep reminding; --clear ends it', async () => {
    const home = await seededHome('repair');
    const log = join(home, 'reviews.jsonl');
    writeFileSync(log, readFileSync(log, 'utf8') + 'this line is damaged\n');

    const first = await ftlab(['stats', '--json'], home);
    expect(first.code).toBe(0);
    expect(() => JSON.parse(first.stdout)).not.toThrow(); // stdout stays one JSON document
    const copy = readdirSync(home).find((f) => f.startsWith('reviews.jsonl.corrupt-'))!;
    expect(copy).toBeDefined();
    expect(first.stderr).toContain(
      `ftlab: warning: reviews.jsonl: 1 damaged line(s) skipped (line 4: not valid JSON); 3 entries kept (the damaged copy is kept as ${join(home, copy)})`,
    );
    expect(first.stderr).toContain('`ftlab progress repairs --clear`');

    const runs = await inPool(entryPoints, 3, (args) => ftlab(args, home).then((r) => ({ args, r })));
    for (const { args, r } of runs) {
      try {
        expect(r.code).toBe(0);
        expect(r.stderr).toContain(`ftlab: warning: reviews.jsonl was repaired on `);
        expect(r.stderr).toContain(`the damaged copy is kept as ${join(home, copy)}`);
        expect(r.stderr).toContain('`ftlab progress repairs --clear` to stop this reminder');
      } catch (err) {
        throw new Error(`ftlab ${args.join(' ')}: ${(err as Error).message}\n${r.stderr}`);
      }
    }

    const show = await ftlab(['progress', 'show'], home);
    expect(show.stdout).toContain('Pending repairs: 1 damaged copy kept aside');
    expect(show.stdout).toContain(`reviews.jsonl, repaired `);
    expect(show.stdout).toContain(join(home, copy));
    expect(show.stdout).toContain('ftlab progress repairs --clear');
    const showJson = JSON.parse((await ftlab(['progress', 'show', '--json'], home)).stdout) as {
      pendingRepairs: Array<{ file: string; copy: string }>;
    };
    expect(showJson.pendingRepairs).toEqual([expect.objectContaining({ file: 'reviews.jsonl', copy: join(home, copy) })]);

    const clear = await ftlab(['progress', 'repairs', '--clear'], home);
    expect(clear.code).toBe(0);
    expect(clear.stdout).toMatch(/^Moved 1 damaged copy to .*backups\/repairs-\d{8}T\d{6}Z; ftlab will not mention it again\.\n$/);
    const backups = readdirSync(join(home, 'backups'));
    expect(readdirSync(join(home, 'backups', backups[0]!))).toEqual([copy]);

    const after = await inPool(
      [
        ['stats', '--json'],
        ['review', '--json'],
        ['progress', 'show'],
      ],
      3,
      (args) => ftlab(args, home),
    );
    for (const r of after) expect(r.stderr).not.toContain('warning');
    expect(tmpFiles(home)).toEqual([]);
  });

  it('a damaged settings.json, exams.jsonl and exam-current.json are each reported by stats --json', async () => {
    for (const [name, damage] of [
      ['settings.json', '{"limits": '],
      ['exams.jsonl', '{"v":1,"id":"x"}\n'],
      ['exam-current.json', '{"v":1}'],
    ] as const) {
      const home = await seededHome('repair-each');
      writeFileSync(join(home, name), damage);
      const r = await ftlab(['stats', '--json'], home);
      expect(r.code).toBe(0);
      const copy = readdirSync(home).find((f) => f.startsWith(`${name}.corrupt-`));
      expect(copy, name).toBeDefined();
      expect(r.stderr).toContain(`(the damaged copy is kept as ${join(home, copy!)})`);
      expect(readFileSync(join(home, copy!), 'utf8')).toBe(damage);
    }
  });
});

// The home screen and the review in a real terminal (node-pty): a bad home is one line before any frame is
// drawn; a pending repair is on the home screen, with where the copy is.
describe('in a terminal', () => {
  const pty = createRequire(import.meta.url)('node-pty') as typeof import('node-pty');

  function inTerminal(args: string[], home: string, until?: string): Promise<{ code: number; output: string }> {
    const env = { ...process.env, FTLAB_HOME: home, NO_COLOR: '1' } as Record<string, string>;
    delete env.CI;
    const term = pty.spawn(process.execPath, ['dist/cli.js', ...args], { cwd: root, env, cols: 120, rows: 30 });
    let output = '';
    let quitting = false;
    const timer = setTimeout(() => term.kill('SIGKILL'), HANG_MS);
    return new Promise((resolve) => {
      term.onData((d) => {
        output += d;
        if (
          until &&
          !quitting &&
          output
            .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
            .replace(/\s+/g, ' ')
            .includes(until)
        ) {
          quitting = true;
          term.write('q');
        }
      });
      term.onExit(({ exitCode }) => {
        clearTimeout(timer);
        resolve({ code: exitCode, output });
      });
    });
  }

  it('bare ftlab and ftlab review with FTLAB_HOME set to a file: one line, exit 1', async () => {
    const file = join(tempDir('tty'), 'home');
    writeFileSync(file, 'x');
    for (const args of [[], ['review']]) {
      const r = await inTerminal(args, file);
      expect(r.code).toBe(1);
      const text = r.output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trim();
      expect(text).toBe(
        `ftlab: cannot use ${file} as the progress folder: it is a file, not a folder; set FTLAB_HOME to a folder you can write to`,
      );
    }
  });

  it('the home screen shows a pending repair and where the damaged copy is', async () => {
    const home = await seededHome('tty-repair');
    writeFileSync(join(home, 'settings.json'), 'garbage');
    const r = await inTerminal([], home, 'progress repairs');
    expect(r.code).toBe(0);
    const flat = r.output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\s+/g, ' ');
    const copy = readdirSync(home).find((f) => f.startsWith('settings.json.corrupt-'))!;
    expect(flat).toContain('settings.json was damaged');
    expect(flat).toContain(join(home, copy).replace(/\s+/g, ' '));
  });
});

// A sanity check of the test's own premise: `nobody` can run ftlab from this checkout at all.
describe.skipIf(!isRoot)('premise', () => {
  it('nobody can run dist/cli.js', () => {
    const r = spawnSync(process.execPath, ['dist/cli.js', '--version'], { cwd: root, uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
    expect(r.status).toBe(0);
  });
});
