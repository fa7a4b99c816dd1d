// Fault injection (issue #10 point 6): the serving lab's children, started by the real session code,
// exit when the process that started them is killed with -9, and free their ports.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, bundleDriver, killAll, portOpen, waitGone } from '../../../helpers/processes.js';
import { writeTinyModel } from '../../serve/tiny-model.js';

const started: number[] = [];
afterAll(() => killAll(started));

describe('serving lab after kill -9 of its parent', () => {
  it('the model server and the API exit and their ports are free again', async () => {
    const driver = await bundleDriver(fileURLToPath(new URL('./orphans.driver.ts', import.meta.url)), 'serving-orphans');
    const parent = spawn(process.execPath, [driver, writeTinyModel()], { stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(parent.pid!);
    const line = await new Promise<{ pids: number[]; backend?: string; api?: string; log: string[] }>((resolve, reject) => {
      let out = '';
      parent.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
      });
      parent.once('exit', (code) => reject(new Error(`driver exited (${code}) before both children ran`)));
    });
    started.push(...line.pids);
    expect(line.pids, line.log.join('\n')).toHaveLength(2);
    const ports = [line.backend, line.api].map((u) => Number(new URL(u!).port));
    expect(line.pids.every(alive)).toBe(true);
    expect(await Promise.all(ports.map(portOpen))).toEqual([true, true]);

    parent.kill('SIGKILL');
    // Hang guard only: they normally go within a second (graceful SIGTERM); the backstop is 15 s.
    expect(await waitGone(line.pids, 20_000)).toEqual([]);
    expect(await Promise.all(ports.map(portOpen))).toEqual([false, false]);
  }, 90_000);
});
