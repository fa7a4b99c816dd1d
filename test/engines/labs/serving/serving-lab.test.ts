// The serving lab's grader: the reference solution passes every check, the starter fails, `ftlab serve`
// itself passes when the grader starts it, and the probes change with the seed.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probePrompts } from '../../../../src/engines/labs/serving/checks.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli.js', ...args], { cwd: root, env: { ...process.env, FTLAB_HOME: `${root}/.tmp/serving-lab-home` } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('serving lab grader', () => {
  it('probes with prompts that depend on the seed', () => {
    expect(probePrompts(1, 3)).toEqual(probePrompts(1, 3));
    expect(probePrompts(1, 3)).not.toEqual(probePrompts(2, 3));
    expect(new Set(probePrompts(5, 3)).size).toBe(3);
  });

  it('dev-check: the reference solution passes every check and the starter fails', async () => {
    const r = await cli(['lab', 'dev-check', 'serving', '--json']);
    const report = JSON.parse(r.stdout);
    const lab = report.labs.find((l: { lab: string }) => l.lab === 'serving');
    expect(lab.solution.report.failed, JSON.stringify(lab.solution.report.steps.at(-1))).toBe(0);
    expect(lab.solution.report.passed).toBe(5);
    expect(lab.starter.report.failed).toBeGreaterThan(0);
    expect(r.code).toBe(0);
  }, 120_000);

  it('ftlab serve passes the whole contract when the grader starts it against its own backend', async () => {
    const r = await cli(['lab', 'verify', 'serving', '-o', 'start={node} {ftlab} serve --port {port} --log-level silent', '--no-record', '--json', '--seed', '42']);
    const report = JSON.parse(r.stdout);
    expect(report.failed, r.stdout).toBe(0);
    expect(report.passed).toBe(5);
    expect(r.code).toBe(0);
  }, 120_000);
});
