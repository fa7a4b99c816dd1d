// End to end in a real pseudo-terminal (80×24) against the built CLI, reading the screen like a person:
// answer a card of every type in a quiz, undo a rating, quit; reopen and find the due counts kept;
// take and submit a short exam, find it in the history; quit mid-exam and resume it. FTLAB_HOME is a
// temporary folder; the content is the practice fixture course (one question of every type).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Question, SubQuestion } from '../../src/core/content/schema.js';
import { CLI, KEYS, ROOT, removeHome, spawnCli, tempHome, type CliSession } from './pty.js';
import { orderKeys } from '../helpers/order-keys.js';

const T = 20_000;
const course = join(ROOT, 'test/ui/questions/content');
const bank = parse(readFileSync(join(course, 'quizzes/fx.yaml'), 'utf8')) as Question[];
// Mock exams draw only exam item types, exactly 15 for --short: this course is exactly one short mock.
const examCourse = join(ROOT, 'test/ui/questions/exam-content');
const examBank = parse(readFileSync(join(examCourse, 'quizzes/ex.yaml'), 'utf8')) as Question[];
let home: string;
const sessions: CliSession[] = [];
const open = (args: string[], content = course) => {
  const s = spawnCli(args, { home, content });
  sessions.push(s);
  return s;
};
const plain = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FTLAB_HOME: home, FTLAB_CONTENT: course, CI: 'true' },
  });

beforeAll(() => {
  home = tempHome('ftlab-practice-e2e-');
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
});

// ---- reading the screen ---------------------------------------------------------------------------

/** The number shown before `text` in a numbered option line ("  ❯ ◉ 3. text"), or fail with the screen. */
function numberOf(screen: string, text: string): number {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`(\\d+)\\. ${escaped}(?:\\s|$)`, 'm').exec(screen);
  if (!m) throw new Error(`option "${text}" not on screen:\n${screen}`);
  return Number(m[1]);
}

/** Which question of the bank is on screen (by its prompt). */
function questionOnScreen(screen: string): Question | SubQuestion {
  const flat = screen.replace(/\s+/g, ' ');
  const all: (Question | SubQuestion)[] = [...bank, ...examBank].flatMap((q) => (q.type === 'case' ? [...q.questions] : [q]));
  const hit = all.find((q) => flat.includes(q.prompt.replace(/\s+/g, ' ').slice(0, 40)));
  if (!hit) throw new Error(`no known question on screen:\n${screen}`);
  return hit;
}

/** The keys a learner who knows the answer types for the question on screen. */
function answerKeys(q: Question | SubQuestion, screen: string): string[] {
  switch (q.type) {
    case 'single':
      return [String(numberOf(screen, q.choices[q.answer]!)), KEYS.enter];
    case 'multi':
      return [...q.answers.map((a) => String(numberOf(screen, q.choices[a]!))), KEYS.enter];
    case 'truefalse':
      return [q.answer ? 't' : 'f', KEYS.enter];
    case 'order': {
      // Current order from the numbered lines; move each item up into place with K.
      const cur = q.items.map((item) => numberOf(screen, item) - 1);
      const shown = cur.map((_, pos) => q.items.findIndex((_, i) => cur[i] === pos)); // item index at each position
      return [...orderKeys(shown), KEYS.enter];
    }
    case 'match': {
      const rights = screen.slice(screen.indexOf('Right-hand sides:'));
      return [...q.pairs.map((p) => String(numberOf(rights, p.right))), KEYS.enter];
    }
    case 'cloze':
      return [q.answers[0]!, KEYS.enter];
    case 'numeric':
      return [String(q.answer), KEYS.enter];
    case 'case':
      throw new Error('case questions are answered part by part');
  }
}

/** Types keys one at a time, each after the screen has reacted to the previous one (like a person). */
async function typeKeys(app: CliSession, keys: string[]): Promise<void> {
  for (const k of keys) {
    let drawn = false;
    const stop = app.onOutput(() => (drawn = true));
    app.type(k);
    const start = Date.now();
    while (!drawn && Date.now() - start < 400) await new Promise((r) => setTimeout(r, 5));
    stop();
    await app.settle(30, T);
  }
}

// ---- scenarios ------------------------------------------------------------------------------------

