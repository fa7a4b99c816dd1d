// Content loading benchmark: load + validate the shipped content, and a generated course with 10,000
// questions (every type, ~1,250 each). Quality bars: shipped content well under 200 ms, 10,000
// questions in about 1 s. Prints a small table; figures are recorded in docs/bench-content.md.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ftlab-bench-content-'));
let lastChildTicks; // for childCpuMs()

try {
  // Bundle the loader as the CLI does (one ESM file; packages stay external), inside node_modules so
  // that its package imports resolve, then time it in this process.
  const bundleDir = join(root, 'node_modules', '.cache', 'ftlab-bench');
  mkdirSync(bundleDir, { recursive: true });
  const outfile = join(bundleDir, 'loader.mjs');
  await build({
    // The loader and the labs' check kinds, which the app passes to it.
    stdin: {
      contents: "export { loadContent } from './src/core/content/loader.ts'; export { checkKinds } from './src/engines/labs/registry.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    packages: 'external',
    absWorkingDir: root,
  });
  const { loadContent, checkKinds } = await import(pathToFileURL(outfile).href);

  const generated = join(work, 'generated');
  generateCourse(generated, 10_000);

  const before = calibrate();
  const rows = [];
  rows.push(measure('shipped content', () => loadContent(root, { checkKinds }), 15));
  rows.push(measure('10,000 generated questions', () => loadContent(generated, { checkKinds }), 5));

  // End to end: a fresh process running `ftlab content check --json` on the shipped content.
  const cli = join(root, 'dist/cli.js');
  const times = [];
  const cpu = [];
  childCpuMs();
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    spawnSync(process.execPath, [cli, 'content', 'check', '--json'], { cwd: root, encoding: 'utf8' });
    times.push(performance.now() - t);
    // Children's CPU time is not in resourceUsage(); read it from /proc where available.
    cpu.push(childCpuMs());
  }
  rows.push({
    what: 'ftlab content check --json (whole process)',
    first: times[0],
    median: median(times),
    cpuFirst: cpu[0],
    cpuMedian: median(cpu),
    counts: '',
  });

  // A fixed CPU workload (1e8 additions; about 70-100 ms on a current laptop core), timed before and
  // after, so figures from a busy or throttled machine can be put in proportion: the last column is
  // the median CPU time in units of this loop (multiply by your machine's loop time to estimate).
  const calibration = (before + calibrate()) / 2;

  console.log(`content loading (ms); calibration loop: ${calibration.toFixed(0)} ms CPU`);
  console.log(
    pad('case', 46) + pad('wall 1st', 10) + pad('wall med', 10) + pad('cpu 1st', 10) + pad('cpu med', 10) + pad('med/loop', 10) + 'items',
  );
  const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  for (const r of rows) {
    console.log(
      pad(r.what, 46) +
        pad(f(r.first), 10) +
        pad(f(r.median), 10) +
        pad(f(r.cpuFirst), 10) +
        pad(f(r.cpuMedian), 10) +
        pad((r.cpuMedian / calibration).toFixed(2), 10) +
        r.counts,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// Wall time, and CPU time of this process (user + system, all threads): on a shared, busy machine
// the CPU time is the better estimate of what the same work takes on an idle one.
function measure(what, fn, runs) {
  const times = [];
  const cpu = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t = performance.now();
    last = fn();
    times.push(performance.now() - t);
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
  }
  const c = last.counts;
  return {
    what,
    first: times[0],
    median: median(times),
    cpuFirst: cpu[0],
    cpuMedian: median(cpu),
    counts: `${c.lessons} lessons, ${c.questions} questions, ${c.problems} problems`,
  };
}

function calibrate() {
  const c0 = process.cpuUsage();
  let acc = 0;
  for (let i = 0; i < 1e8; i++) acc += i;
  const c = process.cpuUsage(c0);
  if (acc < 0) console.log(acc);
  return (c.user + c.system) / 1000;
}

/** CPU ms used by finished child processes since the last call (Linux: /proc/self/stat cutime+cstime). */
function childCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]); // cutime, cstime (fields 16, 17)
    const prev = lastChildTicks ?? ticks;
    lastChildTicks = ticks;
    return ((ticks - prev) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return NaN;
  }
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
      const body = Array.from(
        { length: 8 },
        (_, s) =>
          `## Section ${s + 1}\n\nSome text about **topic ${s}** with \`code\`.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> [!NOTE]\n> A note.\n`,
      ).join('\n');
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
  const head = `- id: gen-${n}\n  lesson: ${lesson}\n  domain: ${domain}\n  task: "${domain}.1"\n  difficulty: medium\n  prompt: "Generated question ${n} about ___ and more words to make it realistic?"\n  explanation: "Because the generator says so; the distractors are wrong for reasons ${n}."\n  sources: ["${lesson}#section-1"]\n`;
  switch (n % 8) {
    case 0:
      return head + `  type: single\n  choices: [alpha, beta, gamma, delta]\n  answer: ${n % 4}\n`;
    case 1:
      return head + `  type: multi\n  choices: [alpha, beta, gamma, delta, epsilon]\n  answers: [0, 2]\n`;
    case 2:
      return head + `  type: truefalse\n  answer: ${n % 2 === 0}\n`;
    case 3:
      return head + `  type: order\n  items: [first step, second step, third step, fourth step]\n`;
    case 4:
      return (
        head + `  type: match\n  pairs:\n    - { left: a, right: one }\n    - { left: b, right: two }\n    - { left: c, right: three }\n`
      );
    case 5:
      return head + `  type: cloze\n  answers: [variant, other variant]\n`;
    case 6:
      return head + `  type: numeric\n  answer: ${n}.5\n  tolerance: 0.1\n  unit: tokens\n`;
    default:
      return (
        head +
        `  type: case\n  scenario_text: "A company wants to do thing ${n}."\n  questions:\n    - id: gen-${n}.a\n      type: single\n      prompt: Which?\n      choices: [x, y, z]\n      answer: 1\n      explanation: y.\n      difficulty: easy\n    - id: gen-${n}.b\n      type: truefalse\n      prompt: True?\n      answer: false\n      explanation: No.\n      difficulty: hard\n`
      );
  }
}
