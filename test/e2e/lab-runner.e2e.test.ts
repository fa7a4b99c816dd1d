// The lab runner in a real pseudo-terminal at 80×24 (issue 12, acceptance point 5 and the journeys
// findings on the lab screens): the serving step is graded in the app against the API the lab screen
// keeps running, or a URL typed into the runner; an address where nothing listens is skipped with the
// reason, not failed; the serving prompt's example is replaced by typing; Ctrl-C exits 130 from the
// runner and from a lab screen; back on the Labs list the cursor is on the lab just left.
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { removeHome, spawnCli, tempHome, type CliSession } from './pty.js';

const T = 30_000;
const homes: string[] = [];
const sessions: CliSession[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const s of sessions) {
    try {
      s.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  homes.forEach(removeHome);
});

function open(args: string[], env: Record<string, string> = {}): CliSession {
  const home = tempHome('ftlab-lab-runner-');
  homes.push(home);
  const s = spawnCli(args, { home, env });
  sessions.push(s);
  return s;
}

/** A port nothing listens on now (the OS picks it; the listener is closed again). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const footer = (screen: string) => screen.trimEnd().split('\n').pop() ?? '';
const selectedRow = (screen: string) => screen.split('\n').find((l) => /^\s*›/.test(l) && !l.includes('ftlab')) ?? '';

describe('grading the serving lab inside the app', () => {
  it('asks for a URL, skips when nothing listens, grades the API the lab screen keeps running, keeps an earlier pass', async () => {
    const [backendPort, apiPort] = [await freePort(), await freePort()];
    const api = `http://127.0.0.1:${apiPort}`;
    const app = open(['lab', 'open', 'serving', '--port', String(backendPort), '--api-port', String(apiPort)], {
      OLLAMA_HOST: 'http://127.0.0.1:9',
    });
    await app.waitFor('press o to open it', T);
    app.type('llllllll'); // a burst of "next step" to the graded step
    await app.waitFor(/› • 6\. Build your own API/, T);
    await app.waitFor('No serving API is running from the lab screen', T);

    // Nothing from the lab screen: Enter asks for the URL, prefilled with the lab's --api-port.
    app.press('enter');
    await app.waitFor(`API URL: ${api}`, T);
    let screen = await app.waitUntil(() => footer(app.text()).includes('Esc leave field'), T);
    expect(footer(screen)).toBe(' Enter grade this API  Esc leave field');
    app.press('escape');
    await app.waitForGone('API URL:', T);
    app.press('enter');
    await app.waitFor(`API URL: ${api}`, T);
    app.press('enter');
    screen = await app.waitFor('No check could run, so nothing was graded or recorded', T);
    expect(screen.replace(/\n\s*/g, ' ')).toContain(`nothing is listening at ${api}`);
    expect(screen).toContain('0/1 graded step passed');
    expect(screen).not.toMatch(/✗/);

    // The lab screen: only the model server runs, so the question names it alone; n stays.
    app.type('o');
    await app.waitFor('model server: stopped', T);
    app.type('b');
    await app.waitFor(/model server: running/, T);
    app.type('q');
    screen = await app.waitFor('The model server is running.', T);
    expect(screen).not.toContain('and the serving API');
    app.type('n');
    await app.waitForGone('The model server is running.', T);
    app.type('a');
    await app.waitFor(`serving API: running ${api}`, T);

    // The prompt's example is a placeholder: typing (in a burst) replaces it; the footer shows Enter and one Esc.
    app.type('p');
    screen = await app.waitUntil(() => footer(app.text()).includes('Esc leave field'), T);
    expect(footer(screen)).toBe(' Enter send  Esc leave field');
    app.type('Hello there');
    screen = await app.waitFor('Prompt: Hello there', T);
    expect(screen).not.toContain('sentence.Hello');
    app.press('enter');
    await app.waitFor(/tokens \d+ in/, 60_000);

    // Back with k: the servers keep running and the runner grades that API.
    app.type('q');
    await app.waitFor('The model server and the serving API are running.', T);
    app.type('k');
    await app.waitFor(`Grading the API the lab screen started: ${api}`, T);
    app.press('enter');
    screen = await app.waitFor('4/5 checks passed, 1 skipped, none failed.', 60_000);
    expect(screen).toContain('1/1 graded step passed');
    expect(screen).toMatch(/› ✓ 6\. Build your own API/);

    // Opened again, the screen has its servers; y stops them and the runner says how to grade now.
    app.type('o');
    await app.waitFor(`serving API: running ${api}`, T);
    app.type('q');
    await app.waitFor('are running', T);
    app.type('y');
    await app.waitFor('No serving API is running from the lab screen', T);

    // A URL typed in: an API that answers wrongly fails its checks, and the earlier pass still counts.
    const wrong = createServer((_, res) => res.writeHead(404).end('no'));
    servers.push(wrong);
    await new Promise<void>((r) => wrong.listen(0, '127.0.0.1', r));
    const wrongUrl = `http://127.0.0.1:${(wrong.address() as { port: number }).port}`;
    app.press('enter');
    await app.waitFor(`API URL: ${api}`, T);
    app.press('ctrlU');
    app.type(wrongUrl);
    await app.waitFor(`API URL: ${wrongUrl}`, T);
    app.press('enter');
    screen = await app.waitFor(/0\/5 checks passed, 1 skipped\./, 60_000);
    expect(screen).toContain('This run failed, but your earlier pass of this step still counts.');
    expect(screen).toContain('1/1 graded step passed');
    expect(screen).toMatch(/› ✓ 6\. Build your own API/);

    // Ctrl-C on the lab screen: status 130.
    app.type('o');
    await app.waitFor('serving API: stopped', T);
    app.press('ctrlC');
    expect(await app.exited(T)).toBe(130);
  }, 180_000);
});

describe('Ctrl-C in lab open exits 130, as shells expect of an interrupt', () => {
  for (const [lab, onScreen] of [
    ['metrics', false],
    ['metrics', true],
    ['serving', false],
  ] as const) {
    it(`${lab}, ${onScreen ? 'on the lab screen' : 'on the runner'}`, async () => {
      const app = open(['lab', 'open', lab, ...(lab === 'serving' ? ['--port', '0', '--api-port', '0'] : [])], {
        OLLAMA_HOST: 'http://127.0.0.1:9',
      });
      await app.waitFor('press o to open it', T);
      if (onScreen) {
        app.type('o');
        await app.waitFor('Metrics lab', T);
      }
      app.press('ctrlC');
      expect(await app.exited(T)).toBe(130);
    }, 60_000);
  }
});

describe('the Labs list', () => {
  it('back from a lab (through its screen), the cursor is on that lab', async () => {
    const app = open([]);
    await app.waitFor('Next', T);
    app.type('a');
    let screen = await app.waitFor(/›.*LoRA/, T);
    app.type('j');
    await app.waitFor(/›.*Scoring outputs/, T);
    app.press('enter');
    await app.waitFor('Lab: Scoring outputs', T);
    app.type('o');
    await app.waitFor('Metrics lab', T);
    app.type('q');
    await app.waitFor('graded steps passed', T);
    app.type('q');
    screen = await app.waitFor(/ftlab › Labs/, T);
    await app.waitFor(/›.*Scoring outputs/, T);
    screen = app.text();
    expect(selectedRow(screen)).toContain('Scoring outputs with BLEU and ROUGE');
    app.type('q');
    await app.waitForGone(/ftlab › Labs/, T);
  }, 60_000);
});
