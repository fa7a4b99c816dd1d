// Scrolling: keypress-to-frame latency in the lesson reader on a generated lesson of about 2,000
// rendered lines, in a real pseudo-terminal (80×24) against the built CLI. One key at a time: send `j`
// (or `k` on the way back), stop the clock when Ink finishes writing the frame (the end of its
// synchronized-output block, or 4 ms of silence if the terminal does not get one).
// Goal: p95 < 16 ms (one 60 Hz frame). Figures: docs/bench-ui.md.
//   node bench/scroll.mjs [--keys N]
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';

const root = fileURLToPath(new URL('..', import.meta.url));
const keysArg = process.argv.indexOf('--keys');
const KEYS = keysArg > 0 ? Number(process.argv[keysArg + 1]) : 300;
// Pause between keys: longer than Ink's 60 fps render throttle (16.7 ms), like key repeat (~30/s), so each
// key is measured on its own rather than queued behind the previous frame's throttle window.
const GAP = Number(process.env.GAP ?? 20);

// ---- a course with one long lesson: paragraphs, lists, tables, code and callouts -----------------
const course = mkdtempSync(join(tmpdir(), 'ftlab-bench-scroll-'));
const mod = join(course, 'content/01-long');
mkdirSync(mod, { recursive: true });
mkdirSync(join(course, 'quizzes'));
mkdirSync(join(course, 'labs'));
writeFileSync(join(mod, 'module.yaml'), 'id: long\ntitle: Long\nsummary: A long lesson for benchmarks.\norder: 1\n');
const body = ['# A very long lesson', ''];
for (let s = 1; s <= 64; s++) {
  body.push(`## Section ${s}`, '');
  body.push(
    `Section ${s} explains **low-rank adaptation** with *several* sentences of text so that every paragraph wraps over more than one line at eighty columns, just like a real lesson does.`,
    '',
  );
  body.push(
    '- a list item with `inline code`',
    '- another item that is long enough to wrap onto a second line when the terminal is eighty columns wide',
    '',
  );
  body.push('| Method | Trainable | Memory |', '|---|---:|---|', '| Full | 100% | high |', '| LoRA | 0.5% | low |', '');
  body.push('```python', 'def scale(alpha, r):', '    return alpha / r  # LoRA scaling', '```', '');
  body.push('> [!TIP]', `> Tip number ${s}: keep the rank small at first.`, '');
  for (let p = 0; p < 3; p++)
    body.push(
      `Paragraph ${s}.${p}: the adapter learns a small update while the base model stays frozen, which keeps memory use low and makes the result easy to share.`,
      '',
    );
}
writeFileSync(
  join(mod, '01-long.md'),
  [
    '---',
    'id: long-lesson',
    'title: A very long lesson',
    'module: long',
    'order: 1',
    'minutes: 60',
    'domain: 3',
    'objectives:',
    '  - Scroll',
    '---',
    ...body,
  ].join('\n'),
);
const home = mkdtempSync(join(tmpdir(), 'ftlab-bench-scroll-home-'));

const env = { ...process.env, TERM: 'xterm-256color', FTLAB_HOME: home, FTLAB_CONTENT: course };
for (const k of ['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR']) delete env[k];
const p = pty.spawn(process.execPath, [join(root, 'dist/cli.js'), 'learn', 'long-lesson'], { cols: 80, rows: 24, cwd: root, env });

let out = '';
let waiter = null;
let quietTimer = null;
const FRAME_END = '\x1b[?2026l';
p.onData((d) => {
  out += d;
  if (!waiter) return;
  if (d.includes(FRAME_END)) {
    const w = waiter;
    waiter = null;
    clearTimeout(quietTimer);
    w.resolve(performance.now());
    return;
  }
  // Terminals without synchronized output: the frame is done when the output pauses.
  clearTimeout(quietTimer);
  quietTimer = setTimeout(() => {
    if (waiter) {
      const w = waiter;
      waiter = null;
      w.resolve(performance.now() - 4);
    }
  }, 4);
});
const waitFor = (text, ms = 60_000) =>
  new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () =>
      out.includes(text)
        ? resolve()
        : Date.now() - t0 > ms
          ? reject(new Error(`no "${text}": ${JSON.stringify(out.slice(-300))}`))
          : setTimeout(tick, 20);
    tick();
  });
const press = (key) =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const timeout = setTimeout(() => reject(new Error(`no frame after "${key}"`)), 10_000);
    waiter = { resolve: (t) => (clearTimeout(timeout), resolve(t - t0)) };
    p.write(key);
  });

await waitFor('A very long lesson');
await new Promise((r) => setTimeout(r, 500));
const lat = [];
for (let i = 0; i < 20; i++) await press('j'); // warm-up: JIT, first renders
// CPU time the app spends (user + system, from /proc), so a busy machine can be told apart from a
// slow frame: wall-clock latency includes waiting for a CPU, CPU time per key does not.
const cpuMs = () => {
  try {
    const f = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
};
const cpuBefore = cpuMs();
for (let i = 0; i < KEYS; i++) {
  lat.push(await press(i < KEYS / 2 ? 'j' : 'k'));
  await new Promise((r) => setTimeout(r, GAP));
}
const cpuPerKey = (cpuMs() - cpuBefore) / KEYS;
// How long is the rendered lesson? Jump to the end and read the reader's own status.
out = '';
p.write('G');
await new Promise((r) => setTimeout(r, 500));
const rendered = out;
p.write('q');
await new Promise((r) => setTimeout(r, 300));
p.kill();
rmSync(course, { recursive: true, force: true });
rmSync(home, { recursive: true, force: true });
const total = [...rendered.matchAll(/100% · (\d+)\/(\d+) · 60 min/g)].pop()?.[2] ?? '?';

const s = [...lat].sort((a, b) => a - b);
const q = (x) => s[Math.min(s.length - 1, Math.floor(x * (s.length - 1) + 0.5))];
console.log(
  `keypress-to-frame in the lesson reader: ${body.length} Markdown lines rendered to ${total} lines at 80 columns, ${KEYS} keys (ms)`,
);
console.log('   p50    p90    p95    p99    max');
console.log([0.5, 0.9, 0.95, 0.99].map((x) => q(x).toFixed(1).padStart(6)).join(' ') + ' ' + s[s.length - 1].toFixed(1).padStart(6));
console.log(`CPU time of the app per keypress: ${cpuPerKey.toFixed(1)} ms (independent of other load on the machine)`);
console.log(`goal: p95 < 16 ms — ${q(0.95) < 16 ? 'met' : 'NOT met'}`);
