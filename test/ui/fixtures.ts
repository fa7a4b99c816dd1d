// A small, self-contained course written to a temp folder: two modules, three lessons (one long
// enough to scroll, with every Markdown feature the reader renders) and a few questions. UI tests
// and the end-to-end suite use it so they do not depend on the shipped course while it changes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURE_LESSONS = {
  first: 'rank-basics',
  second: 'alpha-scaling',
  third: 'serving-intro',
} as const;

function lessonFile(id: string, title: string, module: string, order: number, body: string): string {
  return [
    '---',
    `id: ${id}`,
    `title: ${title}`,
    `module: ${module}`,
    `order: ${order}`,
    'minutes: 5',
    'domain: 3',
    'objectives:',
    '  - Read a rendered lesson',
    '---',
    body,
  ].join('\n');
}

/** The long lesson: headings, a table, code, a diagram, a callout, lists and numbered paragraphs. */
export function longLessonBody(paragraphs = 40): string {
  const parts = [
    '# Rank basics',
    '',
    'Low-rank adapters add a small **trainable** product `B·A` next to a *frozen* weight.',
    '',
    '## Parameter count',
    '',
    '| Matrix | Shape | Parameters |',
    '|---|---|---:|',
    '| A | r x in | 32768 |',
    '| B | out x r | 32768 |',
    '',
    '> [!TIP]',
    '> Start with a small rank and raise it only if validation loss stalls.',
    '',
    '```python',
    'def lora_params(r, d_in, d_out):',
    '    return r * d_in + d_out * r  # A plus B',
    '```',
    '',
    '```text',
    '+--------+      +-----------+',
    '|   W    | ---> |  W + B.A  |',
    '+--------+      +-----------+',
    '```',
    '',
    '- frozen base weights',
    '- trainable adapters',
    '  - A starts random',
    '  - B starts at zero',
    '',
    '## Walkthrough',
    '',
  ];
  for (let i = 1; i <= paragraphs; i++) parts.push(`Paragraph ${i}: the adapter learns a low-rank update while the base stays fixed.`, '');
  parts.push('## Summary', '', 'Rank trades capacity for size. FINAL-LINE-MARKER');
  return parts.join('\n');
}

export function writeFixtureCourse(dir = mkdtempSync(join(tmpdir(), 'ftlab-course-')), opts: { paragraphs?: number } = {}): string {
  const m1 = join(dir, 'content/01-adapters');
  const m2 = join(dir, 'content/02-serving');
  mkdirSync(m1, { recursive: true });
  mkdirSync(m2, { recursive: true });
  mkdirSync(join(dir, 'quizzes'), { recursive: true });
  mkdirSync(join(dir, 'labs'), { recursive: true });
  writeFileSync(join(m1, 'module.yaml'), 'id: adapters\ntitle: Adapters\nsummary: Low-rank adapters.\norder: 1\n');
  writeFileSync(join(m2, 'module.yaml'), 'id: serving\ntitle: Serving\nsummary: Serving models.\norder: 2\n');
  writeFileSync(
    join(m1, '01-rank-basics.md'),
    lessonFile(FIXTURE_LESSONS.first, 'Rank basics', 'adapters', 1, longLessonBody(opts.paragraphs)),
  );
  writeFileSync(
    join(m1, '02-alpha-scaling.md'),
    lessonFile(FIXTURE_LESSONS.second, 'Alpha scaling', 'adapters', 2, '# Alpha scaling\n\nThe update is scaled by alpha over r.\n'),
  );
  writeFileSync(
    join(m2, '01-serving-intro.md'),
    lessonFile(FIXTURE_LESSONS.third, 'Serving intro', 'serving', 1, '# Serving intro\n\nA server answers requests.\n'),
  );
  const questions = [1, 2, 3]
    .map(
      (n) => `- id: rank-q${n}
  lesson: ${FIXTURE_LESSONS.first}
  domain: 3
  task: "3.3"
  difficulty: easy
  type: truefalse
  prompt: "Statement ${n}: B starts at zero."
  answer: true
  explanation: "B is initialised to zero so the adapter starts as a no-op."
`,
    )
    .join('\n');
  writeFileSync(join(dir, 'quizzes/adapters.yaml'), questions);
  return dir;
}
