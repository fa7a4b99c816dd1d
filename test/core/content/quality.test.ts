// The exam task on every question, and the warnings of `ftlab content check` (issue 14): key-length cues
// per bank, near-duplicate questions across banks, case studies no mock can draw by accident, and
// prerequisites that come later in the course. Each
// test writes a small course into a copy of the valid fixture and asserts the exact problem or warning.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkContent } from '../../../src/core/content/check.js';
import { loadContent } from '../../../src/core/content/loader.js';
import { formatProblem } from '../../../src/core/content/problems.js';
import { jaccard, keyIsUniquelyLongest, QUALITY_DEFAULTS, wordSet } from '../../../src/core/content/quality.js';
import { genericChecks } from '../../../src/engines/labs/checks/index.js';
import { fuzzParams } from '../../helpers/fuzz.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const good = join(repo, 'test/core/content/fixtures/good');
const QUIZ = 'quizzes/basics.yaml';
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fixture(edits: Record<string, string | ((text: string) => string)> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-quality-'));
  made.push(dir);
  cpSync(good, dir, { recursive: true });
  for (const [path, edit] of Object.entries(edits)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    const after = typeof edit === 'string' ? edit : edit(readFileSync(file, 'utf8'));
    if (typeof edit !== 'string' && after === readFileSync(file, 'utf8')) throw new Error(`edit of ${path} changed nothing`);
    writeFileSync(file, after);
  }
  return dir;
}

const problems = (dir: string) => loadContent(dir, { checkKinds: genericChecks }).problems.map(formatProblem);
const warnings = (dir: string) => checkContent(dir, genericChecks).warnings.map(formatProblem);

/** A single-choice question in bank YAML. */
function single(id: string, prompt: string, choices: string[], answer: number, extra = ''): string {
  return [
    `- id: ${id}`,
    '  lesson: next',
    '  domain: 3',
    '  task: "3.3"',
    '  difficulty: easy',
    '  type: single',
    `  prompt: ${JSON.stringify(prompt)}`,
    `  choices: ${JSON.stringify(choices)}`,
    `  answer: ${answer}`,
    '  explanation: Because.',
    extra,
  ]
    .filter(Boolean)
    .join('\n');
}

describe('task: every question names its AIF-C01 task statement', () => {
  it('a question without a task is reported at the question, with what to write', () => {
    const dir = fixture({ [QUIZ]: (t) => t.replace('  domain: 1\n  task: "1.1"\n  difficulty: easy\n  type: single', '  domain: 1\n  difficulty: easy\n  type: single') });
    expect(problems(dir)).toEqual([
      `${QUIZ}:2:3: missing required field "task" (the AIF-C01 task statement the question tests, "N.M" with N its domain, e.g. task: "3.2")`,
    ]);
  });

  it('a task outside the exam guide lists the valid ones', () => {
    const dir = fixture({ [QUIZ]: (t) => t.replace('  task: "1.1"\n  difficulty: easy\n  type: single', '  task: "1.4"\n  difficulty: easy\n  type: single') });
    const out = problems(dir);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^quizzes\/basics\.yaml:5:9: task must be "1\.1" or "1\.2" or .* not "1\.4"$/);
  });

  it('the task must belong to the question’s domain', () => {
    const dir = fixture({ [QUIZ]: (t) => t.replace('  task: "1.1"\n  difficulty: easy\n  type: single', '  task: "3.2"\n  difficulty: easy\n  type: single') });
    expect(problems(dir)).toEqual([`${QUIZ}:5:9: task "3.2" belongs to domain 3, but the question is in domain 1: change one of them`]);
  });

  it('case parts inherit the task; a part moved to another domain must name a task of that domain', () => {
    const c = loadContent(good, { checkKinds: genericChecks });
    expect(c.itemById.get('q-case.a')).toMatchObject({ domain: 2, task: '2.1' });
    expect(c.itemById.get('q-single')).toMatchObject({ domain: 1, task: '1.1' });
    const kase = c.questionById.get('q-case')!;
    expect(kase.type === 'case' ? kase.questions.map((p) => p.task) : []).toEqual(['2.1', '2.1']);

    const inherited = fixture({ [QUIZ]: (t) => t.replace('      lesson: next\n', '      lesson: next\n      domain: 4\n') });
    expect(problems(inherited)).toEqual([
      `${QUIZ}:92:15: this part is in domain 4 but inherits task "2.1" (domain 2) from its case: give it a task of domain 4`,
    ]);
    const own = fixture({ [QUIZ]: (t) => t.replace('      lesson: next\n', '      lesson: next\n      domain: 4\n      task: "4.2"\n') });
    expect(problems(own)).toEqual([]);
    expect(loadContent(own, { checkKinds: genericChecks }).itemById.get('q-case.b')).toMatchObject({ domain: 4, task: '4.2' });
  });
});

