// The serving lab session as the screen drives it: real child processes (ftlab backend + ftlab serve),
// a streamed prompt, a bounded load test, /metrics, and no process left behind afterwards.
import { afterAll, describe, expect, it } from 'vitest';
import { percentile, ServingLabSession } from '../../src/labs/serving/session.js';
import { writeTinyModel } from '../serve/tiny-model.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('serving lab session', () => {
  const session = new ServingLabSession({ ollamaHost: 'http://127.0.0.1:9', modelDir: writeTinyModel() });
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
