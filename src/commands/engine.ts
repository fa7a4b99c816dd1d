// Implementations of `ftlab train | eval-model | generate | merge | tokenize` (flags are declared in
// src/cli/flags/engine.ts). Data goes to stdout (JSON with --json), messages to stderr.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { contentRoot } from '../shared/paths.js';
import { note, printJson } from '../shared/output.js';
import { FailedError, UsageError } from '../shared/errors.js';
import { DatasetError, DatasetFileError, encodeDataset, readJsonl } from '../engines/llm/data.js';
import { evaluateLossParallel } from '../engines/llm/eval.js';
import { defaultThreads, ParallelRunner } from '../engines/llm/parallel/runner.js';
import { chatPromptIds, generateStream, InferenceModel } from '../engines/llm/generate.js';
import {
  adapterBaseQuantization,
  baseReference,
  loadAdapter,
  loadModel,
  parseQuantizationTag,
  quantizationTag,
  saveModel,
  type LoadedModel,
  type QuantizeOptions,
} from '../engines/llm/io.js';
import { mergedWeights } from '../engines/llm/lora.js';
import { withWeights } from '../engines/llm/model.js';
import { PROJECTIONS, type Projection } from '../engines/llm/params.js';
import { TRAIN_DEFAULTS, TrainError, defaultLr, train, type Method, type StepEvent } from '../engines/llm/train.js';

// Flags as commander hands them over (strings; booleans for switches; string[] for repeatable ones).
/** Flags every engine command may see (global ones included). */
interface CommonFlags {
  content?: string;
  model?: string;
  adapter?: string;
  json?: boolean;
}
type Opts = CommonFlags;
export interface TrainFlags extends CommonFlags {
  method?: string;
  data?: string;
  val?: string;
  rank?: string;
  alpha?: string;
  targets?: string;
  dropout?: string;
  lr?: string;
  steps?: string;
  epochs?: string;
  batch?: string;
  gradAccum?: string;
  warmup?: string;
  weightDecay?: string;
  clip?: string;
  evalEvery?: string;
  patience?: string;
  block?: string;
  seed?: string;
  out?: string;
  resume?: boolean;
  doubleQuant?: boolean;
  threads?: string;
}
export interface EvalFlags extends CommonFlags {
  data?: string;
  format?: string;
  quantize?: string;
  threads?: string;
}
export interface GenerateFlags extends CommonFlags {
  prompt?: string;
  system?: string;
  raw?: boolean;
  maxTokens?: string;
  temperature?: string;
  topK?: string;
  topP?: string;
  seed?: string;
  stop?: string[];
  quantize?: string;
}
export interface MergeFlags extends CommonFlags {
  out?: string;
}
export interface TokenizeFlags extends CommonFlags {
  text?: string;
  file?: string;
  /** commander's --no-special: false when given. */
  special?: boolean;
  noSpecial?: boolean;
}

/** Where the shipped lab lives: <content root>/labs/lora. */
export function labDir(opts: Opts): string {
  return join(contentRoot(opts.content), 'labs', 'lora');
}

export function defaultModelDir(opts: Opts): string {
  return join(labDir(opts), 'base');
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function num(v: unknown, flag: string, check: (n: number) => boolean = Number.isFinite, what = 'a number'): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n) || !check(n))
    throw new UsageError(`${flag} must be ${what} (got ${JSON.stringify(v)})`);
  return n;
}
const posInt = (v: unknown, flag: string) => num(v, flag, (n) => Number.isInteger(n) && n >= 1, 'a positive integer');

/** Translates engine errors into the CLI's exit codes. */
async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DatasetFileError)
      throw new FailedError(
        e.message,
        "check the path; the LoRA lab's datasets are in labs/lora/data (ftlab train with no --data uses them)",
      );
    if (e instanceof DatasetError)
      throw new FailedError(
        `invalid dataset:\n${e.message}`,
        'each line must be one JSON object in the messages, prompt/completion, instruction/output or text format',
      );
    // ModelFileError is a FailedError that carries its own hint (which flag, what to do)
    if (e instanceof UsageError || e instanceof FailedError) throw e;
    if (e instanceof TrainError) throw new FailedError(e.message);
    const err = e as NodeJS.ErrnoException;
    if (err?.code === 'ENOENT') throw new FailedError(err.message);
    throw e;
  }
}