describe('warnings: key-length cue', () => {
  // Six single-choice items on different topics; `cued` of them have the key as the uniquely longest option.
  const TOPICS = [
    ['Which metric compares n-gram overlap with a reference translation?', 'BLEU'],
    ['Which AWS service turns speech into text?', 'Amazon Transcribe'],
    ['Which parameter caps the length of a generated reply?', 'Maximum tokens'],
    ['Which store keeps features for training and inference alike?', 'Feature Store'],
    ['Which technique adds worked examples to a prompt?', 'Few-shot prompting'],
    ['Which chart plots true positive rate against false positive rate?', 'ROC curve'],
  ] as const;
  function bank(cued: number): string {
    const items = TOPICS.map(([prompt, key], i) =>
      single(`kl-${i}`, prompt, i < cued ? ['No', key, 'Nil'] : ['Something else entirely', key, 'None'], 1),
    );
    return items.join('\n') + '\n';
  }

  it('a bank where over 30 % of single items have the longest key gets one warning listing them', () => {
    const dir = fixture({ 'quizzes/cue.yaml': bank(2) });
    expect(warnings(dir)).toEqual([
      'quizzes/cue.yaml:1:3: warning: key-length cue: in 2 of 6 single-choice items (33 %) the key is the uniquely longest option, over 30 %: ' +
        'kl-0 (line 1), kl-1 (line 11); make the distractors as long and specific as the key, or trim the key',
    ]);
  });

  it('at or under 30 % there is no warning; the share is per bank, not over the course', () => {
    expect(warnings(fixture({ 'quizzes/cue.yaml': bank(1) }))).toEqual([]);
  });

  it('ties are no cue, and whitespace runs count once', () => {
    expect(keyIsUniquelyLongest({ choices: ['abcd', 'abcd', 'ab'], answer: 0 })).toBe(false);
    expect(keyIsUniquelyLongest({ choices: ['abcd', 'abc', 'ab'], answer: 0 })).toBe(true);
    expect(keyIsUniquelyLongest({ choices: ['a  b   c', 'abcd'], answer: 0 })).toBe(true);
    expect(keyIsUniquelyLongest({ choices: ['a      b', 'abcd'], answer: 0 })).toBe(false);
  });
});

