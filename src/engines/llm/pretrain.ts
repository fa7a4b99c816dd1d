// Pretrains the shipped micro model from the text files in a corpus folder (labs/lora/corpus/*.txt,
// written by scripts/make-corpus.mjs): a byte-level BPE tokenizer is trained on the corpus first
// (bpe-train.ts), every paragraph becomes <s>…</s>, the paragraphs are concatenated into one token stream,
// and training samples random windows of `block` tokens from it. Deterministic under the seed (and the
// kernels: the WASM and JS kernels round differently).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bpeTokenizerJson, countWords, trainBpe } from './bpe-train.js';
import type { LlamaConfig } from './config.js';
import { saveModel } from './io.js';
import { kernelName } from './kernels/index.js';
import { LlamaModel } from './model.js';
import { AdamW, clipGradNorm, lrAt } from './optim.js';
import { Rng } from './rng.js';
import { specialTokensConfig } from './special-tokens.js';
import { Tokenizer } from './tokenizer.js';

export interface PretrainOptions {
  corpusDir: string;
  outDir: string;
  /** The tokenizer (see trainCorpusTokenizer); its vocabulary must fit config.vocabSize. */
  tokenizer: Tokenizer;
  config: LlamaConfig;
  steps: number;
  batch: number;
  block: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  seed: number;
  /** Log every this many steps (default 25). */
  logEvery?: number;
  onLog?(line: string): void;
}

export interface PretrainStats {
  parameters: number;
  corpus_files: string[];
  corpus_bytes: number;
  corpus_tokens: number;
  tokens_seen: number;
  epochs: number;
  steps: number;
  final_loss: number;
  heldout_loss: number;
  minutes: number;
  cpu_minutes: number;
  tokens_per_s: number;
  kernels: string;
}

/** The corpus as documents: each *.txt file (sorted by name) split at blank lines. */
export function corpusDocuments(corpusDir: string): { files: string[]; docs: string[]; bytes: number } {
  const files = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const docs: string[] = [];
  let bytes = 0;
  for (const f of files) {
    for (const p of readFileSync(join(corpusDir, f), 'utf8').split(/\n\s*\n/)) {
      const d = p.trim();
      if (!d) continue;
      docs.push(d);
      bytes += Buffer.byteLength(d);
    }
  }
  return { files, docs, bytes };
}

/** Trains the byte-level BPE tokenizer of the micro model on the corpus: <s> (BOS, id 0) and </s> (EOS, id 1). */
export function trainCorpusTokenizer(corpusDir: string, vocabSize: number): Tokenizer {
  const { docs } = corpusDocuments(corpusDir);
  const trained = trainBpe(countWords(docs), { vocabSize, specialTokens: ['<s>', '</s>'], minFrequency: 2 });
  return new Tokenizer(bpeTokenizerJson(trained, { bos: '<s>' }));
}

/** Every document as BOS + text + EOS, concatenated. */
export function corpusStream(corpusDir: string, tok: Tokenizer): { files: string[]; bytes: number; ids: Int32Array } {
  const { files, docs, bytes } = corpusDocuments(corpusDir);
  const ids: number[] = [];
  for (const d of docs) {
    if (tok.bosId !== null) ids.push(tok.bosId);
    for (const id of tok.encodeOrdinary(d)) ids.push(id);
    ids.push(tok.eosId);
  }
  return { files, bytes, ids: Int32Array.from(ids) };
}

export function pretrain(o: PretrainOptions): PretrainStats {
  const log = o.onLog ?? (() => {});
  const logEvery = o.logEvery ?? 25;
  const tok = o.tokenizer;
  if (tok.vocabSize > o.config.vocabSize)
    throw new Error(`the tokenizer has ${tok.vocabSize} tokens, more than the config's vocabSize ${o.config.vocabSize}`);
  const rng = new Rng(o.seed);
  const { files, bytes, ids } = corpusStream(o.corpusDir, tok);
  // the last 2 % of the stream is kept out of training to report a held-out loss
  const cut = Math.floor(ids.length * 0.98);
  const trainIds = ids.subarray(0, cut);
  const testIds = ids.subarray(cut);
  const model = LlamaModel.init(o.config, rng);
  model.grads = model.params.zerosLike();
  const decay = new Uint8Array(model.params.size);
  for (const s of model.params.specs) if (s.shape.length >= 2) decay.fill(1, s.offset, s.offset + s.size);
  const opt = new AdamW(model.params.size, { lr: o.lr, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: o.weightDecay });
  const { batch: B, block: T } = o;
  const tokens = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let ema = NaN;
  for (let step = 0; step < o.steps; step++) {
    for (let b = 0; b < B; b++) {
      const start = rng.int(trainIds.length - T - 1);
      tokens.set(trainIds.subarray(start, start + T), b * T);
      targets.set(trainIds.subarray(start + 1, start + T + 1), b * T);
    }
    model.grads.fill(0);
    const { loss } = model.forward(tokens, targets, B, T);
    model.backward();
    clipGradNorm(model.grads, 1);
    opt.step(model.params.data, model.grads, lrAt(step, o.lr, o.warmup, o.steps), decay);
    ema = Number.isNaN(ema) ? loss : 0.95 * ema + 0.05 * loss;
    if ((step + 1) % logEvery === 0 || step === o.steps - 1) {
      const s = (performance.now() - t0) / 1000;
      log(
        `step ${step + 1}/${o.steps}  loss ${ema.toFixed(3)}  ${((B * T * (step + 1)) / s).toFixed(0)} tok/s  ${(s / 60).toFixed(1)} min`,
      );
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  // held-out loss over consecutive windows of the unseen tail
  let sum = 0;
  let count = 0;
  for (let start = 0; start + T + 1 <= testIds.length; start += T) {
    const r = model.forward(testIds.slice(start, start + T), testIds.slice(start + 1, start + T + 1), 1, T);
    sum += r.sum;
    count += r.count;
  }
  model.grads = null;
  saveModel(o.outDir, model, tok, { source: 'ftlab pretrain-micro' });
  // transformers reads special tokens from here first (special-tokens.ts does the same)
  const specials = specialTokensConfig(tok);
  writeFileSync(join(o.outDir, 'special_tokens_map.json'), JSON.stringify(specials, null, 2) + '\n');
  return {
    parameters: model.params.size,
    corpus_files: files,
    corpus_bytes: bytes,
    corpus_tokens: ids.length,
    tokens_seen: B * T * o.steps,
    epochs: (B * T * o.steps) / trainIds.length,
    steps: o.steps,
    final_loss: ema,
    heldout_loss: count ? sum / count : NaN,
    minutes: seconds / 60,
    cpu_minutes: (cpu.user + cpu.system) / 6e7,
    tokens_per_s: (B * T * o.steps) / seconds,
    kernels: kernelName,
  };
}
