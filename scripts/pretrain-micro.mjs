// `npm run pretrain-micro`: makes the LoRA lab's base model, labs/lora/base/, in three steps:
//   1. the corpus (only with --make-corpus): scripts/make-corpus.mjs rewrites labs/lora/corpus/*.txt from
//      content/ and labs/lora/data/language.mjs. Without the flag the committed corpus is used, so a
//      later edit of a lesson does not change the model; run with it after changing either source.
//   2. the tokenizer: a byte-level BPE with VOCAB tokens trained on that corpus (src/engines/llm/bpe-train.ts)
//   3. the model: a small Llama pretrained on the corpus (src/engines/llm/pretrain.ts), saved with its
//      tokenizer, plus pretrain.json with the run's figures.
// Deterministic: the same corpus, seed, kernels (dist/ftlab-kernels.wasm, or FTLAB_KERNELS=js) and Node
// version give the same weights. Options: --steps N --out DIR (for quick trials), --make-corpus,
// --tokenizer-only (steps 1 and 2, then print the tokenizer's figures).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const flag = (name) => process.argv.includes(`--${name}`);
const corpusDir = join(root, 'labs/lora/corpus');

if (flag('make-corpus')) {
  const { makeCorpus } = await import('./make-corpus.mjs');
  const { heldoutTickets } = await import('../labs/lora/data/generate.mjs');
  mkdirSync(corpusDir, { recursive: true });
  for (const [name, text] of Object.entries(makeCorpus({ heldoutTexts: new Set(heldoutTickets()) })))
    writeFileSync(join(corpusDir, name), text);
}

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
// the bundle loads the WASM kernels from its own folder first: put the current build there (or none)
const wasm = join(root, 'dist/ftlab-kernels.wasm');
if (existsSync(wasm)) copyFileSync(wasm, join(root, '.tmp/ftlab-kernels.wasm'));
else rmSync(join(root, '.tmp/ftlab-kernels.wasm'), { force: true });
const { pretrain, trainCorpusTokenizer, corpusStream } = await import(pathToFileURL(bundle).href);

const VOCAB = 2048;
const t0 = performance.now();
const tokenizer = trainCorpusTokenizer(corpusDir, VOCAB);
const tokenizerSeconds = (performance.now() - t0) / 1000;
if (flag('tokenizer-only')) {
  const { bytes, ids } = corpusStream(corpusDir, tokenizer);
  console.log(
    `tokenizer: ${tokenizer.vocabSize} tokens in ${tokenizerSeconds.toFixed(1)} s; corpus ${bytes} bytes -> ${ids.length} tokens (${(bytes / ids.length).toFixed(2)} bytes/token)`,
  );
  process.exit(0);
}

const config = {
  vocabSize: VOCAB,
  hiddenSize: 128,
  intermediateSize: 384,
  numLayers: 4,
  numHeads: 4,
  numKvHeads: 2,
  headDim: 32,
  maxPositions: 256,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: true,
  bosTokenId: tokenizer.bosId,
  eosTokenId: tokenizer.eosId,
};
const outDir = arg('out', join(root, 'labs/lora/base'));
const opts = {
  corpusDir,
  outDir,
  tokenizer,
  config,
  steps: Number(arg('steps', 1500)),
  batch: 16,
  block: 128,
  lr: 3e-3,
  warmup: 100,
  weightDecay: 0.1,
  seed: 1,
  logEvery: 50,
  onLog: (line) => console.error(line),
};
const stats = pretrain(opts);
const record = {
  ...stats,
  tokenizer: { vocab_size: tokenizer.vocabSize, trainer: 'byte-level BPE (src/engines/llm/bpe-train.ts)', seconds: tokenizerSeconds },
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
