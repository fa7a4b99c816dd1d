// End to end, in a real pseudo-terminal at 80×24, against the built CLI: open home, open a lesson and
// scroll, mark it complete, quit; reopen and find the position and progress kept. Also: the terminal
// is restored on quit, Ctrl-C and SIGTERM; frames stay within the screen; resizes; no TTY → plain text.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, removeHome, spawnCli, tempHome, type CliSession } from './pty.js';
import { FIXTURE_LESSONS, writeFixtureCourse } from '../ui/fixtures.js';

// A loaded 2-core machine can take a few seconds to start Node and paint the first frame.
const T = 20_000;
let course: string;
let home: string;
const sessions: CliSession[] = [];
const open = (args: string[], opts: Parameters<typeof spawnCli>[1] = {}) => {
  const s = spawnCli(args, { home, content: course, ...opts });
  sessions.push(s);
  return s;
};

beforeAll(() => {
  course = writeFixtureCourse();
  home = tempHome();
});
afterAll(() => {
  for (const s of sessions) {
    try {
      s.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  removeHome(home);
  rmSync(course, { recursive: true, force: true });
});

/** The first line of the lesson body on screen (row 3: after the title and the rule). */
const bodyTop = (s: CliSession) => s.screen.lines()[2]!.trim();

describe('home and lesson reader in a pseudo-terminal', () => {
  it('opens home, reads and scrolls a lesson, marks it complete, quits cleanly', async () => {
    const app = open([]);
    const first = await app.waitFor('Next:', T);
    expect(first).toContain('ftlab › Home');
    expect(first).toContain('Due now 0');
    expect(first).toContain('New today 3');
    expect(first).toMatch(/Lessons 0\/3/);
    expect(first).toContain('Adapters');
    // The frame fits: nothing scrolled into the scroll-back, last row left free, main buffer only.
    expect(app.screen.scrolledOff).toBe(0);
    expect(app.screen.lines()[23]).toBe('');
    expect(app.screen.everOn.has('alt')).toBe(false);
    expect(app.screen.everOn.has('mouse')).toBe(false);

    app.type('l');
    await app.waitFor('ftlab › Lessons', T);
    app.press('enter');
    await app.waitFor('ftlab › Rank basics', T);
    const before = app.text();
    expect(before).toContain('Parameter count');
    expect(before).toMatch(/Matrix\s+│ Shape\s+│ Parameters/);
    expect(before).toContain('│ def lora_params(r, d_in, d_out):');
    const topBefore = bodyTop(app);

    app.type('jjj');
    await app.waitUntil(() => bodyTop(app) !== topBefore, T);
    app.press('pagedown');
    await app.waitFor(/Paragraph \d+:/, T);
    const afterScroll = bodyTop(app);
    expect(afterScroll).not.toBe(topBefore);
    expect(app.screen.scrolledOff).toBe(0);

    app.type('c');
    await app.waitFor('Marked complete', T);

    app.type('q'); // back to the list
    // the frame arrives in several writes: wait for the row, not only the breadcrumb above it
    await app.waitFor('ftlab › Lessons', T);
    await app.waitFor(/✓ Rank basics/, T);
    app.type('q'); // home
    await app.waitFor('Next:', T);
    await app.waitFor(/Lessons 1\/3/, T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
    expect(app.screen.modes.cursorVisible).toBe(true);

    // Reopen the lesson: it starts where we left it, still complete.
    const again = open(['learn', FIXTURE_LESSONS.first]);
    await again.waitFor('ftlab › Rank basics', T);
    await again.waitFor('✓', T);
    expect(bodyTop(again)).toBe(afterScroll);
    again.press('ctrlC');
    expect(await again.exited(T)).toBe(130); // Ctrl-C is an interrupt
    expect(again.screen.modes.cursorVisible).toBe(true);
  });

  it('jumps with g/G and the table of contents, and offers a quiz at the end', async () => {
    const app = open(['learn', FIXTURE_LESSONS.first]);
    await app.waitFor('ftlab › Rank basics', T);
    app.type('G');
    await app.waitFor('End of lesson', T);
    const end = app.text();
    expect(end).toContain('quiz me on this lesson');
    expect(end).toContain('FINAL-LINE-MARKER');
    expect(end).toContain('100%');
    // "quiz me on this lesson" opens the quiz screen on this lesson's questions; Esc comes back.
    app.type('z');
    await app.waitFor(/ftlab › Quiz/, T);
    app.press('escape');
    await app.waitFor('ftlab › Rank basics', T);
    app.type('g');
    await app.waitFor(/Rank basics\n/, T);
    app.type('t');
    await app.waitFor('Contents', T);
    app.press('down', 'down', 'enter');
    await app.waitUntil(() => /^Walkthrough/.test(bodyTop(app)), T);
    app.type('?');
    await app.waitFor('table of contents', T);
    app.press('escape');
    await app.waitForGone('table of contents', T);
    app.kill('SIGTERM');
    const code = await app.exited(T);
    expect(code).toBe(143);
    expect(app.screen.modes.cursorVisible).toBe(true);
  });

  it('follows resizes: narrow layout under 80 columns, more rows when taller', async () => {
    const app = open([]);
    await app.waitFor('Next:', T);
    app.resize(60, 20);
    await app.waitForGone('────────', T);
    expect(app.screen.lines().every((l) => l.length <= 60)).toBe(true);
    app.resize(100, 30);
    await app.waitFor('────────', T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('works without colour and with ASCII and screen-reader layouts', async () => {
    const app = open(['--ascii', 'learn', FIXTURE_LESSONS.first], { env: { NO_COLOR: '1' } });
    const t = await app.waitFor('ftlab > Rank basics', T);
    expect(app.output()).not.toMatch(/\x1b\[3[0-9]m/); // no foreground colours
    expect(t).not.toMatch(/[│─╭╮]/);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
    const sr = open(['--screen-reader']);
    const s = await sr.waitFor('Keys:', T);
    expect(s).toContain('Home');
    expect(s).not.toMatch(/[│─]/);
    sr.type('q');
    expect(await sr.exited(T)).toBe(0);
  });

  it('prints plain summaries and exits when there is no terminal', () => {
    const env = { ...process.env, FTLAB_HOME: home, FTLAB_CONTENT: course };
    const r = spawnSync(process.execPath, [CLI], { cwd: ROOT, env, encoding: 'utf8', input: '' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('ftlab — study summary');
    expect(r.stdout).toMatch(/Lessons completed: 1\/3/);
    const lesson = spawnSync(process.execPath, [CLI, 'learn', FIXTURE_LESSONS.second], { cwd: ROOT, env, encoding: 'utf8', input: '' });
    expect(lesson.status).toBe(0);
    expect(lesson.stdout).toContain('The update is scaled by alpha over r.');
    const json = spawnSync(process.execPath, [CLI, 'home', '--json'], { cwd: ROOT, env, encoding: 'utf8', input: '' });
    expect(JSON.parse(json.stdout).lessonsDone).toBe(1);
    const bad = spawnSync(process.execPath, [CLI, 'learn', 'rank-basic'], { cwd: ROOT, env, encoding: 'utf8', input: '' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('did you mean "rank-basics"');
  });

  it('opens the shipped course home screen without errors', async () => {
    const h = tempHome();
    try {
      const app = spawnCli([], { home: h });
      sessions.push(app);
      const t = await app.waitFor('Next:', T);
      expect(t).toContain('Progress by module');
      expect(t).not.toContain('This screen failed');
      app.type('q');
      expect(await app.exited(T)).toBe(0);
    } finally {
      removeHome(h);
    }
  });

  it('a bare ftlab in a terminal (the fast start path) still reports a bad content folder with exit 2', async () => {
    const app = spawnCli([], { home, env: { FTLAB_CONTENT: join(home, 'no-such-course') } });
    sessions.push(app);
    expect(await app.exited(T)).toBe(2);
    expect(app.text()).toContain('content folder not found');
    expect(app.text()).toContain('hint: pass --content DIR');
  });
});
