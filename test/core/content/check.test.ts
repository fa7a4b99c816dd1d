// `ftlab content check` over broken files of every kind: each test breaks one thing in a copy of a
// valid fixture course and asserts the exact message and position of the problem reported.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../../src/core/content/loader.js';
import { formatProblem } from '../../../src/core/content/problems.js';
import { genericChecks } from '../../../src/engines/labs/checks/index.js';
import { checkKinds } from '../../../src/engines/labs/registry.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const good = join(repo, 'test/core/content/fixtures/good');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the good fixture with some files edited (text → text) or written outright. */
function fixture(edits: Record<string, string | ((text: string) => string)> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-content-'));
  made.push(dir);
  cpSync(good, dir, { recursive: true });
  for (const [path, edit] of Object.entries(edits)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    if (typeof edit === 'string') writeFileSync(file, edit);
    else {
      const before = readFileSync(file, 'utf8');
      const after = edit(before);
      if (after === before) throw new Error(`edit of ${path} changed nothing`);
      writeFileSync(file, after);
    }
  }
  return dir;
}

/** Problems as `path:line:col: message`, validated against the generic check kinds only (stable list). */
function problems(dir: string): string[] {
  return loadContent(dir, { checkKinds: genericChecks }).problems.map(formatProblem);
}

const replace = (from: string, to: string) => (text: string) => text.replace(from, to);
const QUIZ = 'quizzes/basics.yaml';
const LAB = 'labs/demo/lab.yaml';
const INTRO = 'content/01-basics/01-intro.md';

describe('loadContent on valid content', () => {
  it('loads every item of the fixture with no problems', () => {
    const c = loadContent(good, { checkKinds: genericChecks });
    expect(c.problems).toEqual([]);
    expect(c.counts).toMatchObject({ modules: 1, lessons: 2, questions: 8, items: 9, labs: 1, checks: 2, problems: 0 });
    expect(c.lessons.map((l) => l.id)).toEqual(['intro', 'next']);
    expect(c.lessonById.get('intro')!.headings).toEqual([
      { level: 1, text: 'Introduction', slug: 'introduction', line: 13 },
      { level: 2, text: 'Parameter count', slug: 'parameter-count', line: 24 },
    ]);
    // Case sub-questions inherit the case's lesson and domain unless they name their own.
    expect(c.itemById.get('q-case.a')).toMatchObject({ parentId: 'q-case', lesson: 'intro', domain: 2 });
    expect(c.itemById.get('q-case.b')).toMatchObject({ parentId: 'q-case', lesson: 'next', domain: 2 });
    expect(c.questionById.get('q-single')!.source).toEqual({ path: QUIZ, line: 2, col: 3 });
  });

  it('marks callouts and keeps the ASCII diagram verbatim', () => {
    const intro = loadContent(good, { checkKinds: genericChecks }).lessonById.get('intro')!;
    const quote = intro.tokens.find((t) => t.type === 'blockquote_open')!;
    expect(quote.meta).toMatchObject({ callout: 'tip' });
    const fence = intro.tokens.find((t) => t.type === 'fence')!;
    expect(fence.content).toBe('+---+\n| A |\n+---+\n');
    expect(intro.tokens.some((t) => t.type === 'table_open')).toBe(true);
  });
});

