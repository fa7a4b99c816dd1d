// Pretrains the shipped micro model from the text files in a corpus folder (labs/lora/corpus/*.txt):
// every paragraph becomes <s>…</s>, the paragraphs are concatenated into one byte stream, and
// training samples random windows of `block` tokens from it. Deterministic under the seed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlamaConfig } from './config.js';
import { saveModel } from './io.js';
import { kernelName } from './kernels/index.js';
import { LlamaModel } from './model.js';
import { AdamW, clipGradNorm, lrAt } from './optim.js';
import { Rng } from './rng.js';
import { Tokenizer } from './tokenizer.js';

export interface PretrainOptions {
  corpusDir: string;
  outDir: string;
  config: LlamaConfig;
  steps: number;
  batch: number;
  block: number;
  lr: number;
  warmup: number;
  weightDecay: number;
  seed: number;
  onLog?(line: string): void;
}

export interface PretrainStats {
  parameters: number;
  corpus_files: string[];
  corpus_tokens: number;
  tokens_seen: number;
  steps: number;
  final_loss: number;
  heldout_loss: number;
  minutes: number;
  tokens_per_s: number;
  kernels: string;
}

export function corpusStream(corpusDir: string, tok: Tokenizer): { files: string[]; ids: Int32Array } {
  const files = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const ids: number[] = [];
  for (const f of files) {
    const paragraphs = readFileSync(join(corpusDir, f), 'utf8')
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean);
    for (const p of paragraphs) ids.push(...(tok.bosId === null ? [] : [tok.bosId]), ...tok.encodeOrdinary(p), tok.eosId);
  }
  return { files, ids: Int32Array.from(ids) };
}

export function pretrain(o: PretrainOptions): PretrainStats {
  const log = o.onLog ?? (() => {});
  const tok = Tokenizer.bytes();
  const rng = new Rng(o.seed);
  const { files, ids } = corpusStream(o.corpusDir, tok);
  // the last 5 % of the stream is kept out of training to report a held-out loss
  const cut = Math.floor(ids.length * 0.95);
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
    if ((step + 1) % 25 === 0 || step === o.steps - 1) {
      const s = (performance.now() - t0) / 1000;
      log(
        `step ${step + 1}/${o.steps}  loss ${ema.toFixed(3)}  ${((B * T * (step + 1)) / s).toFixed(0)} tok/s  ${(s / 60).toFixed(1)} min`,
      );
    }
  }
  const seconds = (performance.now() - t0) / 1000;
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
  return {
    parameters: model.params.size,
    corpus_files: files,
    corpus_tokens: ids.length,
    tokens_seen: B * T * o.steps,
    steps: o.steps,
    final_loss: ema,
    heldout_loss: count ? sum / count : NaN,
    minutes: seconds / 60,
    tokens_per_s: (B * T * o.steps) / seconds,
    kernels: kernelName,
  };
}
