// What structured output costs: generation tokens/s without a constraint, with format "json" and with a
// JSON schema, for the shipped micro model (byte vocabulary, 258 ids) and for a model of the same shape
// over a byte-level BPE of ~4k ids (merges made here from the course's text, so the vocabulary looks like a
// real one: words, word pieces, punctuation runs). "cold" is a schema seen for the first time (every mask
// computed); "warm" the same schema again (masks from the per-state cache). One thread, one process.
// Options: --tokens N per generation (default 160), --runs N generations per measurement (default 4).
import { readdirSync, readFileSync, mkdirSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, d) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const TOKENS = arg('--tokens', 160);
const RUNS = arg('--runs', 4);

mkdirSync(join(root, '.tmp'), { recursive: true });
const entry = join(root, '.tmp/bench-constrained-entry.ts');
writeFileSync(
  entry,
  `
export { generate, InferenceModel } from '../src/engines/llm/generate.js';
export { loadModel } from '../src/engines/llm/io.js';
export { LlamaModel } from '../src/engines/llm/model.js';
export { Rng } from '../src/engines/llm/rng.js';
export { Tokenizer } from '../src/engines/llm/tokenizer.js';
export { BYTE_CHAR } from '../src/engines/llm/tokenizer-pipeline.js';
export { formatConstraint, grammarFor, maskTable } from '../src/engines/llm/constrained/index.js';
export { tokenVocab } from '../src/engines/llm/constrained/token-mask.js';
`,
);
const bundle = join(root, '.tmp/bench-constrained.mjs');
await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: bundle,
  logLevel: 'warning',
});
if (existsSync(join(root, 'dist/ftlab-kernels.wasm')))
  copyFileSync(join(root, 'dist/ftlab-kernels.wasm'), join(root, '.tmp/ftlab-kernels.wasm'));
const E = await import(pathToFileURL(bundle).href);

// ---- a ~4k byte-level BPE from the course's lessons --------------------------------------------------
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
function bpeTokenizer(size) {
  const text = walk(join(root, 'content'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const enc = new TextEncoder();
  const chars = (s) => [...enc.encode(s)].map((b) => E.BYTE_CHAR[b]).join('');
  // pieces as GPT-2 cuts them; every prefix (2+ bytes) of a piece is a candidate token
  const counts = new Map();
  for (const piece of text.match(/ ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+/gu) ?? []) {
    const c = chars(piece);
    for (let n = 2; n <= Math.min(c.length, 10); n++) counts.set(c.slice(0, n), (counts.get(c.slice(0, n)) ?? 0) + 1);
  }
  const vocab = {};
  E.BYTE_CHAR.forEach((ch, b) => (vocab[ch] = b));
  const merges = [];
  // most frequent first; a token's prefix is always at least as frequent, so the set stays prefix-closed
  for (const [tok] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    if (Object.keys(vocab).length >= size - 2) break;
    if (!(tok.slice(0, -1) in vocab)) continue;
    vocab[tok] = Object.keys(vocab).length;
    merges.push([tok.slice(0, -1), tok.slice(-1)]);
  }
  const V = Object.keys(vocab).length;
  const special = (id, content) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return new E.Tokenizer({
    version: '1.0',
    added_tokens: [special(V, '<s>'), special(V + 1, '</s>')],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [V], tokens: ['<s>'] } },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  });
}

// ---- measurements ----------------------------------------------------------------------------------
const ticket = {
  type: 'object',
  properties: {
    sentiment: { type: 'string', enum: ['positive', 'negative', 'neutral'] },
    stars: { type: 'integer', minimum: 1, maximum: 5 },
    urgent: { type: 'boolean' },
    summary: { type: 'string', maxLength: 40 },
    tags: { type: 'array', items: { type: 'string', maxLength: 12 }, maxItems: 3 },
  },
  required: ['sentiment', 'stars', 'urgent', 'summary', 'tags'],
  additionalProperties: false,
};

