// The serving lab in a real pseudo-terminal: open it, start the built-in backend and the API from the
// screen, send a prompt, then quit with Ctrl-C — and no child process may survive (checked by PID).
import { afterAll, describe, expect, it } from 'vitest';
import { removeHome, spawnCli, tempHome, type CliSession } from './pty.js';

const T = 30_000;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('serving lab screen', () => {
  const home = tempHome();
  let session: CliSession | undefined;
  afterAll(() => {
    try {
      session?.kill('SIGKILL');
    } catch {
      /* gone */
    }
    removeHome(home);
  });

  it('starts backend and API as children, streams a prompt, and leaves no process behind after Ctrl-C', async () => {
    session = spawnCli(['lab', 'open', 'serving'], { home, env: { OLLAMA_HOST: 'http://127.0.0.1:9', FTLAB_SERVING_LAB_PORTS: '0,0' } });
    await session.waitFor('lab screen', T);
    session.type('o');
    await session.waitFor('model server: stopped', T);
    session.type('b');
    const withBackend = await session.waitFor(/model server: running \S+ \(pid (\d+)\)/, T);
    session.type('a');
    const withApi = await session.waitFor(/serving API: running \S+ \(pid (\d+)\)/, T);
    const pids = [
      /model server: running \S+ \(pid (\d+)\)/.exec(withBackend)![1],
      /serving API: running \S+ \(pid (\d+)\)/.exec(withApi)![1],
    ].map(Number);
    expect(pids.every(alive)).toBe(true);

    session.type('p');
    await session.waitFor('Prompt', T);
    session.press('enter');
    await session.waitFor(/tokens \d+ in \/ \d+ out/, T);

    session.press('ctrlC');
    await session.exited(T);
    for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
  }, 120_000);
});
