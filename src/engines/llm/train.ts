// The fine-tuning loop shared by the CLI and the lab screen: LoRA, QLoRA (NF4 base) or full
// fine-tuning with AdamW, warmup + cosine decay, gradient clipping and accumulation, periodic
// validation with early stopping (the best weights are kept), and a checkpoint written when the
// run is interrupted so that `resume` continues exactly where it stopped.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BatchSampler, encodeDataset, readJsonl, type Example } from './data.js';
import { evaluateLossParallel } from './eval.js';
import { loadModel, ModelFileError, saveAdapter, saveModel, writeModelfile, type LoadedModel } from './io.js';
import { LoraAdapter, type LoraConfig } from './lora.js';
import { nf4Bytes, type NF4Tensor } from './nf4.js';
import { AdamW, clipGradNorm, lrAt } from './optim.js';
import type { Projection } from './params.js';
import { targetCount } from './parallel/replica.js';
import { defaultThreads, ParallelRunner } from './parallel/runner.js';
import { Rng } from './rng.js';
import { readSafetensors, writeSafetensors, type TensorMap } from './safetensors.js';

import type { Method } from './defaults.js';
export type { Method };

export interface TrainOptions {
  method: Method;
  modelDir: string;
  dataFile: string;
  valFile?: string;
  outDir: string;
  rank: number;
  alpha: number;
  targets: Projection[];
  dropout: number;
  lr: number;
  steps?: number;
  epochs?: number;
  batch: number;
  gradAccum: number;
  warmup: number; // steps
  weightDecay: number;
  clip: number;
  seed: number;
  evalEvery: number;
  patience: number; // evaluations without improvement before stopping (0 = never stop early)
  minDelta: number;
  blockSize: number;
  resume: boolean;
  /** Worker threads (default: every core, os.availableParallelism()); results do not depend on it. */
  threads?: number;
  /** QLoRA: also quantise the NF4 absmax scales (8-bit, blocks of 256), as bitsandbytes' compress_statistics. */
  doubleQuant?: boolean;
}

export { TRAIN_DEFAULTS, defaultLr } from './defaults.js';

export interface StepEvent {
  step: number;
  loss: number;
  val_loss?: number;
  lr: number;
  tokens_per_s: number;
  grad_norm: number;
  epoch: number;
  elapsed_s: number;
  eta_s: number;
  total_steps: number;
}

export interface TrainInfo {
  method: Method;
  trainable_params: number;
  total_params: number;
  trainable_pct: number;
  /** PEFT's print_trainable_parameters() line. */
  peft_line: string;
  train_examples: number;
  val_examples: number;
  truncated: number;
  total_steps: number;
  base_memory_bytes: number;
  base_memory_fp32_bytes: number;
  /** Storage bits per quantised weight (4.5 NF4, ≈ 4.127 with double quantisation); null when nothing is quantised. */
  base_quant_bits_per_weight: number | null;
  double_quant: boolean;
  resumed_from_step: number | null;
}

export interface TrainSummary extends TrainInfo {
  adapter_bytes: number;
  base_bytes: number;
  val_loss_before: number | null;
  val_loss_after: number | null;
  train_loss_last: number;
  steps: number;
  tokens: number;
  tokens_per_s: number;
  seconds: number;
  stopped_early: boolean;
  interrupted: boolean;
  out: string;
  checkpoint: string | null;
  /** The Ollama Modelfile written next to the output (FROM the base, ADAPTER the adapter). */
  modelfile: string;
  /** The process's peak resident memory (RSS) so far: what the run really cost, next to the tensor bytes above. */
  peak_rss_bytes: number;
}

export interface TrainHooks {
  onStart?(info: TrainInfo): void;
  onStep?(e: StepEvent): void;
  onNote?(message: string): void;
  signal?: AbortSignal;
}

export class TrainError extends Error {}

export function peftLine(trainable: number, all: number): string {
  return `trainable params: ${trainable.toLocaleString('en-US')} || all params: ${all.toLocaleString('en-US')} || trainable%: ${((100 * trainable) / all).toFixed(4)}`;
}

