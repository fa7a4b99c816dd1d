// Start-up: time from spawning the process to the first complete frame of the home screen, in a real
// pseudo-terminal (80×24), against a minimal Ink app bundled with esbuild the same way as ftlab and
// bare `node`, all in the same run. The minimal app is built from source into a temp folder here.
// Goal: ftlab's home screen ≤ 1.5× the minimal Ink app. Figures: docs/bench-ui.md.
//   node bench/startup.mjs [--runs N]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pty from 'node-pty';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;
const tmp = mkdtempSync(join(tmpdir(), 'ftlab-bench-startup-'));

// ---- the minimal Ink app: one line of text, waits for q (raw mode on, like ftlab) ------------------
writeFileSync(
  join(tmp, 'minimal.jsx'),
  `import { render, Text, useApp, useInput } from 'ink';
function App() {
  const { exit } = useApp();
  useInput((input) => { if (input === 'q') exit(); });
  return <Text>minimal ready</Text>;
}
render(<App />);
`,
);
await build({
  entryPoints: [join(tmp, 'minimal.jsx')],
  outdir: join(tmp, 'out'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true, // as ftlab's build: Ink's optional devtools import stays a lazy chunk
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  nodePaths: [join(root, 'node_modules')],
  external: ['react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'error',
});

const env = { ...process.env, TERM: 'xterm-256color' };
for (const k of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FTLAB_CONTENT']) delete env[k];

/** Milliseconds from spawn until the output contains `marker`. */
function timeToText(args, marker, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = pty.spawn(process.execPath, args, { cols: 80, rows: 24, cwd: root, env: { ...env, ...extraEnv } });
    let out = '';
    let done = false;
    const timer = setTimeout(() => {
      if (!done) {
        p.kill('SIGKILL');
        reject(new Error(`no "${marker}" within 30 s; output: ${JSON.stringify(out.slice(-400))}`));
      }
    }, 30_000);
    p.onData((d) => {
      out += d;
      if (!done && out.includes(marker)) {
        done = true;
        const ms = performance.now() - t0;
        clearTimeout(timer);
        p.kill('SIGKILL');
        resolve(ms);
      }
    });
  });
}

const home = mkdtempSync(join(tmpdir(), 'ftlab-bench-home-'));
const subjects = [
  { name: 'bare node', run: () => timeToText(['-e', "process.stdout.write('bare ready'); setTimeout(() => {}, 5000)"], 'bare ready') },
  { name: 'minimal Ink app (esbuild bundle)', run: () => timeToText([join(tmp, 'out/minimal.mjs')], 'minimal ready') },
  // "Next:" is on the home screen once its data (due cards, streak, modules) is in the frame.
  { name: 'ftlab home screen (dist/cli.js)', run: () => timeToText([join(root, 'dist/cli.js')], 'Next:', { FTLAB_HOME: home }) },
  // First start with a new FTLAB_HOME (or after editing the content): no outline cache yet, so the
  // whole course is loaded and validated before the first frame.
  {
    name: 'ftlab home, first start (no cache)',
    run: async () => {
      const fresh = mkdtempSync(join(tmpdir(), 'ftlab-bench-fresh-'));
      try {
        return await timeToText([join(root, 'dist/cli.js')], 'Next:', { FTLAB_HOME: fresh });
      } finally {
        rmSync(fresh, { recursive: true, force: true });
      }
    },
  },
];

const times = new Map(subjects.map((s) => [s.name, []]));
for (const s of subjects) await s.run(); // warm the file cache once
for (let i = 0; i < RUNS; i++) {
  for (const s of subjects) times.get(s.name).push(await s.run());
}
if (!process.env.KEEP) rmSync(tmp, { recursive: true, force: true });
rmSync(home, { recursive: true, force: true });

const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
};
const minimalMedian = q(times.get(subjects[1].name), 0.5);
console.log(`first frame in a pseudo-terminal, ${RUNS} runs each (ms)`);
console.log('subject                              median    p90    min   vs minimal Ink');
for (const s of subjects) {
  const xs = times.get(s.name);
  const med = q(xs, 0.5);
  console.log(
    `${s.name.padEnd(36)} ${med.toFixed(0).padStart(6)} ${q(xs, 0.9).toFixed(0).padStart(6)} ${Math.min(...xs)
      .toFixed(0)
      .padStart(6)}   ${(med / minimalMedian).toFixed(2)}x`,
  );
}
const ratio = q(times.get(subjects[2].name), 0.5) / minimalMedian;
console.log(`goal: ftlab home ≤ 1.5x the minimal Ink app — ${ratio <= 1.5 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
