// Fault injection (issue #10 point 6): the LoRA lab's trainer, started by the real session code, exits
// when the process that started it is killed with -9 (the parent pipe; a write to its closed stdout
// would also end it, so this guards the outcome, parent-watch.test.ts the mechanism).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, bundleDriver, killAll, ROOT, waitGone } from '../../../helpers/processes.js';

const started: number[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'ftlab-lora-orphans-'));
afterAll(() => {
  killAll(started);
  rmSync(scratch, { recursive: true, force: true });
});

/** PIDs of a process's children (Linux /proc). */
const childrenOf = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);

describe.runIf(process.platform === 'linux')('LoRA lab after kill -9 of its parent', () => {
  it('the training child exits', async () => {
    const val = join(scratch, 'val.jsonl');
    writeFileSync(val, readFileSync(join(ROOT, 'labs/lora/data/val.jsonl'), 'utf8').split('\n').slice(0, 4).join('\n') + '\n');
    const driver = await bundleDriver(fileURLToPath(new URL('./orphans.driver.ts', import.meta.url)), 'lora-orphans');
    const parent = spawn(process.execPath, [driver, ROOT, val], { stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(parent.pid!);
    await new Promise<void>((resolve, reject) => {
      parent.stdout!.once('data', () => resolve());
      parent.once('exit', (code) => reject(new Error(`driver exited (${code}) before training started`)));
    });
    const trainers = childrenOf(parent.pid!);
    started.push(...trainers);
    expect(trainers).toHaveLength(1);
    expect(alive(trainers[0])).toBe(true);
    parent.kill('SIGKILL');
    // Hang guard: it stops after the current step (writing a checkpoint); the backstop is 15 s.
    expect(await waitGone(trainers, 30_000)).toEqual([]);
  }, 90_000);
});
