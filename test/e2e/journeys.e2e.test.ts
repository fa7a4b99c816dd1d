// Learner journeys (issue 12) against the BUILT CLI in a real pseudo-terminal at 80×24, typed the way
// a person types: one key at a time, in bursts (several keys in one write, as a terminal delivers fast
// typing), and as held-key repeat (one key every ~30 ms without waiting for the screen).
// The course is the practice fixture course cut down to the questions each journey needs.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Question } from '../../src/core/content/schema.js';
import { ROOT, removeHome, spawnCli, tempHome, type CliSession } from './pty.js';

const T = 20_000;
const fixture = join(ROOT, 'test/ui/questions/content');
const bank = parse(readFileSync(join(fixture, 'quizzes/fx.yaml'), 'utf8')) as Question[];
let course: string;
let clozeOnly: string;
let numericOnly: string;
const homes: string[] = [];
const sessions: CliSession[] = [];

/** A copy of the fixture course whose bank holds only the question types given. */
function courseWith(types: Question['type'][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-journey-course-'));
  cpSync(join(fixture, 'content'), join(dir, 'content'), { recursive: true });
  mkdirSync(join(dir, 'quizzes'));
  writeFileSync(join(dir, 'quizzes/fx.yaml'), stringify(bank.filter((q) => types.includes(q.type))));
  return dir;
}

function open(args: string[], content = course): CliSession {
  const home = tempHome('ftlab-journey-');
  homes.push(home);
  const s = spawnCli(args, { home, content });
  sessions.push(s);
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The text after "Answer:" (or "Answer (unit):") on screen. */
const answerLine = (screen: string) => /Answer(?: \([^)]*\))?: (.*)$/m.exec(screen)?.[1]?.trimEnd() ?? '';

beforeAll(() => {
  course = courseWith(['cloze', 'numeric']);
  clozeOnly = courseWith(['cloze']);
  numericOnly = courseWith(['numeric', 'truefalse']);
});
afterAll(() => {
  for (const s of sessions) {
    try {
      s.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const h of homes) removeHome(h);
  for (const c of [course, clozeOnly, numericOnly]) rmSync(c, { recursive: true, force: true });
});

describe('typing in text fields', () => {
  it('applies every key of a burst and of a held Backspace in cloze and numeric answers', async () => {
    const app = open(['quiz', '--lesson', 'fx-lesson', '-n', '2']);
    for (let card = 1; card <= 2; card++) {
      const screen = await app.waitFor(`${card}/2 ·`, T);
      await app.waitFor('Esc leave field', T);
      const cloze = screen.includes('Fill in the blank');
      // A typo, then three Backspaces in one write: exactly three characters go.
      app.type(cloze ? 'rankxyz' : '65536999');
      await app.waitUntil(() => answerLine(app.text()) === (cloze ? 'rankxyz' : '65536999'), T);
      app.type('\x7f\x7f\x7f');
      await app.waitUntil(() => answerLine(app.text()) === (cloze ? 'rank' : '65536'), T);
      // Held Backspace: key repeat every ~30 ms, not waiting for the screen; one character per repeat.
      app.type(cloze ? 'abcd' : '1234');
      await app.waitUntil(() => answerLine(app.text()).endsWith(cloze ? 'abcd' : '1234'), T);
      for (let i = 0; i < 4; i++) {
        app.type('\x7f');
        await sleep(30);
      }
      await app.waitUntil(() => answerLine(app.text()) === (cloze ? 'rank' : '65536'), T);
      // Ctrl+H (BS) twice and the correction typed in the same burst as Enter.
      app.type(cloze ? '\b\bnk\r' : '\b\b36\r');
      const feedback = await app.waitFor(/Correct|Not right/, T);
      expect(feedback, feedback).toContain('Correct');
      expect(answerLine(feedback)).toBe(cloze ? 'rank' : '65536');
      app.type('3');
    }
    await app.waitFor('Session summary', T);
    expect(app.text()).toContain('correct 2 (100%)');
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('Esc leaves the field so letters are keys again; the footer shows only keys that work there', async () => {
    const app = open(['quiz', '--lesson', 'fx-lesson'], clozeOnly);
    await app.waitFor('Fill in the blank', T);
    const typing = await app.waitFor('Esc leave field', T);
    const footer = typing.trimEnd().split('\n').pop()!;
    expect(footer).not.toMatch(/\? keys|q quit|\bu\//);
    app.type('q?');
    await app.waitUntil(() => /q\?$/.test(answerLine(app.text())), T);
    expect(app.text()).toContain('ftlab › Quiz'); // q was typed, not obeyed
    app.press('escape');
    await app.waitFor('Enter edit answer', T);
    app.press('enter');
    await app.waitFor('Esc leave field', T);
    app.press('escape');
    await app.waitFor('Enter edit answer', T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });
});

describe('honest ratings', () => {
  it('refuses a malformed number, proposes Again after a wrong answer and asks before Good; u takes back only the grading', async () => {
    const app = open(['quiz', '--lesson', 'fx-lesson', '-n', '2'], numericOnly);
    for (let card = 1; card <= 2; card++) {
      const screen = await app.waitFor(`${card}/2 ·`, T);
      if (screen.includes('Numeric answer')) {
        // A typo: "2," then Enter in one burst is refused with a hint and not graded.
        app.type('2,\r');
        await app.waitFor('is not a number (try', T);
        expect(app.text()).not.toMatch(/Correct|Not right/);
        app.type('\x7f\x7f12\r'); // wrong: 12
        const feedback = await app.waitFor('Not right', T);
        expect(feedback).toMatch(/\[1 Again [^\]]+\]/);
        expect(feedback).toContain('Good (3) and Easy (4) need a second press');
        // u before rating: back to the answer, the wrong answer still counts.
        app.type('u');
        await app.waitFor('Grading taken back', T);
        app.type('\x15'); // Ctrl+U clears the field
        app.type('65536\r');
        const again = await app.waitFor('Correct', T);
        expect(again).toContain('first answer to this card was wrong');
        app.type('3');
        await app.waitFor('press 3 again', T);
        app.type('3');
      } else {
        app.type('f'); // wrong
        app.press('enter');
        await app.waitFor('Not right', T);
        app.type('1');
      }
    }
    const summary = await app.waitFor('Session summary', T);
    expect(summary).toContain('Answered 2 · correct 0 (0%)');
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });
});
