// Metrics benchmark: ftlab vs the sacrebleu CLI (corpus BLEU) and vs rouge-score (ROUGE-1/2/L
// with stemming, mean over pairs) on 20,000 generated pairs, whole-process wall time, all in the
// same run. Reference tools are found through SACREBLEU_DIR (a sacrebleu checkout) and ROUGE_DIR
// (a folder holding rouge_score/ of release 0.1.2), run with PYTHON (default python3); when they
// are absent the bench says so and measures ftlab alone. Goal: ftlab >= 5x faster than each.
// Figures are recorded in docs/bench-metrics.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const PAIRS = Number(process.env.BENCH_METRICS_PAIRS ?? 20000);
const REPEAT = Number(process.env.BENCH_METRICS_REPEAT ?? 3);
const python = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const work = mkdtempSync(join(tmpdir(), 'ftlab-bench-metrics-'));

// ---- data: seeded, English-like, with inflected forms so stemming has work to do ----------
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pick = (a) => a[Math.floor(rand() * a.length)];
const STEMS = (
  'model train evaluat summar translat generat token predict measur improv reduc ' +
  'increas learn adapt layer weight gradient optimiz schedul batch sampl rank quantiz merg serv ' +
  'request respons latenc throughput memori comput budget dataset label annotat review compar ' +
  'report score metric refer output input prompt answer question context document sentenc word ' +
  'languag task user system design build test deploy monitor updat'
).split(' ');
const ENDINGS = ['', 's', 'ing', 'ed', 'ion', 'ions', 'er', 'ers', 'ly', 'ment'];
const SMALL = 'the a of to and in on for with by is was are be this that it as from at'.split(' ');
const PUNCT = [',', '.', ';', ':', '!', '?'];
const word = () => (rand() < 0.35 ? pick(SMALL) : pick(STEMS) + pick(ENDINGS));
function sentence() {
  const n = 8 + Math.floor(rand() * 30);
  const out = [];
  for (let i = 0; i < n; i++) out.push(word() + (rand() < 0.08 ? pick(PUNCT) : ''));
  const s = out.join(' ');
  return s[0].toUpperCase() + s.slice(1) + '.';
}
function perturb(ref) {
  const out = [];
  for (const w of ref.split(' ')) {
    const r = rand();
    if (r < 0.1) continue; // deletion
    if (r < 0.25)
      out.push(word()); // substitution
    else out.push(w);
    if (rand() < 0.05) out.push(word()); // insertion
  }
  return out.join(' ');
}
const refs = [];
const hyps = [];
for (let i = 0; i < PAIRS; i++) {
  const r = sentence();
  refs.push(r);
  hyps.push(perturb(r));
}
const hypFile = join(work, 'hyp.txt');
const refFile = join(work, 'ref.txt');
writeFileSync(hypFile, hyps.join('\n') + '\n');
writeFileSync(refFile, refs.join('\n') + '\n');

// The rouge-score side: score every pair, then the mean, like `ftlab metrics rouge`.
const rougeDriver = join(work, 'rouge_driver.py');
writeFileSync(
  rougeDriver,
  `import sys, json
sys.path.insert(0, sys.argv[1])
from rouge_score import rouge_scorer
types = ["rouge1", "rouge2", "rougeL"]
scorer = rouge_scorer.RougeScorer(types, use_stemmer=True)
hyps = open(sys.argv[2], encoding="utf-8").read().split("\\n")[:-1]
refs = open(sys.argv[3], encoding="utf-8").read().split("\\n")[:-1]
sums = {t: 0.0 for t in types}
for h, r in zip(hyps, refs):
    s = scorer.score(r, h)
    for t in types:
        sums[t] += s[t].fmeasure
print(json.dumps({t: sums[t] / len(hyps) for t in types}))
`,
);

