// The metrics lab: lab.yaml loads with its check kinds, the reference solution passes every check
// and the starter fails, questions are seeded variants graded by recomputation, answers are stored
// through `ftlab metrics lab answer`, and the shipped data files agree with each other.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../../../src/core/content/loader.js';
import { genericChecks } from '../../../../src/engines/labs/checks/index.js';
import { checks } from '../../../../src/engines/labs/metrics/checks.js';
import { loadSet, scoreSet } from '../../../../src/engines/labs/metrics/data.js';
import { gradeOwnScores } from '../../../../src/engines/labs/metrics/own-scorer.js';
import { TASKS, taskById } from '../../../../src/engines/labs/metrics/tasks.js';
import { verifyLab } from '../../../../src/engines/labs/runner.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const labDir = join(root, 'labs/metrics');
const kinds = { ...genericChecks, ...checks };

function lab() {
  const content = loadContent(root, { checkKinds: kinds });
  const l = content.labById.get('metrics');
  expect(content.problems.filter((p) => p.path.startsWith('labs/metrics'))).toEqual([]);
  return l!;
}

describe('metrics lab', () => {
  it('ships at least 30 items per set, each with a reference and both systems', () => {
    for (const set of ['summarisation', 'translation'] as const) {
      const items = loadSet(labDir, set);
      expect(items.length).toBeGreaterThanOrEqual(30);
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      for (const f of ['reference', 'base', 'finetuned'] as const) {
        const lines = readFileSync(join(labDir, `data/${set}.${f}.txt`), 'utf8').split('\n').slice(0, -1);
        expect(lines).toEqual(items.map((i) => i[f]));
      }
    }
  });

  it('the fine-tuned system wins on every metric in both sets (the story the lab tells)', () => {
    for (const set of ['summarisation', 'translation'] as const) {
      const { systems } = scoreSet(loadSet(labDir, set));
      expect(systems.finetuned.rougeL).toBeGreaterThan(systems.base.rougeL);
      expect(systems.finetuned.corpusBleu.score).toBeGreaterThan(systems.base.corpusBleu.score);
    }
  });

  it('reference solution passes every check; the starter fails', async () => {
    const l = lab();
    const run = (target: 'solution' | 'starter') =>
      verifyLab(l, {
        contentRoot: root,
        checkKinds: kinds,
        seed: 99,
        options: Object.fromEntries(Object.entries(l.reference![target].paths).map(([k, v]) => [k, join(labDir, v)])),
      });
    const good = await run('solution');
    expect(good.failed, JSON.stringify(good.steps.flatMap((s) => s.checks.filter((c) => !c.ok)), null, 1)).toBe(0);
    const bad = await run('starter');
    expect(bad.passed).toBe(0);
  });

  it('the solution scorer script reproduces the committed scores file', () => {
    const r = spawnSync(process.execPath, ['solution/scorer.mjs', 'data/translation.jsonl'], { cwd: labDir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(labDir, 'solution/scores.jsonl'), 'utf8'));
    expect(gradeOwnScores(labDir, 'translation', join(labDir, 'solution/scores.jsonl')).ok).toBe(true);
  });

  it('questions are seeded variants: different seeds draw different items, and answers are recomputed', () => {
    const task = taskById('clipped-precision')!;
    const ids = new Set<string>();
    for (let seed = 1; seed <= 20; seed++) {
      const q = task.question(labDir, seed);
      ids.add(`${q.item!.id}/${q.item!.system}`);
      const right = task.grade(null, q, labDir).expected as { matched: number; total: number };
      expect(task.grade(task.parse(`${right.matched}/${right.total}`, q), q, labDir).ok).toBe(true);
      expect(task.grade({ matched: right.matched, total: right.total + 1 }, q, labDir).ok).toBe(false);
    }
    expect(ids.size).toBeGreaterThan(5);
    for (const t of TASKS) expect(t.question(labDir, 5)).toEqual(t.question(labDir, 5));
  });

  it('zero-bleu choices are shuffled per seed and the right reason depends on the item', () => {
    const task = taskById('zero-bleu')!;
    const reasons = new Set<unknown>();
    for (let seed = 1; seed <= 40; seed++) {
      const q = task.question(labDir, seed);
      const expected = task.grade(null, q, labDir).expected;
      reasons.add(expected);
      const letter = String.fromCharCode(97 + q.choices!.findIndex((c) => c.key === expected));
      expect(task.grade(task.parse(letter, q), q, labDir).ok).toBe(true);
    }
    expect(reasons.size).toBeGreaterThanOrEqual(2);
  });

  it('ftlab metrics lab answer stores answers that lab checks grade', async () => {
    const home = mkdtempSync(join(tmpdir(), 'ftlab-metrics-lab-'));
    const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', 'metrics', 'lab', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, FTLAB_HOME: home } });
    const shown = JSON.parse(cli('show', 'brevity-penalty', '--json').stdout).questions[0];
    const task = taskById('brevity-penalty')!;
    const q = task.question(labDir, shown.seed);
    const bp = task.grade(null, q, labDir).expected as number;
    expect(cli('answer', 'brevity-penalty', bp.toFixed(3)).status).toBe(0);
    expect(cli('answer', 'brevity-penalty', 'abc').status).toBe(2);
    const ok = await checks['metrics-answer'].run({ contentRoot: root, labDir, home, options: {}, seed: 1 }, { task: 'brevity-penalty' });
    expect(ok.ok).toBe(true);
    const missing = await checks['metrics-answer'].run({ contentRoot: root, labDir, home, options: {}, seed: 1 }, { task: 'zero-bleu' });
    expect(missing.ok).toBe(false);
    expect(missing.detail).toContain('ftlab metrics lab answer zero-bleu');
  });
});