describe('quiz, review and exam in a pseudo-terminal', () => {
  it('answers a card of every type, undoes a rating, shows the summary and quits', async () => {
    const app = open(['quiz', '--lesson', 'fx-lesson', '-n', '8']);
    await app.waitFor('ftlab › Quiz', T);
    const seen = new Set<string>();
    let undone = false;
    for (let card = 1; card <= 8; card++) {
      await app.waitFor(`${card}/8 ·`, T);
      await app.settle(80, T);
      let screen = app.text();
      if (screen.includes('Case: Support bot')) {
        seen.add('case');
        for (let part = 1; part <= 2; part++) {
          screen = await app.waitFor(`Part ${part} of 2`, T);
          await typeKeys(app, answerKeys(questionOnScreen(screen), screen));
        }
      } else {
        const q = questionOnScreen(screen);
        seen.add(q.type);
        await typeKeys(app, answerKeys(q, screen));
      }
      const feedback = await app.waitFor(/Correct|Not right|Partly right/, T);
      expect(feedback, feedback).toContain('Correct');
      expect(feedback).toMatch(/1 Again \S+/);
      expect(feedback).toMatch(/3 Good \S+/);
      app.type('3');
      if (!undone) {
        undone = true;
        await app.waitFor(card === 8 ? 'Session summary' : `${card + 1}/8 ·`, T);
        app.type('\x1a'); // Ctrl+Z: undo works even when the next card is a typed answer
        await app.waitFor('Undid Good', T);
        app.type('4');
      }
    }
    expect([...seen].sort()).toEqual(['case', 'cloze', 'match', 'multi', 'numeric', 'order', 'single', 'truefalse']);
    const summary = await app.waitFor('Session summary', T);
    expect(summary).toContain('Answered 8 · correct 8 (100%)');
    expect(summary).toMatch(/Ratings: Again 0 · Hard 0 · Good 7 · Easy 1/);
    expect(app.screen.scrolledOff).toBe(0);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
    expect(app.screen.modes.cursorVisible).toBe(true);

    // The log holds 9 reviews and 1 undo.
    const log = readFileSync(join(home, 'reviews.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.filter((e) => e.type === 'review')).toHaveLength(9);
    expect(log.filter((e) => e.type === 'undo')).toHaveLength(1);
  });

  it('reopens and finds the due counts kept', async () => {
    const r = plain('review', '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.counts.newToday).toBe(8);
    expect(json.counts.newAvailable).toBe(0);
    expect(json.due + json.new).toBe(0);
    expect(json.nextLearningDue).not.toBeNull();

    const app = open(['review']);
    const t = await app.waitFor('Session summary', T);
    expect(t).toContain('Nothing left to review right now.');
    expect(t).toMatch(/Next learning card due in \d+m/);
    expect(t).toContain('Today: 0 reviews, 8 new cards.');
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('takes and submits a short exam, then finds it in the history', async () => {
    const app = open(['exam', '--short'], examCourse); // --short starts the exam at once
    // Exactly the advertised number, case parts included (issue 12.7).
    await app.waitFor('question 1 of 15', T);
    // Answer the first three items as someone who knows them; leave the rest blank.
    for (let i = 1; i <= 3; i++) {
      await app.waitFor(`question ${i} of 15`, T);
      await app.settle(80, T);
      const screen = app.text();
      expect(screen).toMatch(/\d+:\d\d left/);
      await typeKeys(app, answerKeys(questionOnScreen(screen), screen));
    }
    await app.waitFor('3/15 answered', T);
    // Ctrl+E, not s: question 4 is drawn at random and may be a typed answer, whose field takes letters.
    app.press('ctrlE');
    const confirm = await app.waitFor('Submit the exam?', T);
    expect(confirm).toMatch(/12 questions not answered: 4, 5, 6, 7/);
    app.type('y');
    const result = await app.waitFor('Estimated scaled score', T);
    expect(result).toContain('FAIL');
    expect(result).toContain('3 of 15 right');
    expect(result.replace(/\s+/g, ' ')).toContain('not the official score');
    app.type('w');
    await app.waitFor('Exam review (wrong answers)', T);
    await app.waitFor('not answered', T);
    app.press('escape');
    await app.waitFor('Estimated scaled score', T);
    app.press('enter');
    expect(await app.exited(T)).toBe(0);

    const r = plain('exam', '--json');
    const json = JSON.parse(r.stdout);
    expect(json.inProgress).toBeNull();
    expect(json.history).toHaveLength(1);
    expect(json.history[0]).toMatchObject({ mode: 'short', correct: 3, total: 15, passed: false });

    const again = open(['exam'], examCourse);
    await again.waitFor('attempt history (1)', T);
    again.type('h');
    const h = await again.waitFor('Exam history', T);
    expect(h).toMatch(/short\s+3\/15\s+~\s*\d+ fail/);
    again.type('q');
    await again.waitFor('AIF-C01 style mock exam', T);
    again.type('q');
    expect(await again.exited(T)).toBe(0);
  });

  it('quits mid-exam and resumes it where it was', async () => {
    const app = open(['exam', '--short'], examCourse); // --short starts the exam at once
    await app.waitFor('question 1 of 15', T);
    await app.settle(80, T);
    const screen = app.text();
    await typeKeys(app, answerKeys(questionOnScreen(screen), screen));
    await app.waitFor('question 2 of 15', T);
    app.press('ctrlC');
    expect(await app.exited(T)).toBe(130); // Ctrl-C is an interrupt

    const plainSummary = plain('exam');
    expect(plainSummary.stdout).toMatch(/Exam in progress: short, 1 of 15 answered/);

    const again = open(['exam'], examCourse);
    await again.waitFor('An exam is in progress', T);
    expect(again.text()).toContain('1 of 15 answered');
    again.type('r');
    const resumed = await again.waitFor('question 2 of 15', T);
    expect(resumed).toContain('1/15 answered');
    // Ctrl+C, not q: question 2 may be a typed answer, whose field takes q as a letter.
    again.press('ctrlC');
    expect(await again.exited(T)).toBe(130); // Ctrl-C is an interrupt
  });

  it('opens the lesson from the feedback and comes back to the same card', async () => {
    const app = open(['quiz', '--domain', '2', '-n', '1']);
    await app.waitFor('1/1 ·', T);
    await app.settle(80, T);
    const screen = app.text();
    await typeKeys(app, answerKeys(questionOnScreen(screen), screen));
    await app.waitFor('press o to open it', T);
    app.type('o');
    await app.waitFor('ftlab › Fixture lesson', T);
    app.type('q');
    const back = await app.waitFor('press o to open it', T);
    expect(back).toContain('Correct');
    app.type('3');
    await app.waitFor('Answered 1 · correct 1', T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('prints plain summaries without a TTY and rejects bad flags', () => {
    const q = plain('quiz', '--domain', '3');
    expect(q.status).toBe(0);
    expect(q.stdout).toMatch(/Quiz on domain 3: \d+ matching question/);
    const bad = plain('quiz', '--lesson', 'no-such-lesson');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown lesson "no-such-lesson"');
    const both = plain('exam', '--short', '--full');
    expect(both.status).toBe(2);
  });
});
