// `npm run bench`: runs every benchmark script in bench/ (each compares ftlab with its named peer in the
// same run and prints a table), one after another so they do not compete for the CPU.
// Run one: `node bench/metrics.mjs`. Pick some: `npm run bench -- metrics serve`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => !only.length || only.some((o) => f.startsWith(o)))
  .sort();

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = 0;
for (const script of scripts) {
  console.log(`\n=== bench/${script} ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [`${dir}${script}`], { stdio: 'inherit' });
  console.log(`(bench/${script} finished in ${((Date.now() - started) / 1000).toFixed(1)} s, exit ${r.status})`);
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