describe('content problems, each with its exact position', () => {
  it('bad YAML', () => {
    const dir = fixture({ [QUIZ]: replace('prompt: Pick b.', 'prompt: "Pick b.') });
    expect(problems(dir)).toEqual([`${QUIZ}:8:19: invalid YAML: Missing closing "quote`]);
  });

  it('missing required field points at the question', () => {
    const dir = fixture({ [QUIZ]: replace('  explanation: Usually.\n', '') });
    expect(problems(dir)).toEqual([`${QUIZ}:23:3: missing required field "explanation"`]);
  });

  it('missing field in lesson front matter is offset by the opening ---', () => {
    const dir = fixture({ 'content/01-basics/02-next.md': replace('minutes: 7\n', '') });
    // The lesson is skipped; its questions are skipped quietly rather than reported again (one root cause).
    expect(problems(dir)).toEqual(['content/01-basics/02-next.md:2:1: missing required field "minutes"']);
  });

  it('wrong value type in front matter', () => {
    const dir = fixture({ [INTRO]: replace('domain: 1', 'domain: one') });
    expect(problems(dir)).toEqual([`${INTRO}:7:9: domain must be a number, not "one"`]);
  });

  it('duplicate question id names the first definition', () => {
    const dir = fixture({ [QUIZ]: replace('- id: q-multi', '- id: q-single') });
    expect(problems(dir)).toEqual([`${QUIZ}:13:7: duplicate question id "q-single" (first defined at ${QUIZ}:2:7)`]);
  });

  it('duplicate id between a question and a case sub-question', () => {
    const dir = fixture({ [QUIZ]: replace('- id: q-case.b', '- id: q-tf') });
    expect(problems(dir)).toEqual([`${QUIZ}:89:11: duplicate question id "q-tf" (first defined at ${QUIZ}:23:7)`]);
  });

  it('duplicate lesson id across files', () => {
    const dir = fixture({ 'content/01-basics/02-next.md': replace('id: next', 'id: intro') });
    const out = problems(dir);
    expect(out[0]).toBe('content/01-basics/02-next.md:2:5: duplicate lesson id "intro" (first defined at content/01-basics/01-intro.md:2:5)');
  });

  it('dangling lesson reference suggests the closest id', () => {
    const dir = fixture({ [QUIZ]: replace('  lesson: intro\n  domain: 1\n  task: "1.1"\n  difficulty: easy\n  type: single', '  lesson: intrp\n  domain: 1\n  task: "1.1"\n  difficulty: easy\n  type: single') });
    expect(problems(dir)).toEqual([`${QUIZ}:3:11: unknown lesson "intrp" (did you mean "intro"?)`]);
  });

  it('answer outside the choices', () => {
    const dir = fixture({ [QUIZ]: replace('  answer: 1\n  explanation: b', '  answer: 3\n  explanation: b') });
    expect(problems(dir)).toEqual([`${QUIZ}:10:11: answer 3 is outside the choices (choices are numbered 0 to 2)`]);
  });

  it('multi answers must be distinct and leave a wrong choice', () => {
    const dir = fixture({ [QUIZ]: replace('answers: [0, 3]', 'answers: [3, 3]') });
    expect(problems(dir)).toEqual([`${QUIZ}:21:16: answer 3 is listed twice`]);
  });

  it('unknown question type lists the known ones', () => {
    const dir = fixture({ [QUIZ]: replace('type: truefalse', 'type: essay') });
    expect(problems(dir)).toEqual([
      `${QUIZ}:28:9: unknown question type "essay" (expected one of: single, multi, truefalse, order, match, cloze, numeric, case)`,
    ]);
  });

  it('unknown sub-question type inside a case', () => {
    const dir = fixture({ [QUIZ]: replace('      type: truefalse', '      type: case') });
    expect(problems(dir)).toEqual([
      `${QUIZ}:90:13: unknown question type "case" (expected one of: single, multi, truefalse, order, match, cloze, numeric)`,
    ]);
  });

  it('unknown field suggests the intended one', () => {
    const dir = fixture({ [QUIZ]: replace('  explanation: Usually.', '  explaination: Usually.') });
    const out = problems(dir);
    expect(out).toContain(`${QUIZ}:31:3: unknown field "explaination" (did you mean "explanation"?)`);
  });

  it('unknown lab check kind', () => {
    const dir = fixture({ [LAB]: replace('kind: file-exists', 'kind: file-exist') });
    expect(problems(dir)).toEqual([`${LAB}:12:15: unknown check kind "file-exist" (did you mean "file-exists"?); known kinds: file-exists, http-json, json-file`]);
  });

  it("check arguments are validated by the kind's own validateArgs", () => {
    const dir = fixture({ [LAB]: replace(', equals: { r: 8 }, present: [peft_type]', '') });
    expect(problems(dir)).toEqual([`${LAB}:17:9: check "json-file": give "present" or "equals" (or both): what the file must contain`]);
  });

  it('lab id must match its folder', () => {
    const dir = fixture({ [LAB]: replace('id: demo', 'id: demo-lab') });
    expect(problems(dir)).toEqual([`${LAB}:1:5: lab id "demo-lab" must match its folder name "demo"`]);
  });

  it('lesson references: module, prerequisites, lab', () => {
    const dir = fixture({
      'content/01-basics/02-next.md': replace('prerequisites: [intro]', 'prerequisites: [intro, nope]'),
      [INTRO]: replace('lab: demo', 'lab: dmeo'),
    });
    expect(problems(dir)).toEqual([
      `${INTRO}:11:6: unknown lab "dmeo" (did you mean "demo"?)`,
      'content/01-basics/02-next.md:9:24: unknown lesson "nope"',
    ]);
  });

  it('prerequisite cycles', () => {
    const dir = fixture({ [INTRO]: replace('tags: [fixture]', 'tags: [fixture]\nprerequisites: [next]') });
    expect(problems(dir)).toEqual(['content/01-basics/02-next.md:9:17: prerequisites form a cycle: intro → next → intro']);
  });

  it('Markdown problems carry the line in the lesson file', () => {
    const dir = fixture({ [INTRO]: (t) => t.replace('> [!TIP]', '> [!HINT]') + '\n```python\nprint(1)\n' });
    expect(problems(dir)).toEqual([
      `${INTRO}:21:3: unknown callout "[!HINT]" (use [!NOTE], [!TIP], [!IMPORTANT], [!WARNING], [!CAUTION])`,
      `${INTRO}:32:1: code block opened with \`\`\` is never closed`,
    ]);
  });

  it('lesson without front matter', () => {
    const dir = fixture({ 'content/01-basics/03-bare.md': '# Just a body\n' });
    expect(problems(dir)).toEqual([
      'content/01-basics/03-bare.md:1:1: a lesson starts with YAML front matter: a "---" line, the fields (id, title, module, …), then "---"',
    ]);
  });

  it('a module folder without module.yaml points at the folder', () => {
    const dir = fixture({ 'content/02-extra/01-more.md': '---\nid: more\ntitle: More\nmodule: basics\norder: 3\nminutes: 1\ndomain: 1\nobjectives: [x]\n---\n# More\n' });
    // The lesson inside still loads: its module exists elsewhere.
    expect(problems(dir)).toEqual(['content/02-extra:1:1: module folder has no module.yaml (id, title, summary, order)']);
    expect(loadContent(dir, { checkKinds: genericChecks }).lessonById.has('more')).toBe(true);
  });

  it('source anchors must name an existing heading', () => {
    const dir = fixture({ [QUIZ]: replace('intro#parameter-count', 'intro#parameter-counts') });
    expect(problems(dir)).toEqual([
      `${QUIZ}:12:13: source "intro#parameter-counts": lesson "intro" has no heading "#parameter-counts" (did you mean "#parameter-count"?)`,
    ]);
  });

  it('a broken question is skipped, the rest still load', () => {
    const dir = fixture({ [QUIZ]: replace('type: truefalse', 'type: essay') });
    const c = loadContent(dir, { checkKinds: genericChecks });
    expect(c.questionById.has('q-tf')).toBe(false);
    expect(c.counts.questions).toBe(7);
  });

  it('reports every problem at once, sorted by file and line', () => {
    const dir = fixture({
      [QUIZ]: (t) => t.replace('type: truefalse', 'type: essay').replace('answers: [0, 3]', 'answers: [0, 9]'),
      [LAB]: replace('kind: json-file', 'kind: jsonfile'),
    });
    const out = problems(dir);
    expect(out).toHaveLength(3);
    expect(out.map((l) => l.split(':').slice(0, 2).join(':'))).toEqual([`${LAB}:16`, `${QUIZ}:21`, `${QUIZ}:28`]);
  });
});

