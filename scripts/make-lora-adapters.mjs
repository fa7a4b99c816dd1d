// Rewrites the LoRA lab's two committed adapters after the base model or the task data changed:
//   labs/lora/solution/adapter  the default job (`ftlab train`, single-threaded), byte-reproducible
//   labs/lora/starter/adapter   that job's adapter before its first step: A as initialised, B = 0, so
//                               it computes exactly what the base computes
// Needs the built CLI (npm run build). Usage: node scripts/make-lora-adapters.mjs
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const lab = join(root, 'labs/lora');
if (!existsSync(join(root, 'dist/cli.js'))) {
  console.error('dist/cli.js is missing: run npm run build first');
  process.exit(1);
}

const solution = join(lab, 'solution/adapter');
rmSync(solution, { recursive: true, force: true });
const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), 'train', '--threads', '1', '--out', solution, '--json'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (r.status !== 0) process.exit(r.status ?? 1);
const summary = JSON.parse(r.stdout.trim().split('\n').pop());
console.log(`solution: ${summary.steps} steps, val loss ${summary.val_loss_before.toFixed(4)} -> ${summary.val_loss_after.toFixed(4)}`);

mkdirSync(join(root, '.tmp'), { recursive: true });
const entry = join(root, '.tmp/make-lora-starter.ts');
writeFileSync(
  entry,
  `import { loadModel, saveAdapter } from '../src/engines/llm/io.js';
import { LoraAdapter } from '../src/engines/llm/lora.js';
import { Rng } from '../src/engines/llm/rng.js';
import { TRAIN_DEFAULTS as D } from '../src/engines/llm/defaults.js';
export function starter(base: string, out: string): number {
  const { model } = loadModel(base);
  // the same draws as train.ts: the adapter is the first thing made from the run's seed
  const adapter = LoraAdapter.create(model.config, { r: D.rank, alpha: D.alpha, dropout: D.dropout, targets: D.targets, layers: null, useRslora: false }, new Rng(D.seed));
  return saveAdapter(out, adapter, base);
}
`,
);
const bundle = join(root, '.tmp/make-lora-starter.mjs');
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  logLevel: 'warning',
});
const { starter } = await import(pathToFileURL(bundle).href);
const starterDir = join(lab, 'starter/adapter');
rmSync(starterDir, { recursive: true, force: true });
console.log(`starter: ${starter(join(lab, 'base'), starterDir)} bytes`);
