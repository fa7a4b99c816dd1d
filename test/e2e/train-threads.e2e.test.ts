// `ftlab train --threads N` through the built CLI: Ctrl-C during a run on worker threads still stops
// after the step, writes the checkpoint and exits 130, and the resumed run (on another thread count)
// ends with the same adapter bytes as an uninterrupted one. eval-model gives the same loss for any N.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, ROOT } from '../helpers/processes.js';

const CLI = join(ROOT, 'dist/cli.js');
const MODEL = join(ROOT, 'test/engines/llm/fixtures/grad/model');
const scratch = mkdtempSync(join(tmpdir(), 'ftlab-threads-e2e-'));
const started: number[] = [];
afterAll(() => {
  killAll(started);
  rmSync(scratch, { recursive: true, force: true });
});

const data = join(scratch, 'train.jsonl');
const val = join(scratch, 'val.jsonl');
const rows = Array.from({ length: 40 }, (_, i) =>
  JSON.stringify({ prompt: `ticket ${i}: ${'late '.repeat(i % 6)}parcel`, completion: i % 3 ? 'shipping' : 'billing' }),
);
writeFileSync(data, rows.join('\n') + '\n');
writeFileSync(val, rows.slice(0, 6).join('\n') + '\n');
const common = (steps: number, out: string, threads: number) => [
  'train',
  '--model',
  MODEL,
  '--data',
  data,
  '--val',
  val,
  '--targets',
  'all',
  '--dropout',
  '0.1',
  '--steps',
  String(steps),
  '--batch',
  '4',
  '--eval-every',
  '2',
  '--warmup',
  '1',
  '--threads',
  String(threads),
  '--out',
  out,
  '--json',
];
const env = { ...process.env, FTLAB_HOME: join(scratch, 'home') };

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: 'utf8' });
}

describe('train on worker threads', () => {
  it('Ctrl-C checkpoints and exits 130; --resume on another thread count ends with the uninterrupted bytes', async () => {
    const ref = cli(common(400, join(scratch, 'ref'), 1));
    expect(ref.status, ref.stderr).toBe(0);

    const out = join(scratch, 'cut');
    const proc = spawn(process.execPath, [CLI, ...common(400, out, 2)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(proc.pid!);
    let text = '';
    proc.stdout.on('data', (d) => (text += d));
    proc.stderr.on('data', (d) => (text += d));
    const code = await new Promise<number>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`no exit within 60 s:\n${text}`)), 60_000);
      proc.stdout.on('data', () => {
        if (/"step":3\b/.test(text) && !proc.killed) proc.kill('SIGINT');
      });
      proc.once('exit', (c, sig) => {
        clearTimeout(guard);
        resolve(c ?? (sig === 'SIGINT' ? 130 : -1));
      });
    });
    expect(code, text).toBe(130);
    expect(existsSync(join(out, 'checkpoint/state.json'))).toBe(true);
    const stopped = JSON.parse(text.trim().split('\n').pop()!);
    expect(stopped.interrupted).toBe(true);
    expect(stopped.steps).toBeLessThan(400);

    const resumed = cli([...common(400, out, 3), '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(readFileSync(join(out, 'adapter_model.safetensors')).equals(readFileSync(join(scratch, 'ref/adapter_model.safetensors')))).toBe(
      true,
    );
  }, 180_000);

  it('eval-model: the same loss on 1 and 3 threads; a bad --threads is a usage error', () => {
    const a = cli(['eval-model', '--model', MODEL, '--data', data, '--threads', '1', '--json']);
    const b = cli(['eval-model', '--model', MODEL, '--data', data, '--threads', '3', '--json']);
    expect(a.status, a.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual(JSON.parse(a.stdout));
    const bad = cli(['eval-model', '--model', MODEL, '--data', data, '--threads', '0']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--threads/);
    expect(bad.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  }, 120_000);
});