let unique = 0;
async function measure(im, tok, prompt, format, fresh) {
  let tokens = 0;
  let seconds = 0;
  let computed = 0;
  let hits = 0;
  // warm: the masks this schema needs are in the cache already (a first request filled it)
  if (format && !fresh)
    await E.generate(im, tok, prompt, { maxTokens: TOKENS, seed: 99, constraint: E.formatConstraint(format, tok, im.config.vocabSize) });
  for (let run = 0; run < RUNS; run++) {
    // a title the grammar ignores but the cache keys on: each cold run compiles and fills its masks anew
    const f = format && (fresh ? { type: 'json_schema', schema: { ...format.schema, title: `cold ${unique++}` } } : format);
    const constraint = f ? E.formatConstraint(f, tok, im.config.vocabSize) : undefined;
    const t0 = performance.now();
    const r = await E.generate(im, tok, prompt, { maxTokens: TOKENS, temperature: 0.8, topK: 40, topP: 0.9, seed: run + 1, constraint });
    seconds += (performance.now() - t0) / 1000;
    tokens += r.tokens.length;
    if (f) {
      const stats = E.maskTable(E.grammarFor(f), E.tokenVocab(tok, im.config.vocabSize)).stats;
      computed = stats.computed;
      hits = stats.hits;
    }
  }
  return { tps: tokens / seconds, perToken: (seconds / tokens) * 1000, computed, hits };
}

const micro = E.loadModel(join(root, 'labs/lora/base'));
const bpe = bpeTokenizer(4096);
const shape = { ...micro.model.config, vocabSize: bpe.vocabSize, bosTokenId: bpe.bosId, eosTokenId: bpe.eosId };
const setups = [
  { name: `micro, bytes (${micro.tokenizer.vocabSize})`, im: new E.InferenceModel(micro.model), tok: micro.tokenizer },
  { name: `micro shape, BPE (${bpe.vocabSize})`, im: new E.InferenceModel(E.LlamaModel.init(shape, new E.Rng(1))), tok: bpe },
];
const rows = [];
for (const s of setups) {
  const prompt = s.tok.encode('User: Classify this ticket: my parcel arrived broken and nobody answers.\nAssistant: ');
  const json = { type: 'json_schema', schema: { type: 'object' } };
  const schema = { type: 'json_schema', schema: ticket };
  const base = await measure(s.im, s.tok, prompt, null, false);
  rows.push([s.name, 'none', base]);
  for (const [label, f] of [
    ['format "json"', json],
    ['schema', schema],
  ]) {
    rows.push([s.name, `${label}, cold`, await measure(s.im, s.tok, prompt, f, true)]);
    rows.push([s.name, `${label}, warm`, await measure(s.im, s.tok, prompt, f, false)]);
  }
}
const pad = (x, n) => String(x).padEnd(n);
console.log(
  `${pad('model', 26)}${pad('constraint', 22)}${pad('tokens/s', 10)}${pad('ms/token', 10)}masks computed / cache hits (last run)`,
);
for (const [m, c, r] of rows)
  console.log(
    `${pad(m, 26)}${pad(c, 22)}${pad(r.tps.toFixed(0), 10)}${pad(r.perToken.toFixed(2), 10)}${c === 'none' ? '' : `${r.computed} / ${r.hits}`}`,
  );

// One mask computed from scratch (no cache), where it is dearest: inside a string almost every token fits.
console.log('\nOne mask computed from scratch (mean of 20):');
for (const s of setups) {
  for (const [label, prefix] of [
    ['inside a string', '{"sentiment":"neutral","stars":3,"urgent":true,"summary":"'],
    ['after a value', '{"sentiment":"neutral","stars":3'],
    ['at the start', ''],
  ]) {
    let ms = 0;
    let allowed = 0;
    for (let i = 0; i < 20; i++) {
      const table = E.maskTable(
        E.grammarFor({ type: 'json_schema', schema: { ...ticket, title: `probe ${unique++}` } }),
        E.tokenVocab(s.tok, s.im.config.vocabSize),
      );
      const st = table.matcher.feedAll(table.matcher.initial(), new TextEncoder().encode(prefix));
      const t0 = performance.now();
      allowed = table.entry(st).ids.length;
      ms += performance.now() - t0;
    }
    console.log(`  ${pad(s.name, 26)}${pad(label, 18)}${(ms / 20).toFixed(3)} ms  (${allowed} tokens allowed)`);
  }
}