interface Checkpoint {
  version: 1;
  fingerprint: string;
  step: number;
  rng: number[];
  sampler: { epoch: number; pos: number; order: number[] };
  adamT: number;
  bestVal: number | null;
  bad: number;
  valBefore: number | null;
  tokens: number;
  seconds: number;
  lastLoss: number;
}

function fingerprint(o: TrainOptions, totalSteps: number): string {
  return JSON.stringify([
    o.method,
    resolve(o.modelDir),
    resolve(o.dataFile),
    o.valFile ? resolve(o.valFile) : null,
    o.rank,
    o.alpha,
    o.targets,
    o.dropout,
    o.lr,
    totalSteps,
    o.batch,
    o.gradAccum,
    o.seed,
    o.blockSize,
    Boolean(o.doubleQuant),
  ]);
}

export async function train(opts: TrainOptions, hooks: TrainHooks = {}): Promise<TrainSummary> {
  const note = hooks.onNote ?? (() => {});
  const rng = new Rng(opts.seed);
  if (opts.doubleQuant && opts.method !== 'qlora')
    throw new TrainError('double quantisation applies to the NF4 base of QLoRA only (--method qlora)');
  const quant = { quantize: opts.method === 'qlora', doubleQuant: opts.method === 'qlora' && Boolean(opts.doubleQuant) };
  const loaded: LoadedModel = loadModel(opts.modelDir, quant);
  const { model, tokenizer } = loaded;
  const cfg = model.config;
  const block = Math.min(opts.blockSize, cfg.maxPositions);
  const trainSet = encodeDataset(tokenizer, readJsonl(opts.dataFile), block, opts.dataFile);
  const valSet = opts.valFile ? encodeDataset(tokenizer, readJsonl(opts.valFile), block, opts.valFile) : null;
  const truncated = trainSet.truncated + (valSet?.truncated ?? 0);
  if (truncated) note(`${truncated} example(s) were longer than ${block} tokens and were cut to fit`);

  const stepsPerEpoch = Math.max(1, Math.ceil(trainSet.examples.length / (opts.batch * opts.gradAccum)));
  const totalSteps = opts.steps ?? (opts.epochs ? Math.ceil(opts.epochs * stepsPerEpoch) : 100);
  if (!(totalSteps >= 1)) throw new TrainError('the run needs at least one step');

  // What trains: the adapter (LoRA, QLoRA) or every base tensor (full fine-tuning).
  let adapter: LoraAdapter | null = null;
  if (opts.method === 'full') {
    model.grads = model.params.zerosLike();
  } else {
    const lc: LoraConfig = {
      r: opts.rank,
      alpha: opts.alpha,
      dropout: opts.dropout,
      targets: opts.targets,
      layers: null,
      useRslora: false,
    };
    adapter = LoraAdapter.create(cfg, lc, rng);
    model.adapter = adapter;
    model.adapterGrads = adapter.params.zerosLike();
  }
  const trainable = adapter ? adapter.params.data : model.params.data;
  const grads = adapter ? model.adapterGrads! : model.grads!;
  // Weight decay applies to matrices only (not to norm gains), as nanoGPT and HF Trainer do.
  const decayMask = new Uint8Array(trainable.length);
  for (const s of (adapter ?? model).params.specs) if (s.shape.length >= 2) decayMask.fill(1, s.offset, s.offset + s.size);
  const opt = new AdamW(trainable.length, { lr: opts.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: opts.weightDecay });

  const baseCount = model.baseParamCount();
  const trainableCount = trainable.length;
  const allCount = adapter ? baseCount + trainableCount : baseCount;
  const sampler = new BatchSampler(trainSet.examples, opts.batch, rng);
  const ckptDir = join(resolve(opts.outDir), 'checkpoint');
  const fp = fingerprint(opts, totalSteps);

  let step = 0;
  let tokens = 0;
  let seconds = 0;
  let bestVal: number | null = null;
  let bad = 0;
  let valBefore: number | null = null;
  let lastLoss = NaN;
  let resumedFrom: number | null = null;
  let resumedBest: Float32Array | null = null;
  if (opts.resume) {
    if (!existsSync(join(ckptDir, 'state.json'))) throw new TrainError(`nothing to resume: ${ckptDir} has no checkpoint`);
    // A damaged checkpoint is the user's file, not a bug: say which file and how to start over.
    const damaged = (what: string) => new TrainError(`${what}: the checkpoint is damaged; rerun without --resume to start over`);
    let st: Checkpoint;
    try {
      st = JSON.parse(readFileSync(join(ckptDir, 'state.json'), 'utf8')) as Checkpoint;
    } catch (e) {
      throw damaged(`${join(ckptDir, 'state.json')} (${(e as Error).message})`);
    }
    if (!st || typeof st !== 'object') throw damaged(join(ckptDir, 'state.json'));
    if (st.fingerprint !== fp)
      throw new TrainError(
        `the checkpoint in ${ckptDir} was written by a run with different options; rerun with the same flags or without --resume`,
      );
    let t: TensorMap;
    try {
      t = readSafetensors(join(ckptDir, 'trainer.safetensors')).tensors;
    } catch (e) {
      throw e instanceof ModelFileError ? damaged(e.message) : e;
    }
    const saved = (name: string, optional = false): Float32Array | null => {
      const v = t.get(name)?.data;
      if (!v && optional) return null;
      if (!v || v.length !== trainable.length)
        throw damaged(`${join(ckptDir, 'trainer.safetensors')}: tensor ${name} is missing or has the wrong size`);
      return v;
    };
    trainable.set(saved('params')!);
    opt.m.set(saved('adam_m')!);
    opt.v.set(saved('adam_v')!);
    opt.t = st.adamT;
    resumedBest = saved('best', true);
    rng.setState(st.rng);
    sampler.restore(st.sampler);
    ({ step, tokens, seconds, bestVal, bad, valBefore, lastLoss } = st);
    resumedFrom = step;
    note(`resumed from step ${step} of ${totalSteps}`);
  }

  const memFp32 = baseCount * 4;
  const info: TrainInfo = {
    method: opts.method,
    trainable_params: trainableCount,
    total_params: allCount,
    trainable_pct: (100 * trainableCount) / allCount,
    peft_line: peftLine(trainableCount, allCount),
    train_examples: trainSet.examples.length,
    val_examples: valSet?.examples.length ?? 0,
    truncated,
    total_steps: totalSteps,
    base_memory_bytes: model.baseBytes(),
    base_memory_fp32_bytes: memFp32,
    base_quant_bits_per_weight: quantBits(model.quantized),
    double_quant: quant.doubleQuant,
    resumed_from_step: resumedFrom,
  };
  hooks.onStart?.(info);

  // Every step's examples are spread over the threads (parallel/runner.ts); closed when train() returns or throws.
  await using runner = await ParallelRunner.start(model, {
    trains: adapter ? 'adapter' : 'base',
    threads: opts.threads ?? defaultThreads(),
    onNote: note,
  });
  const valLoss = async (): Promise<number | null> => (valSet ? (await evaluateLossParallel(runner, valSet.examples)).loss : null);
  if (valBefore === null && step === 0) {
    valBefore = await valLoss();
    bestVal = valBefore;
  }
  let best: Float32Array | null = resumedBest ?? (bestVal !== null ? Float32Array.from(trainable) : null);
  let stoppedEarly = false;
  let interrupted = false;

  while (step < totalSteps) {
    if (hooks.signal?.aborted) {
      interrupted = true;
      break;
    }
    const t0 = performance.now();
    // the step's micro-batches, one shard per example; LoRA dropout masks come from one seed per example
    const examples = Array.from({ length: opts.gradAccum }, () => sampler.next() as Example[]).flat();
    const count = examples.reduce((a, e) => a + targetCount(e), 0);
    const seeds = adapter && opts.dropout > 0 ? examples.map(() => rng.nextU32()) : null;
    const { sum } = await runner.lossAndGrad(examples, count ? 1 / count : 0, grads, seeds);
    tokens += examples.reduce((a, e) => a + e.ids.length, 0);
    const gradNorm = clipGradNorm(grads, opts.clip);
    const lr = lrAt(step, opts.lr, opts.warmup, totalSteps);
    opt.step(trainable, grads, lr, decayMask);
    step++;
    lastLoss = count ? sum / count : NaN;
    const dt = (performance.now() - t0) / 1000;
    seconds += dt;
    let val: number | undefined;
    if (valSet && (step % opts.evalEvery === 0 || step === totalSteps)) {
      const t1 = performance.now();
      val = (await valLoss())!;
      seconds += (performance.now() - t1) / 1000;
      if (bestVal === null || val < bestVal - opts.minDelta) {
        bestVal = val;
        best = Float32Array.from(trainable);
        bad = 0;
      } else bad++;
    }
    const rate = tokens / Math.max(seconds, 1e-9);
    hooks.onStep?.({
      step,
      loss: lastLoss,
      ...(val !== undefined ? { val_loss: val } : {}),
      lr,
      tokens_per_s: rate,
      grad_norm: gradNorm,
      epoch: sampler.epoch,
      elapsed_s: seconds,
      eta_s: (seconds / step) * (totalSteps - step),
      total_steps: totalSteps,
    });
    if (val !== undefined && opts.patience > 0 && bad >= opts.patience) {
      stoppedEarly = true;
      note(`early stop at step ${step}: validation loss has not improved for ${bad} evaluations`);
      break;
    }
    // let signals (Ctrl-C) and UI updates through between steps
    await new Promise((r) => setImmediate(r));
  }

  const out = resolve(opts.outDir);
  mkdirSync(out, { recursive: true });
  let checkpoint: string | null = null;
  if (interrupted) {
    mkdirSync(ckptDir, { recursive: true });
    const saved: TensorMap = new Map([
      ['params', { shape: [trainable.length], data: trainable }],
      ['adam_m', { shape: [trainable.length], data: opt.m }],
      ['adam_v', { shape: [trainable.length], data: opt.v }],
    ]);
    if (best) saved.set('best', { shape: [trainable.length], data: best });
    writeSafetensors(join(ckptDir, 'trainer.safetensors'), saved);
    const st: Checkpoint = {
      version: 1,
      fingerprint: fp,
      step,
      rng: rng.getState(),
      sampler: sampler.position,
      adamT: opt.t,
      bestVal,
      bad,
      valBefore,
      tokens,
      seconds,
      lastLoss,
    };
    writeFileSync(join(ckptDir, 'state.json'), JSON.stringify(st) + '\n');
    checkpoint = ckptDir;
    note(`interrupted at step ${step}/${totalSteps}: checkpoint saved in ${ckptDir} (continue with --resume)`);
  } else {
    if (existsSync(ckptDir)) rmSync(ckptDir, { recursive: true, force: true });
    // keep the weights with the best validation loss
    if (best && bestVal !== null) trainable.set(best);
  }
  const valAfter = interrupted ? await valLoss() : bestVal;
  let outBytes: number;
  if (adapter) outBytes = saveAdapter(out, adapter, loaded.dir, quant);
  else outBytes = saveModel(out, model, tokenizer);
  const modelfile = writeModelfile(out, { baseDir: loaded.dir, adapter: Boolean(adapter) });
  return {
    ...info,
    adapter_bytes: outBytes,
    base_bytes: statSync(join(loaded.dir, 'model.safetensors')).size,
    val_loss_before: valBefore,
    val_loss_after: valAfter,
    train_loss_last: lastLoss,
    steps: step,
    tokens,
    tokens_per_s: tokens / Math.max(seconds, 1e-9),
    seconds,
    stopped_early: stoppedEarly,
    interrupted,
    out,
    checkpoint,
    modelfile,
    peak_rss_bytes: peakRssBytes(),
  };
}

/** Storage bits per weight over all NF4 tensors, or null when the base is not quantised. */
function quantBits(q: Map<string, NF4Tensor> | null): number | null {
  if (!q?.size) return null;
  let bytes = 0;
  let n = 0;
  for (const t of q.values()) {
    bytes += nf4Bytes(t);
    n += t.length;
  }
  return (bytes * 8) / n;
}

/** Peak resident set size of this process in bytes (getrusage's ru_maxrss, which Node reports in KiB). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