/**
 * The base an adapter names in adapter_config.json (base_model_name_or_path, which ftlab writes relative
 * to the adapter folder), when that folder is on this machine: PEFT's AutoPeftModel loads the same one.
 * Without it, an adapter trained on another base of the same shape would run on the shipped model and
 * print fluent-looking garbage.
 */
function adapterBase(adapter: string | undefined): string | undefined {
  if (!adapter) return undefined;
  try {
    const raw: unknown = JSON.parse(readFileSync(join(resolve(adapter), 'adapter_config.json'), 'utf8'));
    const ref = raw && typeof raw === 'object' ? (raw as { base_model_name_or_path?: unknown }).base_model_name_or_path : undefined;
    if (typeof ref !== 'string' || !ref) return undefined;
    const dir = resolve(resolve(adapter), ref);
    return existsSync(join(dir, 'config.json')) ? dir : undefined;
  } catch {
    return undefined; // loadAdapter reports an unreadable adapter folder properly
  }
}

function load(opts: Opts & { adapter?: string }, quant: QuantizeOptions = {}): LoadedModel {
  const recorded = opts.model ? undefined : adapterBase(opts.adapter);
  const dir = opts.model ? resolve(opts.model) : (recorded ?? defaultModelDir(opts));
  if (recorded && realpathOr(recorded) !== realpathOr(defaultModelDir(opts)))
    note(`using the adapter's base model ${recorded} (its base_model_name_or_path; --model DIR picks another)`);
  if (!existsSync(dir))
    throw new UsageError(`model folder not found: ${dir}`, 'pass --model DIR with config.json, model.safetensors and tokenizer.json');
  return loadModel(dir, quant);
}

/**
 * How to hold the base for eval-model and generate: as --quantize says, or else as the adapter was
 * trained (a QLoRA adapter records its NF4 base in its safetensors metadata), or else fp32.
 */
function baseQuantization(flag: string | undefined, adapterDir: string | undefined): QuantizeOptions {
  if (flag !== undefined) {
    if (flag === 'none') return {};
    const q = parseQuantizationTag(flag);
    if (!q) throw new UsageError(`--quantize must be none, nf4 or nf4-double-quant (got ${JSON.stringify(flag)})`);
    return q;
  }
  const q = adapterDir ? adapterBaseQuantization(adapterDir) : null;
  if (q)
    note(`the adapter was trained on an NF4 base (${quantizationTag(q)}): the base is quantised the same way (--quantize none for fp32)`);
  return q ?? {};
}

function parseTargets(v: string): Projection[] {
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 1 && list[0] === 'all') return [...PROJECTIONS];
  for (const t of list)
    if (!PROJECTIONS.includes(t as Projection))
      throw new UsageError(`--targets: unknown module "${t}"`, `choose from ${PROJECTIONS.join(', ')} (or "all")`);
  return list as Projection[];
}

// ---- train ------------------------------------------------------------------------------------