describe('warnings: near-duplicate questions', () => {
  // Two wordings of one question from the course before the review of issue 14 (D18): same stem, same key.
  const original = [
    '- id: dup-a',
    '  lesson: next',
    '  domain: 3',
    '  task: "3.3"',
    '  difficulty: medium',
    '  type: numeric',
    '  prompt: "Full fine-tuning with mixed-precision AdamW keeps about 16 bytes per parameter. How many GB does a 13-billion-parameter model need for its training state, before activations?"',
    '  answer: 208',
    '  tolerance: 0',
    '  unit: GB',
    '  explanation: 13e9 x 16 bytes.',
    '',
  ].join('\n');
  const reworded = [
    '- id: dup-b',
    '  lesson: intro',
    '  domain: 1',
    '  task: "1.3"',
    '  difficulty: easy',
    '  type: numeric',
    '  prompt: "Using the rule of thumb of 16 bytes per trained weight for mixed-precision AdamW, how many GB of training state does full fine-tuning of a 13-billion-parameter model need, before activations?"',
    '  answer: 208',
    '  tolerance: 0',
    '  unit: GB',
    '  explanation: Same arithmetic.',
    '',
  ].join('\n');

  it('the same stem and key in other words, in two banks, is one warning naming both ids and files', () => {
    const dir = fixture({ 'quizzes/a.yaml': original, 'quizzes/b.yaml': reworded });
    const out = warnings(dir);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^quizzes\/b\.yaml:1:3: warning: near-duplicate: dup-b asks what dup-a \(quizzes\/a\.yaml:1\) asks, with the same key in other words \(similarity 0\.\d\d\): ask something new in one of them, or drop it$/,
    );
  });

  it('the same words with another key are a different question', () => {
    const dir = fixture({ 'quizzes/a.yaml': original, 'quizzes/b.yaml': reworded.replace('answer: 208', 'answer: 112').replace('13-billion', '7-billion') });
    expect(warnings(dir)).toEqual([]);
  });

  it('the same key with another stem is a different question', () => {
    const other = single('other', 'Which method adapts a model to millions of unlabelled domain documents?', ['Continued pre-training', 'RLHF', 'Prompting'], 0);
    const again = single('again', 'A team has two thousand labelled answer pairs and wants a consistent reply style. Which method fits?', ['Instruction tuning', 'Continued pre-training', 'Prompting'], 1);
    expect(warnings(fixture({ 'quizzes/a.yaml': other + '\n', 'quizzes/b.yaml': again + '\n' }))).toEqual([]);
  });

  it('reformatting never hides a duplicate: case, punctuation, word order, plurals and digit grouping', () => {
    const words = fc.array(fc.constantFrom('adapter', 'rank', 'memory', 'gpu', 'tokens', 'budget', 'latency', 'serving', 'layer', 'weights', '4,096'), {
      minLength: 6,
      maxLength: 14,
    });
    fc.assert(
      fc.property(words, fc.infiniteStream(fc.boolean()), (list, flips) => {
        const text = list.join(' ');
        const shuffled = [...list]
          .reverse()
          .map((w) => (w === '4,096' ? '4096' : w.endsWith('s') ? w : `${w}s`))
          .map((w) => (flips.next().value ? w.toUpperCase() : w))
          .join(', ');
        expect(jaccard(wordSet(text), wordSet(`${shuffled}?`))).toBe(1);
      }),
      fuzzParams(200),
    );
  });

  it('the thresholds are the documented defaults', () => {
    expect(QUALITY_DEFAULTS).toEqual({ keyLongestShare: 0.3, keyLongestMinItems: 5, sameKey: 0.6, nearDuplicate: 0.25 });
  });
});

