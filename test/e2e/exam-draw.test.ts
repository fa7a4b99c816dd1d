// `ftlab exam draw` through the built CLI: exact counts against the shipped bank (65 / 15 scored items, the
// AIF-C01 domain split on items, exam item types only), the same draw for the same seed, nothing started,
// a clear exit-1 error when the bank cannot supply the draw, usage errors, and --help with examples.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, removeHome, tempHome } from './pty.js';

let home: string;
beforeAll(() => {
  home = tempHome('ftlab-exam-draw-');
});
afterAll(() => removeHome(home));

const run = (args: string[], content?: string) =>
  spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, FTLAB_HOME: home, CI: 'true', ...(content ? { FTLAB_CONTENT: content } : {}) },
  });

interface DrawJson {
  mode: string;
  seed: number;
  minutes: number;
  scoredItems: number;
  perDomain: Record<string, number>;
  perTask: Record<string, number>;
  questions: Array<{
    id: string;
    type: string;
    domain: number;
    task: string | null;
    items: Array<{ key: string; type: string; domain: number; task: string | null }>;
  }>;
  excluded: Record<string, number>;
}

function draw(args: string[], content?: string): DrawJson {
  const r = run(['exam', 'draw', ...args, '--json'], content);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as DrawJson;
}

function checkExact(d: DrawJson, total: number, quotas: Record<string, number>) {
  const items = d.questions.flatMap((q) => q.items);
  expect(d.scoredItems).toBe(total);
  expect(items).toHaveLength(total);
  const perDomain: Record<string, number> = {};
  for (const it of items) perDomain[it.domain] = (perDomain[it.domain] ?? 0) + 1;
  expect(perDomain).toEqual(quotas);
  expect(d.perDomain).toEqual(quotas);
  expect(new Set(items.map((i) => i.type))).toSatisfy((types: Set<string>) =>
    [...types].every((t) => ['single', 'multi', 'order', 'match'].includes(t)),
  );
  expect(new Set(d.questions.map((q) => q.type))).toSatisfy((types: Set<string>) =>
    [...types].every((t) => ['single', 'multi', 'order', 'match', 'case'].includes(t)),
  );
  // Every item of the shipped bank carries its task statement, of its own domain.
  for (const it of items) expect(it.task).toMatch(new RegExp(`^${it.domain}\\.\\d$`));
  expect(new Set(d.questions.map((q) => q.id)).size).toBe(d.questions.length);
}

describe('ftlab exam draw (shipped bank)', () => {
  it('--full: exactly 65 scored items, 13/16/18/9/9, exam item types only, for several seeds', () => {
    for (const seed of [1, 42, 4242]) {
      const d = draw(['--full', '--seed', String(seed)]);
      expect(d).toMatchObject({ mode: 'full', seed, minutes: 90 });
      checkExact(d, 65, { 1: 13, 2: 16, 3: 18, 4: 9, 5: 9 });
    }
    const d = draw(['--full', '--seed', '1']);
    expect(Object.keys(d.excluded).sort()).toEqual(expect.arrayContaining(['examFalse', 'type:cloze', 'type:numeric', 'type:truefalse']));
  });

  it('--short: exactly 15 (the advertised number), 3/4/4/2/2; the same seed gives the same draw', () => {
    const a = draw(['--short', '--seed', '7']);
    checkExact(a, 15, { 1: 3, 2: 4, 3: 4, 4: 2, 5: 2 });
    expect(a.minutes).toBe(20);
    expect(draw(['--seed', '7', '--short']).questions).toEqual(a.questions);
    expect(draw(['--short', '--seed', '8']).questions).not.toEqual(a.questions);
  });

  it('starts nothing: no exam in progress afterwards', () => {
    draw(['--short', '--seed', '3']);
    const r = run(['exam', '--json']);
    expect(JSON.parse(r.stdout).inProgress).toBeNull();
  });

  it('prints a readable draw without --json, with the command that repeats it', () => {
    const r = run(['exam', 'draw', '--short', '--seed', '5']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('A short mock exam, seed 5: 15 scored items');
    expect(r.stdout).toContain('By domain: D1 3, D2 4, D3 4, D4 2, D5 2');
    expect(r.stdout).toContain('ftlab exam draw --short --seed 5');
    expect(r.stdout.split('\n').filter((l) => /^\s+\d+\. /.test(l))).toHaveLength(15);
  });
});

describe('ftlab exam draw: errors and help', () => {
  it('a bank that cannot supply the draw: exit 1, one line naming the short domain, no stack', () => {
    const r = run(['exam', 'draw', '--full', '--seed', '1', '--json'], join(ROOT, 'test/ui/questions/exam-content'));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot supply a full mock exam of 65 scored items: domain 1 needs 13 items and has 3');
    expect(r.stderr).toContain('exam: false');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The same fixture supplies exactly one short mock.
    checkExact(draw(['--short', '--seed', '1'], join(ROOT, 'test/ui/questions/exam-content')), 15, { 1: 3, 2: 4, 3: 4, 4: 2, 5: 2 });
  });

  it('bad flags are usage errors (exit 2)', () => {
    const both = run(['exam', 'draw', '--short', '--full']);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('choose one of --short and --full');
    const seed = run(['exam', 'draw', '--seed', 'abc']);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain('--seed must be a whole number');
  });

  it('--help lists the flags with examples', () => {
    const r = run(['exam', 'draw', '--help']);
    expect(r.status).toBe(0);
    for (const s of ['--short', '--full', '--seed <n>', '--json', 'Examples:', 'ftlab exam draw --full --seed 42 --json'])
      expect(r.stdout).toContain(s);
    expect(run(['exam', '--help']).stdout).toContain('ftlab exam draw --full --json');
  });
});