describe('the shipped course', () => {
  it('has no content problems', () => {
    const c = loadContent(repo, { checkKinds });
    expect(c.problems.map(formatProblem)).toEqual([]);
    expect(c.counts.lessons).toBeGreaterThanOrEqual(4);
    expect(c.counts.questions).toBeGreaterThanOrEqual(40);
  });
});

describe('ftlab content check (CLI)', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(repo, 'dist/cli.js'), ...args], { encoding: 'utf8' });

  it('exits 0 with a summary on valid content', () => {
    const r = cli('--content', good, 'content', 'check');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('✓ content is valid: 1 module, 2 lessons, 8 questions');
  });

  it('--json: exactly one document with ok, problems and counts; exit 1 on problems', () => {
    const dir = fixture({ [QUIZ]: replace('  answer: 1\n  explanation: b', '  answer: 3\n  explanation: b') });
    const r = cli('--content', dir, 'content', 'check', '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.problems).toEqual([{ path: QUIZ, line: 10, col: 11, message: 'answer 3 is outside the choices (choices are numbered 0 to 2)' }]);
    expect(doc.counts).toMatchObject({ modules: 1, lessons: 2, questions: 7, problems: 1 });
  });

  it('text mode prints path:line:col: message lines', () => {
    const dir = fixture({ [LAB]: replace('kind: file-exists', 'kind: nope-kind') });
    const r = spawnSync(process.execPath, [join(repo, 'dist/cli.js'), 'content', 'check'], { encoding: 'utf8', cwd: dir, env: { ...process.env, FTLAB_CONTENT: dir } });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^labs\/demo\/lab\.yaml:12:15: unknown check kind "nope-kind"; known kinds: /);
    expect(r.stderr).toContain('1 problem found');
  });

  it('the registry knows every kind the shipped generic checks provide', () => {
    for (const kind of Object.keys(genericChecks)) expect(checkKinds[kind]).toBe(genericChecks[kind]);
  });
});