describe('warnings: a case study that no mock exam can draw', () => {
  // The fixture's q-case (a single and a true/false part) is marked exam: false on purpose.
  const unmarked = (t: string) => t.replace(/\n {2}# The true\/false part[^\n]*\n {2}exam: false\n$/, '\n');

  it('a case mixing exam and non-exam part types, not marked exam: false, is a warning at the first such part', () => {
    const dir = fixture({ [QUIZ]: unmarked });
    expect(problems(dir)).toEqual([]);
    expect(warnings(dir)).toEqual([
      `${QUIZ}:89:7: warning: case q-case is never drawn for a mock exam: part q-case.b (truefalse) is not an exam type ` +
        '(a mock draws a case only when every part is single, multi, order or match); ' +
        'rewrite that part, or mark the case exam: false to keep it for quizzes and review on purpose',
    ]);
  });

  it('every non-exam part is named, and a case with no exam-type part at all is caught too', () => {
    const dir = fixture({ [QUIZ]: (t) => unmarked(t).replace('      type: single\n      prompt: Which method?', '      type: cloze\n      prompt: The cheaper method is ___.').replace('      choices: [LoRA, full]\n      answer: 0\n', '      answers: [LoRA]\n') });
    expect(problems(dir)).toEqual([]);
    expect(warnings(dir)).toEqual([expect.stringMatching(/^quizzes\/basics\.yaml:82:7: warning: case q-case is never drawn for a mock exam: parts q-case\.a \(cloze\), q-case\.b \(truefalse\) are not exam types /)]);
  });

  it('no warning once the part is an exam type, or when the case or one of its parts says exam: false', () => {
    const rewritten = fixture({ [QUIZ]: (t) => unmarked(t).replace('      type: truefalse\n      lesson: next\n      prompt: QLoRA quantizes the base.\n      answer: true\n', '      type: single\n      lesson: next\n      prompt: What does QLoRA quantise?\n      choices: [The frozen base, The adapters]\n      answer: 0\n') });
    expect(problems(rewritten)).toEqual([]);
    expect(warnings(rewritten)).toEqual([]);
    const partMarked = fixture({ [QUIZ]: (t) => unmarked(t) + '      exam: false\n' });
    expect(problems(partMarked)).toEqual([]);
    expect(warnings(partMarked)).toEqual([]);
    expect(warnings(good)).toEqual([]);
  });
});

describe('warnings: course order', () => {
  it('a prerequisite that comes later in the course is a warning at the prerequisite', () => {
    const dir = fixture({
      'content/02-later/module.yaml': 'id: later\ntitle: Later\nsummary: A module after the first.\norder: 2\n',
      'content/02-later/01-more.md': '---\nid: more\ntitle: More\nmodule: later\norder: 1\nminutes: 1\ndomain: 1\nobjectives: [x]\n---\n# More\n',
      'content/01-basics/01-intro.md': (t) => t.replace('tags: [fixture]', 'prerequisites: [more]\ntags: [fixture]'),
    });
    expect(problems(dir)).toEqual([]);
    expect(warnings(dir)).toEqual([
      'content/01-basics/01-intro.md:10:17: warning: prerequisite "more" comes later in the course (content/02-later/01-more.md): ' +
        'move its module before this one (module.yaml "order") or drop the prerequisite',
    ]);
  });
});

describe('ftlab content check shows warnings (CLI)', () => {
  const cli = (dir: string, ...args: string[]) => spawnSync(process.execPath, [join(repo, 'dist/cli.js'), '--content', dir, 'content', 'check', ...args], { encoding: 'utf8' });
  const cueBank =
    [
      single('w-0', 'Which AWS service extracts text and tables from scanned forms?', ['Polly', 'Amazon Textract', 'Lex'], 1),
      single('w-1', 'Which metric is recall-oriented and used for summaries?', ['BLEU', 'ROUGE-L recall', 'F1'], 1),
      single('w-2', 'Which inference parameter makes sampling more random?', ['top-k', 'A higher temperature', 'stop'], 1),
      single('w-3', 'Which learning type groups unlabelled customers?', ['RL', 'Unsupervised clustering', 'SFT'], 1),
      single('w-4', 'Which Bedrock feature blocks denied topics?', ['IAM', 'Bedrock Guardrails', 'KMS'], 1),
    ].join('\n') + '\n';

  it('text: each warning as path:line:col, counted in the summary; exit 0', () => {
    const r = cli(fixture({ 'quizzes/cue.yaml': cueBank }));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('quizzes/cue.yaml:1:3: warning: key-length cue: in 5 of 5 single-choice items (100 %)');
    expect(r.stdout).toMatch(/✓ content is valid: .*; 1 warning \(listed above; they do not fail the check\)\n$/);
  });

  it('--json: warnings next to problems, and counted', () => {
    const r = cli(fixture({ 'quizzes/cue.yaml': cueBank }), '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, problems: [], counts: { warnings: 1, problems: 0 } });
    expect(doc.warnings).toEqual([{ path: 'quizzes/cue.yaml', line: 1, col: 3, message: expect.stringMatching(/^warning: key-length cue: /) }]);
  });

  it('the fixture course has none', () => {
    const r = cli(good, '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, warnings: [], counts: { warnings: 0 } });
  });
});

describe("warnings: a lab title too long for the runner's title bar", () => {
  it('names the title line and the limit; the shipped labs and the fixture have none', () => {
    const dir = fixture({ 'labs/demo/lab.yaml': (t) => t.replace('title: Demo lab\n', 'title: A demo lab whose title is far too long for the bar\n') });
    expect(problems(dir)).toEqual([]);
    expect(warnings(dir)).toEqual([
      'labs/demo/lab.yaml:2:8: warning: lab title is 50 characters; at 80 columns the lab runner\'s title bar shows 39 ' +
        '(the rest of the row is "ftlab › Lab: " and "N/M graded steps passed"), so the end would be cut: shorten it',
    ]);
    expect(warnings(good)).toEqual([]);
    expect(checkContent(repo, genericChecks).warnings.filter((w) => w.message.includes('lab title'))).toEqual([]);
  });
});
