// The serving lab session as the screen drives it: real child processes (ftlab backend + ftlab serve),
// a streamed prompt, a bounded load test, /metrics, and no process left behind afterwards.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { percentile, portsFromEnv, ServingLabSession } from '../../../../src/engines/labs/serving/session.js';
import { choosePort } from '../../../../src/engines/serve/ports.js';
import { writeTinyModel } from '../../serve/tiny-model.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('serving lab session', () => {
  // Port 0: the system picks free ports, so the test never binds the lab's defaults (11435, 8000).
  const session = new ServingLabSession({ ollamaHost: 'http://127.0.0.1:9', modelDir: writeTinyModel(), ports: { backend: 0, api: 0 } });
  afterAll(() => session.dispose());

  it('percentile picks the nearest rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('starts backend and API, streams a prompt, load-tests, reads metrics, then cleans up every child', async () => {
    await session.detect();
    expect(session.state.backend.kind).toBe('builtin');
    await session.toggleBackend();
    expect(session.state.backend.status, session.state.log.join('\n')).toBe('running');
    await session.toggleApi();
    expect(session.state.api.status, session.state.log.join('\n')).toBe('running');
    const pids = session.childPids();
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);

    await session.sendPrompt('What is LoRA?', { num_predict: 8, seed: 1 });
    expect(session.state.prompt?.status, session.state.prompt?.error).toBe('done');
    expect(session.state.prompt?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(session.state.prompt?.latencyMs).toBeGreaterThan(0);

    const lt = await session.loadTest({ total: 12, concurrency: 3, seconds: 30 });
    expect(lt?.done).toBe(12);
    expect(lt?.errors).toBe(0);
    expect(lt?.p99).toBeGreaterThanOrEqual(lt!.p50!);

    await session.fetchMetrics();
    expect(session.state.metrics?.some((l) => l.startsWith('ftlab_serve_http_requests_total{method="POST",route="/generate",status="200"}'))).toBe(true);
    expect(session.curlCommands()[0]).toContain(session.state.api.url);

    await session.dispose();
    for (let i = 0; i < 30 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
  }, 90_000);
});

describe('serving lab ports', () => {
  it('reads FTLAB_SERVING_LAB_PORTS, and names what is wrong with a bad value', () => {
    expect(portsFromEnv(undefined)).toEqual({});
    expect(portsFromEnv('0,0')).toEqual({ ports: { backend: 0, api: 0 } });
    expect(portsFromEnv(' 11500 , 8100 ')).toEqual({ ports: { backend: 11500, api: 8100 } });
    for (const bad of ['8000', '1,2,3', 'a,b', '-1,5', '70000,1', '1.5,2']) {
      const r = portsFromEnv(bad);
      expect(r.ports, bad).toBeUndefined();
      expect(r.problem, bad).toContain(`FTLAB_SERVING_LAB_PORTS="${bad}"`);
    }
  });

  it('a taken port is never a silent move: the state and the log name the port, its holder and the new port', async () => {
    // This test process holds the "default" port, as an orphan of an earlier run would.
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as AddressInfo).port;
    const session = new ServingLabSession({ ollamaHost: 'http://127.0.0.1:9', modelDir: writeTinyModel(), ports: { backend: taken, api: 0 } });
    try {
      await session.toggleBackend();
      const b = session.state.backend;
      expect(b.status, session.state.log.join('\n')).toBe('running');
      const port = Number(new URL(b.url!).port);
      expect(port).not.toBe(taken);
      expect(b.notice).toContain(`port ${taken} is in use`);
      expect(b.notice).toContain(`on port ${port}`);
      // On Linux the holder is found through /proc: it is this very process.
      if (process.platform === 'linux') {
        expect(b.notice).toContain(`pid ${process.pid}`);
        expect(session.state.log.join('\n')).toContain(`Stop pid ${process.pid} to get port ${taken} back`);
      }
    } finally {
      await session.dispose();
      holder.close();
    }
  }, 60_000);

  it("a moved backend never takes the API's port (the API would then move and blame the lab's own backend)", async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const taken = (holder.address() as AddressInfo).port;
    const api = taken + 1;
    const session = new ServingLabSession({ ollamaHost: 'http://127.0.0.1:9', modelDir: writeTinyModel(), ports: { backend: taken, api } });
    try {
      await session.toggleBackend();
      const port = Number(new URL(session.state.backend.url!).port);
      expect(port).not.toBe(taken);
      expect(port).not.toBe(api);
      const choice = await choosePort('127.0.0.1', taken, 'x', [taken + 1, taken + 2]);
      expect([taken, taken + 1, taken + 2]).not.toContain(choice.port);
    } finally {
      await session.dispose();
      holder.close();
    }
  }, 60_000);

  it('choosePort keeps a free port and 0 as they are', async () => {
    expect(await choosePort('127.0.0.1', 0, 'x')).toEqual({ port: 0 });
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const free = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    expect(await choosePort('127.0.0.1', free, 'x')).toEqual({ port: free });
  });
});
