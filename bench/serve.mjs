// Serving benchmark: `ftlab serve` vs the course's FastAPI example (bench/serve/fastapi_app.py), both in
// front of the same fast echo backend, loaded by wrk at 16 and 64 connections. Also the API's added latency:
// p50 of one connection calling the backend directly vs through `ftlab serve`.
// Needs Debian packages wrk, python3-fastapi, python3-uvicorn, python3-requests for the comparison; without
// them it says so and measures what it can.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const DURATION = process.env.BENCH_SECONDS ?? '8';
const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function has(cmd, args = ['--version']) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function start(cmd, args, env = {}, readyPattern, cwd = root) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      if (readyPattern.test(out)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${out}`)));
  });
}

async function waitFor(url, tries = 100) {
  for (let i = 0; i < tries; i++) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function wrk(url, connections, script) {
  const args = ['-t', String(Math.min(2, connections)), '-c', String(connections), '-d', `${DURATION}s`, '--latency', '-s', script, url];
  const r = spawnSync('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
  const unit = (v, u) => Number(v) * (u === 'us' ? 0.001 : u === 's' ? 1000 : 1);
  const pct = (p) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(r.stdout);
    return m ? unit(m[1], m[2]) : NaN;
  };
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? '0';
  return { rps, p50: pct(50), p99: pct(99), non2xx: Number(errors) };
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

const echoPort = 18431;
const ftlabPort = 18432;
const fastapiPort = 18433;
const echoUrl = `http://127.0.0.1:${echoPort}`;

if (!has('wrk', ['-v']) && spawnSync('wrk', ['-v']).error) {
  console.log('wrk is not installed (apt-get install wrk): the serving benchmark needs it. Skipping.');
  process.exit(0);
}
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'; // Debian's, where apt installs FastAPI
const fastapiOk = has(python, ['-c', 'import fastapi, uvicorn, requests']);

await start(process.execPath, ['dist/cli.js', 'echo-backend', '--port', String(echoPort)], {}, /listening/);
await start(
  process.execPath,
  ['dist/cli.js', 'serve', '--port', String(ftlabPort), '--ollama-host', echoUrl, '--log-level', 'silent'],
  {},
  /listening/,
);
await waitFor(`http://127.0.0.1:${ftlabPort}/health`);
if (fastapiOk) {
  // uvicorn prints nothing at log level warning: wait for its /health instead of its output
  const child = spawn(
    python,
    ['-m', 'uvicorn', 'fastapi_app:app', '--host', '127.0.0.1', '--port', String(fastapiPort), '--no-access-log', '--log-level', 'warning'],
    { cwd: join(root, 'bench/serve'), env: { ...process.env, OLLAMA_HOST: echoUrl }, stdio: 'ignore' },
  );
  children.push(child);
  await waitFor(`http://127.0.0.1:${fastapiPort}/health`);
}

const script = join(root, 'bench/serve/post.lua');
const directScript = join(root, 'bench/serve/direct.lua');
const rows = [];
for (const c of [16, 64]) {
  // warm-up so JIT and connection pools are ready
  spawnSync('wrk', ['-t', '1', '-c', String(c), '-d', '2s', '-s', script, `http://127.0.0.1:${ftlabPort}/generate`]);
  const ftlab = wrk(`http://127.0.0.1:${ftlabPort}/generate`, c, script);
  const peer = fastapiOk ? wrk(`http://127.0.0.1:${fastapiPort}/generate`, c, script) : undefined;
  rows.push({ c, ftlab, peer });
}
// Added latency: one connection straight to the backend vs through ftlab serve.
const direct = existsSync(directScript) ? wrk(`${echoUrl}/api/chat`, 1, directScript) : undefined;
const viaApi = wrk(`http://127.0.0.1:${ftlabPort}/generate`, 1, script);

console.log(`\nServing benchmark (wrk, ${DURATION}s per run, 2 threads; echo backend; logs off for both APIs)\n`);
console.log('| connections | API | req/s | p50 ms | p99 ms | non-2xx |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.c} | ftlab serve | ${fmt(r.ftlab.rps, 0)} | ${fmt(r.ftlab.p50, 2)} | ${fmt(r.ftlab.p99, 2)} | ${r.ftlab.non2xx} |`);
  if (r.peer)
    console.log(
      `| ${r.c} | FastAPI (course example) | ${fmt(r.peer.rps, 0)} | ${fmt(r.peer.p50, 2)} | ${fmt(r.peer.p99, 2)} | ${r.peer.non2xx} |`,
    );
  if (r.peer)
    console.log(`| ${r.c} | ratio | ${fmt(r.ftlab.rps / r.peer.rps, 2)}× | | ${r.ftlab.p99 < r.peer.p99 ? 'lower' : 'HIGHER'} | |`);
}
if (!fastapiOk) console.log('\nFastAPI peer not measured: install python3-fastapi python3-uvicorn python3-requests.');
if (direct) {
  console.log(
    `\nAdded latency at p50 (1 connection): backend direct ${fmt(direct.p50, 3)} ms, through ftlab serve ${fmt(viaApi.p50, 3)} ms → +${fmt(viaApi.p50 - direct.p50, 3)} ms`,
  );
}
process.exit(0);
