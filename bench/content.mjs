// Content loading benchmark: load + validate the shipped content, and a generated course with 10,000
// questions (every type, ~1,250 each). Quality bars: shipped content well under 200 ms, 10,000
// questions in about 1 s. Prints a small table; figures are recorded in docs/bench-content.md.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ftlab-bench-content-'));

try {
  // Bundle the loader as the CLI does (one ESM file), then time it in this process.
  const outfile = join(work, 'loader.mjs');
  await build({
    entryPoints: [join(root, 'src/content/loader.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    packages: 'external',
    absWorkingDir: root,
  });
  // Resolve the loader's packages from the project's node_modules.
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  const loaderUrl = pathToFileURL(outfile).href;
  process.env.NODE_PATH = join(root, 'node_modules');
  const { loadContent } = await import(loaderUrl).catch(async () => {
    // Fallback: copy next to node_modules so bare imports resolve.
    const local = join(root, 'node_modules', '.ftlab-bench-loader.mjs');
    writeFileSync(local, (await import('node:fs')).readFileSync(outfile));
    return import(pathToFileURL(local).href);
  });

  const generated = join(work, 'generated');
  generateCourse(generated, 10_000);

  const rows = [];
  rows.push(measure('shipped content', () => loadContent(root), 15));
  rows.push(measure('10,000 generated questions', () => loadContent(generated), 5));

  // End to end: a fresh process running `ftlab content check --json` on the shipped content.
  const cli = join(root, 'dist/cli.js');
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    spawnSync(process.execPath, [cli, 'content', 'check', '--json'], { cwd: root, encoding: 'utf8' });
    times.push(performance.now() - t);
  }
  rows.push({ what: 'ftlab content check --json (whole process)', first: times[0], median: median(times), counts: '' });

  console.log('content loading (ms)');
  console.log(pad('case', 46) + pad('first', 10) + pad('median', 10) + 'items');
  for (const r of rows) console.log(pad(r.what, 46) + pad(r.first.toFixed(1), 10) + pad(r.median.toFixed(1), 10) + r.counts);
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(join(root, 'node_modules', '.ftlab-bench-loader.mjs'), { force: true });
}

function measure(what, fn, runs) {
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = fn();
    times.push(performance.now() - t);
  }
  const c = last.counts;
  return { what, first: times[0], median: median(times), counts: `${c.lessons} lessons, ${c.questions} questions, ${c.problems} problems` };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function pad(s, n) {
  return String(s).padEnd(n);
}

/** A course of 10 modules × 10 lessons and `total` questions spread over them, cycling through every type. */
function generateCourse(dir, total) {
  const lessons = [];
  for (let m = 1; m <= 10; m++) {
    const folder = join(dir, 'content', `${String(m).padStart(2, '0')}-module-${m}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'module.yaml'), `id: module-${m}\ntitle: Module ${m}\nsummary: Generated module ${m}.\norder: ${m}\n`);
    for (let l = 1; l <= 10; l++) {
      const id = `lesson-${m}-${l}`;
      lessons.push(id);
      const body = Array.from({ length: 8 }, (_, s) => `## Section ${s + 1}\n\nSome text about **topic ${s}** with \`code\`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> [!NOTE]\n> A note.\n`).join('\n');
      writeFileSync(
        join(folder, `${String(l).padStart(2, '0')}-${id}.md`),
        `---\nid: ${id}\ntitle: Lesson ${m}.${l}\nmodule: module-${m}\norder: ${l}\nminutes: 10\ndomain: ${((m - 1) % 5) + 1}\nobjectives: [Learn ${m}.${l}]\nprerequisites: [${l > 1 ? `lesson-${m}-${l - 1}` : ''}]\n---\n# Lesson ${m}.${l}\n\n${body}`,
      );
    }
  }
  mkdirSync(join(dir, 'quizzes'), { recursive: true });
  const perBank = Math.ceil(total / 10);
  for (let m = 1; m <= 10; m++) {
    const out = [];
    for (let i = 0; i < perBank && (m - 1) * perBank + i < total; i++) {
      const n = (m - 1) * perBank + i;
      const lesson = `lesson-${m}-${(i % 10) + 1}`;
      out.push(question(n, lesson, ((m - 1) % 5) + 1));
    }
    writeFileSync(join(dir, 'quizzes', `module-${m}.yaml`), out.join(''));
  }
}

function question(n, lesson, domain) {
  const head = `- id: gen-${n}\n  lesson: ${lesson}\n  domain: ${domain}\n  difficulty: medium\n  prompt: "Generated question ${n} about ___ and more words to make it realistic?"\n  explanation: "Because the generator says so; the distractors are wrong for reasons ${n}."\n  sources: ["${lesson}#section-1"]\n`;
  switch (n % 8) {
    case 0: return head + `  type: single\n  choices: [alpha, beta, gamma, delta]\n  answer: ${n % 4}\n`;
    case 1: return head + `  type: multi\n  choices: [alpha, beta, gamma, delta, epsilon]\n  answers: [0, 2]\n`;
    case 2: return head + `  type: truefalse\n  answer: ${n % 2 === 0}\n`;
    case 3: return head + `  type: order\n  items: [first step, second step, third step, fourth step]\n`;
    case 4: return head + `  type: match\n  pairs:\n    - { left: a, right: one }\n    - { left: b, right: two }\n    - { left: c, right: three }\n`;
    case 5: return head + `  type: cloze\n  answers: [variant, other variant]\n`;
    case 6: return head + `  type: numeric\n  answer: ${n}.5\n  tolerance: 0.1\n  unit: tokens\n`;
    default:
      return head + `  type: case\n  scenario_text: "A company wants to do thing ${n}."\n  questions:\n    - id: gen-${n}.a\n      type: single\n      prompt: Which?\n      choices: [x, y, z]\n      answer: 1\n      explanation: y.\n      difficulty: easy\n    - id: gen-${n}.b\n      type: truefalse\n      prompt: True?\n      answer: false\n      explanation: No.\n      difficulty: hard\n`;
  }
}
