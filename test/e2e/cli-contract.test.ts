import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { cwd: root, encoding: 'utf8' });

describe('CLI contract', () => {
  it('prints the version from package.json', () => {
    const pkg = JSON.parse(execFileSync('cat', ['package.json'], { cwd: root, encoding: 'utf8' }));
    const r = cli('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
  it('prints help and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: ftlab');
    expect(r.stdout).toContain('FTLAB_HOME');
  });
  it('exits 2 on an unknown option', () => {
    const r = cli('--no-such-flag');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such-flag'");
  });
});
