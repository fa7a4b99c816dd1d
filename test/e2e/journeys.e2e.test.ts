// Learner journeys (issue 12) against the BUILT CLI in a real pseudo-terminal at 80×24, typed the way
// a person types: one key at a time, in bursts (several keys in one write, as a terminal delivers fast
// typing), and as held-key repeat (one key every ~30 ms without waiting for the screen).
// The course is the practice fixture course cut down to the questions each journey needs.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Question } from '../../src/core/content/schema.js';
import { CLI, ROOT, removeHome, spawnCli, tempHome, type CliSession } from './pty.js';
import { writeFixtureCourse } from '../ui/fixtures.js';

const T = 20_000;
const fixture = join(ROOT, 'test/ui/questions/content');
const bank = parse(readFileSync(join(fixture, 'quizzes/fx.yaml'), 'utf8')) as Question[];
let course: string;
let clozeOnly: string;
let numericOnly: string;
let orderOnly: string;
let threeLessons: string;
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
  orderOnly = courseWith(['order']);
  threeLessons = writeFixtureCourse();
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
  for (const c of [course, clozeOnly, numericOnly, orderOnly, threeLessons]) rmSync(c, { recursive: true, force: true });
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
    await app.waitFor('correct 2 (100%)', T);
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
        const notice = await app.waitFor('press 3 again', T);
        // the notice stands right above the rating row it is about, not up by the lesson title
        const rows = notice.split('\n');
        const at = rows.findIndex((r) => r.includes('press 3 again'));
        expect(rows.slice(at + 1, at + 4).join('\n'), notice).toMatch(/\[1 Again/);
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

describe('quiz picker', () => {
  it('Home → Quiz offers what to practise and how many; a question type starts a quiz of that type only', async () => {
    const app = open([], fixture);
    await app.waitFor('Next:', T);
    app.type('z');
    await app.waitFor('choose what to practise', T);
    const picker = app.text();
    for (const heading of ['Everything', 'By module', 'By AIF-C01 domain', 'By question type']) expect(picker).toContain(heading);
    // Fewer questions: ← from 10 to 5; then move down to "fill in the blank".
    app.press('left');
    await app.waitFor('5 questions', T);
    // The highlighted row (the title's "ftlab ›" aside); each j waits for the cursor to move, as a person would.
    const selected = () =>
      app
        .text()
        .split('\n')
        .find((l) => l.includes('›') && !l.includes('ftlab')) ?? '';
    for (let i = 0; i < 40 && !selected().includes('fill in the blank'); i++) {
      const before = selected();
      app.type('j');
      await app.waitUntil(() => selected() !== before, T);
    }
    expect(app.text()).toMatch(/› fill in the blank 1 question$/m);
    app.press('enter');
    await app.waitFor('Quiz · fill in the blank', T);
    // The title line can arrive before the body is drawn: wait for the body too.
    await app.waitFor('Fill in the blank', T);
    expect(app.text()).toContain('1/1 ·');
    app.press('escape', 'escape'); // leave the field, then the quiz: back at the picker
    await app.waitFor('choose what to practise', T);
    app.type('q'); // back home, then quit
    await app.waitFor('Next:', T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('ftlab quiz --type filters by question type, with any of --lesson/--module/--domain', () => {
    const home = tempHome('ftlab-journey-');
    homes.push(home);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, FTLAB_HOME: home, FTLAB_CONTENT: fixture, CI: 'true' },
      });
    const ok = run('quiz', '--type', 'numeric', '--lesson', 'fx-lesson', '--json');
    expect(ok.status).toBe(0);
    const json = JSON.parse(ok.stdout);
    expect(json.filter).toMatchObject({ type: 'numeric', lesson: 'fx-lesson' });
    expect(json.byType).toEqual({ numeric: 1 });
    const bad = run('quiz', '--type', 'essay');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown question type "essay"');
    expect(bad.stderr).toContain('types: single, multi');
  });
});

describe('small truths', () => {
  it('Ctrl-C quits with status 130, as shells expect of an interrupt', async () => {
    const app = open([], fixture);
    await app.waitFor('Next:', T);
    app.type('\x03');
    expect(await app.exited(T)).toBe(130);
    expect(app.screen.modes.cursorVisible).toBe(true);
  });

  it('learn --help examples name lessons that exist in the shipped course', () => {
    const home = tempHome('ftlab-journey-');
    homes.push(home);
    const env = { ...process.env, FTLAB_HOME: home, CI: 'true', FTLAB_CONTENT: undefined };
    const help = spawnSync(process.execPath, [CLI, 'learn', '--help'], { cwd: ROOT, encoding: 'utf8', env });
    const ids = [...help.stdout.matchAll(/^ {2}ftlab learn ([a-z][a-z0-9-]*)\b/gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      const r = spawnSync(process.execPath, [CLI, 'learn', id, '--json'], { cwd: ROOT, encoding: 'utf8', env });
      expect(r.status, `${id}: ${r.stderr}`).toBe(0);
    }
  });
});

/** The last line of the screen (the key-hint footer). */
const footer = (screen: string) => screen.trimEnd().split('\n').pop() ?? '';
/** The highlighted row of a list (the title line's "ftlab ›" aside). */
const selectedRow = (screen: string) => screen.split('\n').find((l) => /^\s*›/.test(l) && !l.includes('ftlab')) ?? '';

describe('what the screen says where the learner is', () => {
  it('an ordering question says how to move items, on screen and in the footer, and K/J move them', async () => {
    const app = open(['quiz', '--lesson', 'fx-lesson'], orderOnly);
    const screen = await app.waitFor('Put the items in order', T);
    expect(screen.replace(/\s+/g, ' ')).toMatch(/K\/Shift\+↑ \/ J\/Shift\+↓ move the highlighted item up \/ down/);
    expect(footer(screen)).toMatch(/K\/Shift\+↑ move up\s+J\/Shift\+↓ move down/);
    const first = /^\s*❯?\s*1\. (.+)$/m.exec(screen)![1]!.trim();
    app.type('J'); // the item under the cursor (the first) moves down one place
    await app.waitUntil(() => new RegExp(`2\\. ${first}`).test(app.text()), T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('back from the reader, the lesson list has its cursor on the lesson n moved to', async () => {
    const app = open(['learn'], threeLessons);
    await app.waitFor('ftlab › Lessons', T);
    await app.waitUntil(() => selectedRow(app.text()).includes('Rank basics'), T);
    app.press('enter');
    await app.waitFor('% ·', T);
    app.type('n');
    await app.waitFor('ftlab › Alpha scaling', T);
    app.press('escape');
    await app.waitFor('done', T);
    await app.waitUntil(() => selectedRow(app.text()).includes('Alpha scaling'), T);
    // Enter opens the lesson under the cursor: the one read last.
    app.press('enter');
    await app.waitFor('ftlab › Alpha scaling', T);
    app.press('escape');
    await app.waitUntil(() => selectedRow(app.text()).includes('Alpha scaling'), T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('the warning banner says "skipped" only for what was left out; a lesson that loaded is a "problem"', async () => {
    const dir = writeFixtureCourse();
    try {
      // An unknown prerequisite: the lesson still loads. A question naming an unknown lesson: left out.
      const lesson = join(dir, 'content/02-serving/01-serving-intro.md');
      writeFileSync(lesson, readFileSync(lesson, 'utf8').replace('domain: 3\n', 'domain: 3\nprerequisites: [no-such-lesson]\n'));
      writeFileSync(
        join(dir, 'quizzes/extra.yaml'),
        '- id: stray-q\n  lesson: nowhere\n  domain: 3\n  task: "3.3"\n  difficulty: easy\n  type: truefalse\n  prompt: "A stray."\n  answer: true\n  explanation: "x"\n',
      );
      const app = open([], dir);
      const home = await app.waitFor('Next:', T);
      const flat = home.replace(/\s+/g, ' ');
      expect(flat).toMatch(/problem: content\/02-serving\/01-serving-intro\.md:\d+:\d+: unknown lesson "no-such-lesson"/);
      expect(flat).toMatch(/skipped: quizzes\/extra\.yaml:\d+:\d+: unknown lesson "nowhere"/);
      expect(flat).not.toMatch(/skipped: content\/02-serving/);
      app.type('l');
      await app.waitFor('Serving intro', T); // the lesson with the problem is listed and opens
      app.type('q');
      await app.waitFor('Next:', T);
      app.type('q');
      expect(await app.exited(T)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resizing while reading', () => {
  it('keeps the line at the top of the reader in place: 60x20 -> 120x40 -> 80x24', async () => {
    // Long paragraphs of numbered words (p3w17 = paragraph 3, word 17), so any row tells where it is.
    const dir = writeFixtureCourse();
    const para = (p: number) => Array.from({ length: 60 }, (_, w) => `p${p}w${w + 1}`).join(' ');
    const body = [
      '# Resize',
      '',
      ...Array.from({ length: 14 }, (_, i) => [para(i + 1), '']).flat(),
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
    ].join('\n');
    const file = join(dir, 'content/02-serving/01-serving-intro.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/# Serving intro[\s\S]*$/, body));
    try {
      const home = tempHome('ftlab-journey-');
      homes.push(home);
      const app = spawnCli(['learn', 'serving-intro'], { home, content: dir, cols: 60, rows: 20 });
      sessions.push(app);
      /** The first row of the reader's body: in the narrow layout right under the title, else under the rule. */
      const topRow = () => {
        const rows = app.text().split('\n');
        return (rows[1]?.startsWith('──') ? rows[2] : rows[1])?.trim() ?? '';
      };
      const words = (row: string) => [...row.matchAll(/p(\d)w(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
      await app.waitFor('ftlab › Serving intro', T);
      // Scroll until paragraph 3 starts the page (one line at a time, waiting for each, as a reader does).
      for (let i = 0; i < 60 && !topRow().startsWith('p3w1 '); i++) {
        const before = topRow();
        app.type('j');
        await app.waitUntil(() => topRow() !== before, T);
      }
      expect(topRow().startsWith('p3w1 ')).toBe(true);
      app.resize(120, 40);
      await app.waitUntil(() => app.text().split('\n')[1]?.startsWith('──') === true && app.text().includes('p3w1 '), T);
      await app.settle(150, T);
      expect(topRow(), app.text()).toMatch(/^p3w1 /);
      app.resize(80, 24);
      await app.waitUntil(() => (app.text().split('\n')[0]?.length ?? 0) <= 80 && topRow().startsWith('p3w1 '), T);
      // Now from the middle of a paragraph: the word at the top stays on the top row.
      app.type('j');
      await app.waitUntil(() => !topRow().startsWith('p3w1 ') && words(topRow()).length > 0, T);
      const [, word] = words(topRow())[0]!;
      app.resize(60, 20);
      await app.waitUntil(() => !app.text().split('\n')[1]?.startsWith('──'), T);
      await app.settle(150, T);
      const after = words(topRow());
      expect(after[0]![0], app.text()).toBe(3);
      expect(after.some(([p, w]) => p === 3 && w === word) || after[0]![1] < word, app.text()).toBe(true);
      expect(app.text()).toContain(`p3w${word} `);
      app.type('q');
      expect(await app.exited(T)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('80 columns: nothing to read is cut with "…"', () => {
  /** The body rows of the screen (between the two rules), trimmed. */
  const body = (screen: string) => {
    const rows = screen.split('\n');
    const rules = rows.map((r, i) => (/^─{20,}$/.test(r.trim()) ? i : -1)).filter((i) => i >= 0);
    return rows.slice(rules[0]! + 1, rules[rules.length - 1]).map((r) => r.trim());
  };

  it('the metrics lab screen wraps its prose and headers, and a tall view scrolls to its last line', async () => {
    const app = open(['lab', 'open', 'metrics'], ROOT);
    await app.waitFor('graded steps passed', T);
    app.type('o');
    const overview = await app.waitFor('Scores · summarisation', T);
    expect(body(overview).join(' ')).toContain(
      "Mean scores per system (sentence BLEU as sacrebleu's sentence_bleu, ROUGE as rouge-score, chrF as sacrebleu)",
    );
    for (let view = 0; view < 7; view++) {
      const screen = app.text();
      expect(
        body(screen).filter((r) => r.endsWith('…')),
        screen,
      ).toEqual([]);
      const title = /Metrics lab\s+(.+ · summarisation)/.exec(screen)![1]!;
      app.type('l');
      await app.waitUntil(() => !app.text().includes(title), T);
    }
    // The paraphrase view is taller than 24 rows: it says so, and PgDn shows the rest of the note.
    while (!app.text().includes('Paraphrase ·')) {
      const before = app.text();
      app.type('l');
      await app.waitUntil(() => app.text() !== before, T);
    }
    await app.waitFor(/↓ \d+ more lines?: PgDn\/Space/, T);
    app.press('pagedown');
    await app.waitFor('which must be reported with the score.', T);
    app.type('q');
    await app.waitFor('graded steps passed', T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('the serving lab shows /metrics values whole and curl commands as rows that paste as one', async () => {
    const app = spawnCli(['lab', 'open', 'serving', '--port', '0', '--api-port', '0'], { home: tempHome('ftlab-journey-') });
    homes.push(app.home);
    sessions.push(app);
    await app.waitFor('press o to open it', T);
    app.type('o');
    await app.waitFor('Serving lab', T);
    app.type('b');
    await app.waitFor(/model server: running/, 30_000);
    app.type('a');
    await app.waitFor(/serving API: running/, 30_000);
    app.type('p');
    await app.waitFor('Prompt', T);
    app.press('enter');
    await app.waitFor(/tokens \d+ in/, 60_000);
    app.type('m');
    const metrics = await app.waitFor('ftlab_serve_http_requests_total{', T);
    const rows = body(metrics);
    expect(rows.filter((r) => r.endsWith('…'))).toEqual([]);
    // name{labels} and its value: on one row, or the value on the indented row after it.
    const at = rows.findIndex((r) => r.startsWith('ftlab_serve_http_requests_total{') && r.includes('status="200"'));
    const entry = rows[at]!.endsWith('}') ? `${rows[at]} ${rows[at + 1]}` : rows[at]!;
    expect(entry).toMatch(/status="200"\} \d+$/);
    app.type('c');
    const curl = await app.waitFor('Equivalent commands', T);
    const rowsNow = body(curl);
    const lines = rowsNow.slice(rowsNow.findIndex((r) => r.startsWith('Equivalent commands')) + 1).filter((r) => r);
    for (const r of curl.split('\n')) expect(r.length).toBeLessThanOrEqual(80);
    const joined = lines.join('\n');
    expect(lines[0]).toMatch(/^curl /);
    expect(joined).toMatch(/ \\\n/); // at least one command is broken with a continuation
    // Every command, as copied, is a valid shell line (bash -n parses the whole copy).
    const check = spawnSync('bash', ['-n', '-c', joined], { encoding: 'utf8' });
    expect(check.status, `${joined}\n${check.stderr}`).toBe(0);
    app.type('q');
    await app.waitFor('The model server and the serving API are running.', T);
    app.type('y');
    await app.waitFor('Lab: Serving', T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  }, 120_000);
});

describe('opening a lab screen from the runner', () => {
  it('keys typed while the lab screen loads reach it: o and two more keys in one burst, before and after the runner is up', async () => {
    // At once: the runner has not loaded the lab screen's code yet when o arrives.
    const fast = open(['lab', 'open', 'metrics'], ROOT);
    fast.type('oll');
    await fast.waitFor('Metrics lab', T);
    await fast.waitFor('Matches · summarisation', T); // two views on: both l went to the lab screen
    fast.type('q');
    await fast.waitFor('graded steps passed', T);
    expect(fast.text()).toMatch(/› • 1\. Score both systems/); // the runner's step did not move
    // Later, the runner drawn: o and l in one write.
    fast.type('ol');
    await fast.waitFor('Items · summarisation', T);
    fast.type('q');
    await fast.waitFor('graded steps passed', T);
    fast.type('q');
    expect(await fast.exited(T)).toBe(0);
  });
});

describe('lab commands work from any folder after a global install', () => {
  /** The sh blocks of a lab's instructions, as lists of lines. */
  const shBlocks = (labId: string) => {
    const lab = parse(readFileSync(join(ROOT, 'labs', labId, 'lab.yaml'), 'utf8')) as { steps: Array<{ instructions: string }> };
    return lab.steps.flatMap((st) => [...st.instructions.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trimEnd().split('\n')));
  };
  /** bash with `ftlab` on PATH (the built CLI), in a fresh folder outside the checkout. */
  const shell = (script: string, home: string) => {
    const bin = mkdtempSync(join(tmpdir(), 'ftlab-bin-'));
    writeFileSync(join(bin, 'ftlab'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const cwd = mkdtempSync(join(tmpdir(), 'ftlab-anywhere-'));
    try {
      return spawnSync('bash', ['-ec', script], {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, CI: 'true', FTLAB_HOME: home, FTLAB_CONTENT: undefined, PATH: `${bin}:${process.env.PATH}` },
        timeout: 120_000,
      });
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    }
  };

  // The LoRA lab's text belongs to its own work (labs/lora); it adopts the same rule there.
  it.each(['metrics', 'serving'])('%s: no path into the checkout; a block that uses lab files starts in the lab folder', (labId) => {
    const text = readFileSync(join(ROOT, 'labs', labId, 'lab.yaml'), 'utf8');
    expect(text).not.toMatch(/labs\/[a-z]+\//);
    for (const block of shBlocks(labId)) {
      if (block.some((l) => /(^|[\s"'=])(data|starter|solution)\//.test(l.replace(/\$\(ftlab lab path [^)]*\)/g, '')))) {
        expect(block[0], block.join('\n')).toBe(`cd "$(ftlab lab path ${labId})"`);
      }
    }
  });

  it('a long command in a lab step is shown at 80 columns as rows that paste as the same command', async () => {
    const app = open(['lab', 'open', 'metrics'], ROOT);
    await app.waitFor('graded steps passed', T);
    // Scroll the instructions (j, one row at a time) until the whole command is on screen.
    const rowsOf = () => {
      const rows = app.text().split('\n');
      const at = rows.findIndex((r) => r.trim().startsWith('ftlab metrics bleu'));
      if (at < 0) return undefined;
      const out: string[] = [];
      for (let i = at; i < rows.length; i++) {
        // the rest is below the visible instructions (the pane's rule, or its "↓ N more lines" marker)
        if (/^\s*─+$/.test(rows[i]!) || /^\s*[↓↑] /.test(rows[i]!)) return undefined;
        out.push(rows[i]!.trimEnd());
        if (!rows[i]!.trimEnd().endsWith(' \\')) return out;
      }
      return undefined;
    };
    for (let i = 0; i < 40 && !rowsOf(); i++) {
      const before = app.text();
      app.type('j');
      await app.waitUntil(() => app.text() !== before, T);
    }
    const rows = rowsOf()!;
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(80);
    // What a terminal copy of those rows gives bash: the same words as the command written on one line.
    const argv = (script: string) =>
      spawnSync('bash', ['-c', script.replace(/^(\s*)ftlab/, "$1printf '%s\\0'")], { encoding: 'utf8' }).stdout.split('\0');
    expect(argv(rows.join('\n'))).toEqual(
      argv('ftlab metrics bleu --hyp data/summarisation.base.txt --ref data/summarisation.reference.txt'),
    );
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });

  it('the metrics lab commands run as written from an unrelated folder', () => {
    const home = tempHome('ftlab-journey-');
    homes.push(home);
    const lines = shBlocks('metrics')
      .flat()
      .filter((l) => /^(cd "\$\(ftlab lab path|ftlab metrics (bleu|rouge)|node starter\/)/.test(l));
    expect(lines.filter((l) => l.startsWith('ftlab metrics')).length).toBeGreaterThanOrEqual(3);
    const r = shell(lines.join('\n'), home);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^BLEU\|.* = \d+\.\d+ /m);
    expect(readFileSync(join(home, 'labs/metrics/work/my-scores.jsonl'), 'utf8')).toMatch(/"system":/);
  });

  it("the serving lab grades the server in the learner's folder, not the shipped starter", () => {
    const home = tempHome('ftlab-journey-');
    homes.push(home);
    // The learner makes their copy of the starter as good as the reference: all five checks pass only
    // if the grader runs that copy (the shipped starter fails them).
    const r = shell(
      [
        'cd "$(ftlab lab path serving)"',
        'cp "$(ftlab lab path serving --package)/solution/server.mjs" starter/server.mjs',
        'ftlab lab verify serving --step build --no-record -o start="node starter/server.mjs"',
      ].join('\n'),
      home,
    );
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('All 5 checks passed.');
  }, 150_000);
});

describe('--ascii and screen-reader output', () => {
  /** Every byte the program wrote that is not ASCII, with some context. */
  const nonAscii = (app: CliSession) =>
    [...app.output().matchAll(/[^\x00-\x7f]/g)]
      .slice(0, 10)
      .map((m) => JSON.stringify(app.output().slice(Math.max(0, m.index! - 30), m.index! + 10)));
  /** Presses Escape until `marker` is on screen (a text field takes one Escape to leave). */
  const escapeTo = async (app: CliSession, marker: string | RegExp) => {
    for (let i = 0; i < 4; i++) {
      app.press('escape');
      try {
        await app.waitFor(marker, 3000);
        return;
      } catch {
        /* one more */
      }
    }
    await app.waitFor(marker, T);
  };

  it('--ascii writes only ASCII on every screen: home, ? overlay, lessons, reader, contents, review, quiz picker, quiz, exam start, stats, labs', async () => {
    const app = open(['--ascii'], ROOT);
    await app.waitFor('Next:', T);
    // at 80 columns the home screen's module names are whole (the longest is 44 characters)
    await app.waitFor('Building applications with foundation models ', T);
    app.type('?');
    await app.waitFor('Keys', T);
    await escapeTo(app, 'Next:');
    app.type('l');
    await app.waitFor('ftlab > Lessons', T);
    app.press('enter');
    await app.waitFor(/\d+% \|/, T);
    app.type('t');
    await app.waitFor('Contents', T);
    app.press('escape'); // Esc and a letter in one read would be Alt+letter: wait for Esc to land
    await app.waitForGone('Contents', T);
    app.type('G');
    await app.waitFor('100% |', T);
    await escapeTo(app, 'ftlab > Lessons');
    await escapeTo(app, 'Next:');
    app.type('r');
    await app.waitFor('ftlab > Review', T);
    await escapeTo(app, 'Next:');
    app.type('z');
    await app.waitFor('choose what to practise', T);
    app.press('enter');
    await app.waitFor('1/10 |', T);
    await escapeTo(app, 'choose what to practise');
    await escapeTo(app, 'Next:');
    for (const [key, screen] of [
      ['e', 'AIF-C01 style mock exam'],
      ['s', 'Overview'],
    ]) {
      app.type(key!);
      await app.waitFor(screen!, T);
      await escapeTo(app, 'Next:');
    }
    app.type('a');
    await app.waitFor('ftlab > Labs', T);
    app.press('enter');
    await app.waitFor('graded steps passed', T);
    app.type('o');
    await app.waitFor(/LoRA lab|Metrics lab|Serving lab/, T);
    app.press('escape');
    await app.waitFor('graded steps passed', T);
    app.type('q');
    await app.waitFor('ftlab > Labs', T);
    app.type('q');
    await app.waitFor('Next:', T);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
    expect(nonAscii(app)).toEqual([]);
  }, 120_000);

  it('--ascii: the metrics lab views, the serving lab, a quiz with feedback of several types, an exam to its result', async () => {
    const metrics = open(['--ascii', 'lab', 'open', 'metrics'], ROOT);
    await metrics.waitFor('graded steps passed', T);
    metrics.type('o');
    await metrics.waitFor('Scores | summarisation', T);
    for (const view of ['Items', 'Matches', 'Brevity penalty', 'Paraphrase', 'Questions', 'Your files']) {
      metrics.type('l');
      await metrics.waitFor(`${view} | summarisation`, T);
    }
    metrics.type('q');
    await metrics.waitFor('graded steps passed', T);
    metrics.type('q');
    expect(await metrics.exited(T)).toBe(0);
    expect(nonAscii(metrics)).toEqual([]);

    const serving = open(['--ascii', 'lab', 'open', 'serving', '--port', '0', '--api-port', '0'], ROOT);
    await serving.waitFor('press o to open it', T);
    serving.type('o');
    await serving.waitFor('Serving lab', T);
    serving.type('c');
    await serving.waitFor('Equivalent commands', T);
    serving.type('L');
    await serving.waitFor(/load test|requests/, T);
    serving.type('q');
    await serving.waitFor(/graded steps? passed/, T);
    serving.type('q');
    expect(await serving.exited(T)).toBe(0);
    expect(nonAscii(serving)).toEqual([]);

    const quiz = open(['--ascii', 'quiz', '--lesson', 'fx-lesson', '-n', '3'], courseWith(['truefalse', 'single', 'cloze']));
    for (let card = 1; card <= 3; card++) {
      const screen = await quiz.waitFor(`${card}/3 |`, T);
      await quiz.settle(80, T);
      if (screen.includes('Answer')) quiz.type('zz\r');
      else if (screen.includes('True or false')) quiz.type('t\r');
      else quiz.type('1\r');
      await quiz.waitFor(/Correct|Not right/, T);
      quiz.type('1');
      await quiz.waitUntil(() => !/Correct|Not right/.test(quiz.text()) || quiz.text().includes('press 1 again'), T);
      if (quiz.text().includes('press')) quiz.type('1');
    }
    await quiz.waitFor('Session summary', T);
    quiz.type('q');
    expect(await quiz.exited(T)).toBe(0);
    expect(nonAscii(quiz)).toEqual([]);

    const exam = open(['--ascii', 'exam', '--short'], join(ROOT, 'test/ui/questions/exam-content'));
    await exam.waitFor('question 1 of 15', T);
    exam.type('v');
    await exam.waitFor('Navigator', T);
    expect(exam.text()).toMatch(/ 1 \.\s+2 \./); // blank items marked ".", not the " | " separator
    exam.press('escape');
    await exam.waitForGone('Navigator', T);
    exam.press('ctrlE');
    await exam.waitFor('Submit the exam?', T);
    exam.type('y');
    await exam.waitFor('Estimated scaled score', T);
    // domain 5's long name wraps in its column instead of being cut
    await exam.waitFor(/^ AI Solutions\s*$/m, T);
    exam.type('w');
    await exam.waitFor('Exam review', T);
    exam.press('escape');
    await exam.waitFor('Estimated scaled score', T);
    exam.press('enter');
    expect(await exam.exited(T)).toBe(0);
    expect(nonAscii(exam)).toEqual([]);
  }, 180_000);

  it('screen-reader mode never writes x for a tick: the home streak after a completed lesson reads +', async () => {
    const app = open(['--screen-reader'], threeLessons);
    await app.waitFor('Keys:', T);
    app.type('l');
    await app.waitFor('Lessons (0/3 done)', T); // screen-reader mode's title line
    app.press('enter');
    await app.waitFor(/Rank basics \(\d+% · \d+\/\d+/, T);
    app.type('c');
    await app.waitFor(/Marked complete/, T);
    await escapeTo(app, 'Lessons');
    await escapeTo(app, 'Home');
    const home = await app.waitFor(/Streak 1 day/, T);
    expect(home).toMatch(/Streak 1 day \+/);
    expect(home).not.toMatch(/Streak 1 day x/);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  });
});

describe('moving through a mock exam', () => {
  it('→ held down or pressed one by one moves question by question and answers nothing, matching items included', async () => {
    const app = open(['exam', '--short'], join(ROOT, 'test/ui/questions/exam-content'));
    await app.waitFor('question 1 of 15', T);
    for (let i = 2; i <= 6; i++) {
      app.press('right');
      await app.waitFor(`question ${i} of 15`, T);
    }
    app.type('\x1b[C'.repeat(8)); // key repeat: eight in one read
    await app.waitFor('question 14 of 15', T);
    await app.waitFor('0/15 answered', T);
    app.press('ctrlC');
    expect(await app.exited(T)).toBe(130);
  });
});

describe('usage errors in one style', () => {
  const run = (...args: string[]) => {
    const home = tempHome('ftlab-journey-');
    homes.push(home);
    return spawnSync(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', FTLAB_HOME: home },
    });
  };
  it('repeats a bad value as typed and words unknown options like every other ftlab error, with a hint', () => {
    const days = run('stats', '--days', 'abc');
    expect(days.status).toBe(2);
    expect(days.stderr).toContain('--days must be a whole number from 1 to 365 (got abc)');
    const unknown = run('stats', '--dayz', '3');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("ftlab: unknown option '--dayz' (did you mean --days?)\nhint: run ftlab stats --help for its options\n");
    const missing = run('lab', 'verify');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("ftlab: missing required argument 'id'\nhint: run ftlab lab verify --help for its options\n");
    expect(run('--no-such-flag').stderr).toMatch(/^ftlab: unknown option '--no-such-flag'\nhint: run ftlab --help/);
  });
});

describe('server banners', () => {
  /** Starts `ftlab ARGS` and resolves with its stderr once `ready` appears (then stops it). */
  const startUntil = (args: string[], ready: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        cwd: ROOT,
        env: { ...process.env, CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no banner:\n${err}`))), T);
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (!ready.test(err)) return;
        clearTimeout(timer);
        child.once('exit', () => resolve(err));
        child.kill('SIGTERM');
      });
    });
  it('ftlab serve and ftlab backend print their friendly banner and no raw pino JSON at the default log level', async () => {
    const serve = await startUntil(['serve', '--port', '0', '--ollama-host', 'http://127.0.0.1:9'], /stop: Ctrl-C/);
    expect(serve).toMatch(/^ftlab serve: listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(serve).not.toMatch(/^\{/m);
    const backend = await startUntil(['backend', '--port', '0'], /stop: Ctrl-C/);
    expect(backend).toMatch(/^ftlab backend: Ollama-compatible API on http:\/\/127\.0\.0\.1:\d+/);
    expect(backend).not.toMatch(/^\{/m);
    // Asked for, the structured log is there.
    const debug = await startUntil(['serve', '--port', '0', '--ollama-host', 'http://127.0.0.1:9', '--log-level', 'debug'], /stop: Ctrl-C/);
    expect(debug).toMatch(/^\{"level":30,.*"msg":"Server listening at/m);
  }, 60_000);
});

describe('serving lab ports and leaving a lab screen', () => {
  it('lab open serving --port/--api-port starts where told and says where; q asks before it stops the servers', async () => {
    const app = spawnCli(['lab', 'open', 'serving', '--port', '0', '--api-port', '0'], { home: tempHome('ftlab-journey-') });
    homes.push(app.home);
    sessions.push(app);
    await app.waitFor('press o to open it', T);
    app.type('o');
    await app.waitFor('Serving lab', T);
    app.type('b');
    const up = await app.waitFor(/model server: running http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/, 30_000);
    const [, port, pid] = /model server: running http:\/\/127\.0\.0\.1:(\d+) \(pid (\d+)\)/.exec(up)!;
    expect(Number(port)).not.toBe(11435); // --port 0: any free port, not the default
    app.type('q');
    // Only the model server runs: the question names it alone.
    const asked = await app.waitFor('The model server is running.', T);
    expect(asked).not.toContain('and the serving API');
    app.type('n');
    await app.waitForGone('The model server is running.', T);
    await app.waitFor('model server: running', T);
    app.type('q');
    await app.waitFor('The model server is running.', T);
    app.type('y');
    await app.waitFor('Lab: Serving', T); // back at the runner, not out of ftlab
    const alive = () => {
      try {
        process.kill(Number(pid), 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await sleep(50);
    expect(alive()).toBe(false);
    app.type('q');
    expect(await app.exited(T)).toBe(0);
  }, 60_000);

  it('--port is refused for labs without servers, and must be a port', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    const other = run('lab', 'open', 'metrics', '--port', '9000');
    expect(other.status).toBe(2);
    expect(other.stderr).toContain('--port and --api-port are for the serving lab only');
    const bad = run('lab', 'open', 'serving', '--api-port', 'eighty');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--api-port must be a port number from 0 to 65535');
  });
});
