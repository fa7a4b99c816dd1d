// `npm run pretrain-micro`: pretrains the LoRA lab's micro Llama from labs/lora/corpus/*.txt and writes
// it to labs/lora/base/ (plus pretrain.json with the run's figures). Deterministic: the same corpus,
// seed and Node version give the same weights. Options: --steps N --out DIR (for quick trials).
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
mkdirSync(join(root, '.tmp'), { recursive: true });
const bundle = join(root, '.tmp/pretrain.mjs');
await build({
  entryPoints: [join(root, 'src/engines/llm/pretrain.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  logLevel: 'warning',
});
const { pretrain } = await import(pathToFileURL(bundle).href);

const config = {
  vocabSize: 258,
  hiddenSize: 64,
  intermediateSize: 384,
  numLayers: 2,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 16,
  maxPositions: 256,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: true,
  bosTokenId: 256,
  eosTokenId: 257,
};
const outDir = arg('out', join(root, 'labs/lora/base'));
const opts = {
  corpusDir: join(root, 'labs/lora/corpus'),
  outDir,
  config,
  steps: Number(arg('steps', 1000)),
  batch: 8,
  block: 128,
  lr: 4e-3,
  warmup: 50,
  weightDecay: 0.1,
  seed: 1,
  onLog: (line) => console.error(line),
};
const stats = pretrain(opts);
const record = {
  ...stats,
  config,
  batch: opts.batch,
  block: opts.block,
  lr: opts.lr,
  warmup: opts.warmup,
  weight_decay: opts.weightDecay,
  seed: opts.seed,
  node: process.version,
};
writeFileSync(join(outDir, 'pretrain.json'), JSON.stringify(record, null, 2) + '\n');
console.log(JSON.stringify(record, null, 2));