export async function runTrain(opts: TrainFlags): Promise<void> {
  const method = (opts.method ?? 'lora') as Method;
  if (!['lora', 'qlora', 'full'].includes(method)) throw new UsageError(`--method must be lora, qlora or full (got ${method})`);
  if (opts.doubleQuant && method !== 'qlora')
    throw new UsageError('--double-quant quantises the NF4 base of QLoRA', 'add --method qlora, or leave out --double-quant');
  if (opts.steps !== undefined && opts.epochs !== undefined) throw new UsageError('pass either --steps or --epochs, not both');
  const lab = labDir(opts);
  const dataFile = resolve(opts.data ?? join(lab, 'data/train.jsonl'));
  // validation defaults to the lab's file only when training on the lab's data
  const valFile = opts.val ? resolve(opts.val) : opts.data ? undefined : join(lab, 'data/val.jsonl');
  const trainOpts = {
    method,
    modelDir: opts.model ? resolve(opts.model) : defaultModelDir(opts),
    dataFile,
    valFile,
    outDir: resolve(opts.out ?? `ftlab-${method}-out`),
    rank: posInt(opts.rank ?? TRAIN_DEFAULTS.rank, '--rank'),
    alpha: num(opts.alpha ?? TRAIN_DEFAULTS.alpha, '--alpha', (n) => n > 0, 'a positive number'),
    targets: parseTargets(opts.targets ?? TRAIN_DEFAULTS.targets.join(',')),
    dropout: num(opts.dropout ?? TRAIN_DEFAULTS.dropout, '--dropout', (n) => n >= 0 && n < 1, 'in [0, 1)'),
    lr: num(opts.lr ?? defaultLr(method), '--lr', (n) => n > 0, 'a positive number'),
    steps: opts.steps !== undefined ? posInt(opts.steps, '--steps') : opts.epochs === undefined ? TRAIN_DEFAULTS.steps : undefined,
    epochs: opts.epochs !== undefined ? num(opts.epochs, '--epochs', (n) => n > 0, 'a positive number') : undefined,
    batch: posInt(opts.batch ?? TRAIN_DEFAULTS.batch, '--batch'),
    gradAccum: posInt(opts.gradAccum ?? TRAIN_DEFAULTS.gradAccum, '--grad-accum'),
    warmup: num(opts.warmup ?? TRAIN_DEFAULTS.warmup, '--warmup', (n) => Number.isInteger(n) && n >= 0, 'a whole number of steps'),
    weightDecay: num(opts.weightDecay ?? TRAIN_DEFAULTS.weightDecay, '--weight-decay', (n) => n >= 0, 'non-negative'),
    clip: num(opts.clip ?? TRAIN_DEFAULTS.clip, '--clip', (n) => n >= 0, 'non-negative (0 = off)'),
    seed: num(opts.seed ?? TRAIN_DEFAULTS.seed, '--seed', Number.isInteger, 'an integer'),
    evalEvery: posInt(opts.evalEvery ?? TRAIN_DEFAULTS.evalEvery, '--eval-every'),
    patience: num(
      opts.patience ?? TRAIN_DEFAULTS.patience,
      '--patience',
      (n) => Number.isInteger(n) && n >= 0,
      'a whole number (0 = no early stop)',
    ),
    minDelta: TRAIN_DEFAULTS.minDelta,
    blockSize: posInt(opts.block ?? TRAIN_DEFAULTS.blockSize, '--block'),
    threads: posInt(opts.threads ?? defaultThreads(), '--threads'),
    resume: Boolean(opts.resume),
    doubleQuant: Boolean(opts.doubleQuant),
  };
  const json = Boolean(opts.json);
  const ac = new AbortController();
  let interruptCode = 130; // 128 + the signal's number, as shells report it
  const onSignal = (sig: NodeJS.Signals) => {
    if (!ac.signal.aborted) interruptCode = sig === 'SIGTERM' ? 143 : 130;
    if (!ac.signal.aborted) note('\nstopping after this step; writing a checkpoint…');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = Boolean(process.stderr.isTTY) && !json;
  let lastPrinted = 0;
  try {
    const summary = await guard(() =>
      train(trainOpts, {
        signal: ac.signal,
        onNote: (m) => note(m),
        onStart: (info) => {
          note(`${info.method}: ${info.peft_line}`);
          note(`${info.train_examples} training / ${info.val_examples} validation examples, ${info.total_steps} steps`);
          if (info.method === 'qlora')
            note(
              `base weights in memory: ${mb(info.base_memory_bytes)} with the projections as NF4 at ${info.base_quant_bits_per_weight?.toFixed(3)} bits per weight${info.double_quant ? ' (double-quantised scales)' : ''} (fp32 would be ${mb(info.base_memory_fp32_bytes)})`,
            );
        },
        onStep: (e) => {
          if (json) {
            const line: Record<string, number> = { step: e.step, loss: round(e.loss) };
            if (e.val_loss !== undefined) line.val_loss = round(e.val_loss);
            Object.assign(line, {
              lr: e.lr,
              tokens_per_s: Math.round(e.tokens_per_s),
              grad_norm: round(e.grad_norm),
              eta_s: Math.round(e.eta_s),
            });
            process.stdout.write(JSON.stringify(line) + '\n');
          } else if (tty) {
            process.stderr.write(`\r${progressLine(e)}`);
            if (e.val_loss !== undefined) process.stderr.write(`\n`);
          } else if (e.val_loss !== undefined || e.step - lastPrinted >= 10 || e.step === e.total_steps) {
            lastPrinted = e.step;
            note(progressLine(e));
          }
        },
      }),
    );
    if (tty) process.stderr.write('\n');
    const out = {
      trainable_params: summary.trainable_params,
      total_params: summary.total_params,
      trainable_pct: summary.trainable_pct,
      adapter_bytes: summary.adapter_bytes,
      base_bytes: summary.base_bytes,
      val_loss_before: summary.val_loss_before,
      val_loss_after: summary.val_loss_after,
      seconds: round(summary.seconds, 2),
      out: summary.out,
      method: summary.method,
      peft_line: summary.peft_line,
      steps: summary.steps,
      total_steps: summary.total_steps,
      tokens: summary.tokens,
      tokens_per_s: Math.round(summary.tokens_per_s),
      train_loss_last: summary.train_loss_last,
      base_memory_bytes: summary.base_memory_bytes,
      base_memory_fp32_bytes: summary.base_memory_fp32_bytes,
      base_quant_bits_per_weight: summary.base_quant_bits_per_weight,
      double_quant: summary.double_quant,
      peak_rss_bytes: summary.peak_rss_bytes,
      stopped_early: summary.stopped_early,
      interrupted: summary.interrupted,
      checkpoint: summary.checkpoint,
      resumed_from_step: summary.resumed_from_step,
      modelfile: summary.modelfile,
    };
    if (json) process.stdout.write(JSON.stringify(out) + '\n');
    else {
      const kind = method === 'full' ? 'model' : 'adapter';
      console.log(
        `${summary.interrupted ? 'interrupted' : 'done'}: ${summary.steps}/${summary.total_steps} steps in ${summary.seconds.toFixed(1)} s (${Math.round(summary.tokens_per_s)} tokens/s)${summary.stopped_early ? ', stopped early' : ''}`,
      );
      if (summary.val_loss_before !== null)
        console.log(`validation loss ${summary.val_loss_before.toFixed(4)} → ${summary.val_loss_after?.toFixed(4)}`);
      console.log(`${kind} written to ${summary.out} (${kb(summary.adapter_bytes)}; base model.safetensors ${kb(summary.base_bytes)})`);
      // tensor bytes are what the method changes; the process's peak RSS is what the run really used
      console.log(`memory: base weights ${mb(summary.base_memory_bytes)} as held · process peak RSS ${mb(summary.peak_rss_bytes)}`);
      console.log(`Ollama: ollama create my-model -f ${summary.modelfile}`);
      if (summary.checkpoint) console.log(`resume with the same flags plus --resume`);
    }
    if (summary.interrupted) process.exitCode = interruptCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function progressLine(e: StepEvent): string {
  const width = 20;
  const done = Math.round((width * e.step) / e.total_steps);
  const bar = '#'.repeat(done) + '-'.repeat(width - done);
  const val = e.val_loss !== undefined ? ` val ${e.val_loss.toFixed(4)}` : '';
  return `[${bar}] step ${e.step}/${e.total_steps} loss ${e.loss.toFixed(4)}${val} lr ${e.lr.toExponential(2)} ${Math.round(e.tokens_per_s)} tok/s eta ${Math.round(e.eta_s)}s`;
}

const round = (x: number, d = 6) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);
const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const mb = (b: number) => `${(b / 1048576).toFixed(2)} MiB`;

// ---- eval-model -------------------------------------------------------------------------------

export async function runEvalModel(opts: EvalFlags): Promise<void> {
  await guard(async () => {
    if (!opts.data) throw new UsageError('--data F.jsonl is required');
    const threads = posInt(opts.threads ?? defaultThreads(), '--threads');
    const { model, tokenizer } = load(opts, baseQuantization(opts.quantize, opts.adapter && resolve(opts.adapter)));
    if (opts.adapter) model.adapter = loadAdapter(resolve(opts.adapter), model.config).adapter;
    const file = resolve(opts.data);
    const records = readJsonl(file);
    const { examples, truncated } = encodeDataset(tokenizer, records, model.config.maxPositions, file);
    if (truncated) note(`${truncated} record(s) were longer than the model's ${model.config.maxPositions}-token context and were cut`);
    const r = await (async () => {
      await using runner = await ParallelRunner.start(model, { trains: 'none', threads, onNote: note });
      return await evaluateLossParallel(runner, examples);
    })();
    const result: Record<string, unknown> = { loss: r.loss, perplexity: r.perplexity, tokens: r.tokens };
    let report: import('../engines/labs/lora/task.js').TicketReport | null = null;
    if (opts.format) {
      if (opts.format !== 'ticket') throw new UsageError(`--format: unknown scorer "${opts.format}" (available: ticket)`);
      const { scoreTickets, taskOfRecords, TaskError } = await import('../engines/labs/lora/task.js');
      let task;
      try {
        task = taskOfRecords(records);
      } catch (e) {
        if (e instanceof TaskError)
          throw new UsageError(
            `--format ticket: ${e.message}`,
            'each record needs an expected answer of "label: value" lines, as in labs/lora/data',
          );
        throw e;
      }
      // generation merges the adapter into a copy of the weights instead of running it unmerged
      const adapter = model.adapter;
      model.adapter = null;
      const im = new InferenceModel(model, adapter);
      report = await scoreTickets(im, tokenizer, records, { task });
      const perLabel = Object.entries(report.labels);
      Object.assign(result, {
        format_compliance: report.format_compliance,
        // <label>_accuracy (category_accuracy, priority_accuracy) and the majority baseline of each label
        ...Object.fromEntries(perLabel.map(([k, v]) => [`${k}_accuracy`, v.accuracy])),
        labels: report.labels,
        exact_match: report.exact_match,
        exact_match_majority: report.exact_match_majority,
        samples: report.samples,
      });
    }
    if (opts.json) printJson(result);
    else {
      console.log(`loss ${r.loss.toFixed(6)}  perplexity ${r.perplexity.toFixed(4)}  tokens ${r.tokens}`);
      if (report) {
        const p = (x: number) => `${(100 * x).toFixed(1)}%`;
        console.log(`format compliance ${p(report.format_compliance)} of ${report.n}`);
        for (const [k, v] of Object.entries(report.labels))
          console.log(`${k} accuracy ${p(v.accuracy)}  (majority baseline ${p(v.majority.accuracy)}: always "${v.majority.value}")`);
        const guessing = Object.entries(report.labels).filter(([, v]) => v.accuracy <= v.majority.accuracy);
        if (report.format_compliance >= 0.5 && guessing.length)
          console.log(
            `the answers have the format, but ${guessing.map(([k]) => k).join(' and ')} ${guessing.length > 1 ? 'are' : 'is'} no better than always giving the most common value`,
          );
      }
    }
  });
}

// ---- generate ---------------------------------------------------------------------------------

export async function runGenerate(opts: GenerateFlags): Promise<void> {
  await guard(async () => {
    if (opts.prompt === undefined) throw new UsageError('--prompt TEXT is required');
    const { model, tokenizer } = load(opts, baseQuantization(opts.quantize, opts.adapter && resolve(opts.adapter)));
    const adapter = opts.adapter ? loadAdapter(resolve(opts.adapter), model.config).adapter : null;
    const im = new InferenceModel(model, adapter);
    const ids = opts.raw
      ? tokenizer.encode(String(opts.prompt))
      : chatPromptIds(tokenizer, [
          ...(opts.system ? [{ role: 'system' as const, content: String(opts.system) }] : []),
          { role: 'user', content: String(opts.prompt) },
        ]);
    const sample = {
      maxTokens: posInt(opts.maxTokens ?? 128, '--max-tokens'),
      temperature: num(opts.temperature ?? 0.8, '--temperature', (n) => n >= 0, 'non-negative (0 = greedy)'),
      topK: num(opts.topK ?? 0, '--top-k', (n) => Number.isInteger(n) && n >= 0, 'a whole number (0 = off)'),
      topP: num(opts.topP ?? 1, '--top-p', (n) => n > 0 && n <= 1, 'in (0, 1]'),
      seed: num(opts.seed ?? 0, '--seed', Number.isInteger, 'an integer'),
      stop: (opts.stop ?? []) as string[],
    };
    const it = generateStream(im, tokenizer, ids, sample);
    for (;;) {
      const r = await it.next();
      if (r.done) {
        const g = r.value;
        if (opts.json)
          printJson({
            text: g.text,
            tokens: g.tokens.length,
            prompt_tokens: g.promptTokens,
            done_reason: g.doneReason,
            seconds: g.seconds,
          });
        else process.stdout.write('\n');
        break;
      }
      if (!opts.json) process.stdout.write(r.value.text);
    }
  });
}

// ---- merge ------------------------------------------------------------------------------------

export async function runMerge(opts: MergeFlags): Promise<void> {
  await guard(async () => {
    if (!opts.adapter) throw new UsageError('--adapter DIR is required');
    if (!opts.out) throw new UsageError('--out DIR is required');
    const { model, tokenizer, dir } = load(opts);
    const out = resolve(opts.out);
    if (out === dir) throw new UsageError('--out must differ from --model (the base stays unchanged)');
    const { adapter } = loadAdapter(resolve(opts.adapter), model.config);
    const merged = withWeights(
      model,
      mergedWeights(adapter, (n) => model.params.view(n)),
    );
    // the adapter's path relative to the merged folder: no absolute path of this machine in a file meant to travel
    const bytes = saveModel(out, merged, tokenizer, { merged_from: baseReference(out, resolve(opts.adapter)) });
    // prove it: merged logits equal base + adapter on a probe text
    const probe = Int32Array.from(tokenizer.encode('User: Is the merged model the same function?\nAssistant:'));
    model.adapter = adapter;
    model.forward(probe, null, 1, probe.length);
    const a = Float32Array.from(model.lastLogits(1, probe.length));
    merged.forward(probe, null, 1, probe.length);
    const b = merged.lastLogits(1, probe.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    const result = { out, bytes, merged_modules: adapter.modules.length, scaling: adapter.scaling, max_abs_logit_diff: maxDiff };
    if (opts.json) printJson(result);
    else
      console.log(
        `merged ${adapter.modules.length} projections (scaling ${adapter.scaling}) into ${out}; max |logit difference| vs base+adapter ${maxDiff.toExponential(2)}`,
      );
  });
}

// ---- tokenize ---------------------------------------------------------------------------------

export async function runTokenize(opts: TokenizeFlags): Promise<void> {
  await guard(async () => {
    if ((opts.text === undefined) === (opts.file === undefined)) throw new UsageError('pass exactly one of --text TEXT or --file F');
    const dir = opts.model ? resolve(opts.model) : defaultModelDir(opts);
    const { Tokenizer } = await import('../engines/llm/tokenizer.js');
    const tokPath = join(dir, 'tokenizer.json');
    if (!existsSync(tokPath)) throw new FailedError(`${tokPath} not found`);
    const tok = Tokenizer.fromFile(tokPath);
    const text = opts.text !== undefined ? String(opts.text) : readFileSync(resolve(opts.file!), 'utf8');
    const ids = tok.encode(text, { addSpecial: !opts.noSpecial });
    const tokens = tok.tokenStrings(ids);
    if (opts.json) printJson({ ids, tokens });
    else {
      console.log(`${ids.length} tokens`);
      console.log(ids.join(' '));
    }
  });
}