describe('what content check used to miss (issue 10)', () => {
  /** A copy of the fixture with raw bytes spliced into one file in place of `from`. */
  function withBytes(path: string, from: string, to: number[] | string): string {
    const dir = fixture();
    const file = join(dir, path);
    const text = readFileSync(file);
    const at = text.indexOf(from);
    if (at < 0) throw new Error(`${from} not in ${path}`);
    writeFileSync(file, Buffer.concat([text.subarray(0, at), typeof to === 'string' ? Buffer.from(to) : Buffer.from(to), text.subarray(at + Buffer.byteLength(from))]));
    return dir;
  }

  it('invalid UTF-8 in a quiz prompt is reported at the byte, and the bank is not loaded with U+FFFD in it', () => {
    const dir = withBytes(QUIZ, 'Pick b.', [0x50, 0x69, 0x63, 0x6b, 0x20, 0xff, 0x2e]);
    const c = loadContent(dir, { checkKinds: genericChecks });
    expect(c.problems.map(formatProblem)).toEqual([`${QUIZ}:8:16: the file is not valid UTF-8 (byte 0xFF here): save it as UTF-8`]);
    expect(c.counts.questions).toBe(0);
  });

  it('invalid UTF-8 in a lesson is one problem at the byte, not a knock-on "no heading" from the questions citing it', () => {
    const dir = withBytes(INTRO, '## Parameter count', '## Param\xe9ter count'.split('').map((ch) => ch.charCodeAt(0)));
    expect(problems(dir)).toEqual([`${INTRO}:24:9: the file is not valid UTF-8 (byte 0xE9 here): save it as UTF-8`]);
  });

  it('counts every bad sequence, and a UTF-8 BOM is still fine', () => {
    const dir = withBytes(QUIZ, 'Usually.', [0xc3, 0x28, 0x20, 0xa0]);
    expect(problems(dir)).toEqual([`${QUIZ}:31:16: the file is not valid UTF-8 (byte 0xC3 here, 2 bad sequences in all): save it as UTF-8`]);
    const bom = withBytes(INTRO, '---', [0xef, 0xbb, 0xbf, 0x2d, 0x2d, 0x2d]);
    expect(problems(bom)).toEqual([]);
  });

  it('a NUL byte and a terminal escape are reported', () => {
    expect(problems(withBytes(QUIZ, 'Pick b.', 'Pick\u0000b.'))).toEqual([`${QUIZ}:8:15: a NUL byte in the file: content is plain text; delete it`]);
    expect(problems(withBytes(INTRO, 'A tip.', '\u001b[2JA tip.'))).toEqual([`${INTRO}:22:3: a control character (U+001B) in the file: content is plain text; delete it`]);
  });

  it('an empty question bank is reported', () => {
    for (const text of ['', '# nothing yet\n', '[]\n']) {
      expect(problems(fixture({ 'quizzes/empty.yaml': text }))).toEqual([
        'quizzes/empty.yaml:1:1: the question bank holds no questions: add some (a YAML list, each item starting with "- id: …") or delete the file',
      ]);
    }
  });

  it('a numeric question must state its tolerance (0 for an exact answer)', () => {
    const dir = fixture({ [QUIZ]: replace('  tolerance: 0\n', '') });
    expect(problems(dir)).toEqual([
      `${QUIZ}:62:3: missing required field "tolerance" (how far from "answer" a typed number may be and still count: 0 for an exact answer)`,
    ]);
  });

  it('a broken table and a code line wider than the reader, at their lines in the lesson file', () => {
    const dir = fixture({
      [INTRO]: (t) => t.replace('| a | b |\n|---|---|', '| a | b | c |\n|---|---|').replace('+---+\n| A |', `+---+\n| A |${' '.repeat(80)}|`),
    });
    expect(problems(dir)).toEqual([
      `${INTRO}:18:1: table header has 3 cells but the delimiter row below it has 2: the table is shown as a paragraph; give every column one "---" cell`,
      `${INTRO}:28:77: code line is 86 columns wide; the reader shows 76 in an 80-column terminal and cuts the rest: reflow it`,
    ]);
  });

  it('F-18: a stray indent in front matter is reported once, at the indented line', () => {
    const dir = fixture({ [INTRO]: replace('order: 1\n', ' order: 1\n') });
    expect(problems(dir)).toEqual([
      `${INTRO}:5:2: invalid YAML: this line is indented more than line 4, so it continues that line's value: align it with the fields around it (or, if it is text, quote the value)`,
    ]);
  });

  it('F-18: a stray indent in a bank is reported once, at the indented line', () => {
    const dir = fixture({ [QUIZ]: replace('  domain: 1\n  task: "1.1"\n  difficulty: easy\n  type: single', '   domain: 1\n  task: "1.1"\n  difficulty: easy\n  type: single') });
    expect(problems(dir)).toEqual([
      `${QUIZ}:4:4: invalid YAML: this line is indented more than line 3, so it continues that line's value: align it with the fields around it (or, if it is text, quote the value)`,
    ]);
  });

  it('one tab in a large bank is one problem, at the tab (it used to be thousands)', () => {
    const one = readFileSync(join(good, QUIZ), 'utf8').split('- id: q-multi')[0]!.split('\n').slice(1).join('\n');
    const many = Array.from({ length: 300 }, (_, i) => one.replace('id: q-single', `id: q-gen-${i}`)).join('');
    const dir = fixture({ 'quizzes/big.yaml': many.replace('  domain: 1', '\tdomain: 1') });
    expect(problems(dir)).toEqual(['quizzes/big.yaml:3:1: invalid YAML: a tab in the indentation: YAML indents with spaces only']);
  });

  it('a lab.yaml that does not parse is one problem, and the lesson linking to it is not blamed', () => {
    const dir = fixture({ [LAB]: replace('steps:\n  - id: write-config', 'steps:\n  - id: write-config\n - stray') });
    const out = problems(dir);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^labs\/demo\/lab\.yaml:8:\d+: invalid YAML: /);
  });

  it('a duplicate key names the key', () => {
    const dir = fixture({ [QUIZ]: replace('  explanation: Usually.', '  explanation: Usually.\n  prompt: Again.') });
    expect(problems(dir)).toEqual([`${QUIZ}:32:3: invalid YAML: duplicate key "prompt": each field appears once per map (a missing "- " can merge two list items)`]);
  });

  it('a misspelled field is one problem, not also a missing one; several missing fields are one problem', () => {
    expect(problems(fixture({ [QUIZ]: replace('  explanation: Usually.', '  explaination: Usually.') }))).toEqual([
      `${QUIZ}:31:3: unknown field "explaination" (did you mean "explanation"?)`,
    ]);
    expect(problems(fixture({ [LAB]: (t) => t.split('\n')[0]! + '\n' }))).toEqual([`${LAB}:1:1: missing required fields "title", "summary", "minutes", "steps"`]);
  });

  it('a renamed lesson is one problem at its first reference, with the count of the others', () => {
    const dir = fixture({ [INTRO]: replace('id: intro', 'id: intra') });
    expect(problems(dir)).toEqual([`content/01-basics/02-next.md:9:17: unknown lesson "intro" (did you mean "intra"?); 6 more references to it`]);
  });

  it('a heading that changed is one problem, however many questions cite it', () => {
    const dir = fixture({
      [INTRO]: replace('## Parameter count', '## Parameter counts'),
      [QUIZ]: replace('  explanation: a and d.', '  explanation: a and d.\n  sources: ["intro#parameter-count"]'),
    });
    expect(problems(dir)).toEqual([
      `${QUIZ}:12:13: source "intro#parameter-count": lesson "intro" has no heading "#parameter-count" (did you mean "#parameter-counts"?); 1 more reference to it`,
    ]);
  });

  it('a lesson whose id cannot be read is named next to the references it may satisfy', () => {
    const dir = fixture({ [INTRO]: replace('id: intro\n', '') });
    expect(problems(dir)).toEqual([
      `${INTRO}:2:1: missing required field "id"`,
      `content/01-basics/02-next.md:9:17: unknown lesson "intro"; 6 more references to it; ${INTRO} did not load and may define it`,
    ]);
  });
});