// CPU time (user + sys) of the child as well, via GNU time when present: on a busy machine it is
// steadier than wall time.
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
function run(cmd, args, env = {}) {
  const argv = TIME ? [TIME, ['-f', 'cpu %U %S', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv[1], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error}`);
  const m = /cpu ([0-9.]+) ([0-9.]+)\s*$/.exec(r.stderr ?? '');
  return { seconds, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, stdout: r.stdout };
}
function best(cmd, args, env) {
  let out;
  for (let i = 0; i < REPEAT; i++) {
    const r = run(cmd, args, env);
    if (!out || r.seconds < out.seconds) out = { ...r, cpu: Math.min(r.cpu, out?.cpu ?? Infinity) };
    else out.cpu = Math.min(out.cpu, r.cpu);
  }
  return out;
}
const cpuCols = (ft, ref) =>
  TIME ? [fmtCpu(ft.cpu), ref ? fmtCpu(ref.cpu) : 'absent', ref ? `${(ref.cpu / ft.cpu).toFixed(1)}x` : '-'] : [];
const fmtCpu = (s) => (Number.isFinite(s) ? s.toFixed(2) : '?');

const rows = [];
const fmt = (s) => s.toFixed(3);
try {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first');
  const ftBleu = best(process.execPath, [cli, 'metrics', 'bleu', '--hyp', hypFile, '--ref', refFile, '--json']);
  const ftRouge = best(process.execPath, [
    cli,
    'metrics',
    'rouge',
    '--hyp',
    hypFile,
    '--ref',
    refFile,
    '--types',
    'rouge1,rouge2,rougeL',
    '--stem',
    '--json',
  ]);
  const bleuScore = JSON.parse(ftBleu.stdout).score;
  const rougeMean = JSON.parse(ftRouge.stdout).mean;

  const sacreDir = process.env.SACREBLEU_DIR;
  if (sacreDir && existsSync(join(sacreDir, 'sacrebleu'))) {
    const ref = best(python, ['-m', 'sacrebleu', refFile, '-i', hypFile, '-m', 'bleu', '-b', '-w', '4'], { PYTHONPATH: sacreDir });
    const agree = Number(ref.stdout.trim()).toFixed(4) === bleuScore.toFixed(4) ? 'yes' : `NO (${ref.stdout.trim()})`;
    rows.push([
      'corpus BLEU',
      fmt(ftBleu.seconds),
      fmt(ref.seconds),
      `${(ref.seconds / ftBleu.seconds).toFixed(1)}x`,
      ...cpuCols(ftBleu, ref),
      agree,
    ]);
  } else {
    rows.push(['corpus BLEU', fmt(ftBleu.seconds), 'absent', '-', ...cpuCols(ftBleu, null), '-']);
    console.log('sacrebleu not found: set SACREBLEU_DIR to a sacrebleu checkout to compare (measuring ftlab alone)');
  }
  const rougeDir = process.env.ROUGE_DIR;
  if (rougeDir && existsSync(join(rougeDir, 'rouge_score'))) {
    const ref = best(python, [rougeDriver, rougeDir, hypFile, refFile]);
    const theirs = JSON.parse(ref.stdout);
    const agree = ['rouge1', 'rouge2', 'rougeL'].every((t) => Math.abs(theirs[t] - rougeMean[t].fmeasure) < 1e-12) ? 'yes' : 'NO';
    rows.push([
      'ROUGE-1/2/L +stem',
      fmt(ftRouge.seconds),
      fmt(ref.seconds),
      `${(ref.seconds / ftRouge.seconds).toFixed(1)}x`,
      ...cpuCols(ftRouge, ref),
      agree,
    ]);
  } else {
    rows.push(['ROUGE-1/2/L +stem', fmt(ftRouge.seconds), 'absent', '-', ...cpuCols(ftRouge, null), '-']);
    console.log('rouge-score not found: set ROUGE_DIR to a folder holding rouge_score/ (0.1.2) to compare (measuring ftlab alone)');
  }
  console.log(`\nmetrics bench: ${PAIRS} pairs, whole-process wall time, best of ${REPEAT}`);
  const header = [
    'task',
    'ftlab s',
    'reference s',
    'speed-up',
    ...(TIME ? ['ftlab cpu s', 'ref cpu s', 'cpu speed-up'] : []),
    'same result',
  ];
  const all = [header, ...rows];
  const w = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  '));
  console.log(
    `\nftlab pairs/s: BLEU ${Math.round(PAIRS / ftBleu.seconds)}, ROUGE ${Math.round(PAIRS / ftRouge.seconds)} (including Node start-up)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
