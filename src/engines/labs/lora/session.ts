// What the LoRA lab's screen drives: a fine-tuning run of `ftlab train --json` in a child process
// (always cleaned up, even if this process is killed with -9: children watch a pipe to it; stop = SIGINT,
// which makes the CLI checkpoint; training again with the same settings resumes from that checkpoint),
// its parsed JSON lines, an ETA, before/after evaluation on held-out tickets (format compliance and
// label accuracy next to the majority baseline with the lab's scorer, ROUGE-L against the reference
// answers, greedy generations) and a table of finished runs per method.
// No UI here; the screen subscribes to `change` events and renders `state`.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../../../shared/paths.js';
import { rougeScoreTokenize } from '../../metrics/rouge/tokenize.js';
import { scoreLcs } from '../../metrics/rouge/score.js';
import { onStopChildren, watchedChildOptions } from '../../../shared/parent-watch.js';

import { METHODS, PROJECTIONS, TRAIN_DEFAULTS as D, defaultLr, type Method } from '../../llm/defaults.js';

export { METHODS, PROJECTIONS as ALL_TARGETS, type Method };

export interface TrainConfig {
  method: Method;
  rank: number;
  alpha: number;
  targets: string[];
  lr: number;
  steps: number;
}

/** The lab's default job: `ftlab train` with no flags (src/engines/llm/defaults.ts). */
export const DEFAULT_CONFIG: TrainConfig = { method: D.method, rank: D.rank, alpha: D.alpha, targets: [...D.targets], lr: defaultLr(D.method), steps: D.steps };

/** One JSON line of `ftlab train --json` while training. */
export interface StepPoint {
  step: number;
  loss: number;
  val_loss?: number;
  lr: number;
  tokens_per_s: number;
}

/** The summary object `ftlab train --json` prints last. */
export interface TrainSummary {
  trainable_params: number;
  total_params: number;
  trainable_pct: number;
  adapter_bytes: number;
  base_bytes: number;
  val_loss_before: number | null;
  val_loss_after: number | null;
  seconds: number;
  out: string;
  method: Method;
  peft_line: string;
  steps: number;
  total_steps: number;
  tokens_per_s: number;
  base_memory_bytes: number;
  base_memory_fp32_bytes: number;
  stopped_early: boolean;
  interrupted: boolean;
  checkpoint: string | null;
  /** The process's peak RSS (absent from summaries of older ftlab versions). */
  peak_rss_bytes?: number;
  resumed_from_step?: number | null;
}

export interface EvalSample {
  prompt: string;
  output: string;
  expected: string | null;
  format_ok: boolean;
}

/** Accuracy of one label (category, priority) and its majority baseline on the same tickets. */
export interface LabelScore {
  accuracy: number;
  /** The most common expected value, and the accuracy of always answering it. */
  majority: string;
  majority_accuracy: number;
}

export interface EvalResult {
  n: number;
  loss: number;
  format_compliance: number;
  /** Per label, in the task's order. */
  labels: Record<string, LabelScore>;
  rouge_l: number; // mean ROUGE-L F1 of the generated answer against the reference answer
  samples: EvalSample[];
}

/** The lab's pass rule for labels (lora-label-accuracy's args in lab.yaml). */
export interface LabelRule {
  min_accuracy: number;
  min_margin: number;
}

/**
 * What the after-run scores say, plainly. `format-only`: some label is no better than always giving its
 * most common value (what a constant answer scores); `below-bar`: every label beats that, but not by the
 * lab's rule; `learned`: every label meets the rule (or, without a rule, beats the baseline).
 */
export type Verdict =
  | { kind: 'no-format' }
  | { kind: 'format-only'; labels: string[] }
  | { kind: 'below-bar'; labels: string[] }
  | { kind: 'learned' };

export function verdictOf(after: EvalResult, rule: LabelRule | null): Verdict {
  if (after.format_compliance < 0.5) return { kind: 'no-format' };
  const entries = Object.entries(after.labels);
  const guessed = entries.filter(([, l]) => l.accuracy <= l.majority_accuracy).map(([k]) => k);
  if (guessed.length) return { kind: 'format-only', labels: guessed };
  const short = rule ? entries.filter(([, l]) => l.accuracy < Math.max(rule.min_accuracy, l.majority_accuracy + rule.min_margin) - 1e-9).map(([k]) => k) : [];
  return short.length ? { kind: 'below-bar', labels: short } : { kind: 'learned' };
}

/** lora-label-accuracy's rule from the lab's lab.yaml, or null when the lab has no such check. */
export function readLabelRule(contentRoot: string): LabelRule | null {
  try {
    const lab = parseYaml(readFileSync(join(contentRoot, 'labs', 'lora', 'lab.yaml'), 'utf8')) as { steps?: Array<{ checks?: Array<{ kind: string; args?: Partial<LabelRule> }> }> };
    const args = lab.steps?.flatMap((st) => st.checks ?? []).find((ch) => ch.kind === 'lora-label-accuracy')?.args;
    return typeof args?.min_accuracy === 'number' && typeof args.min_margin === 'number' ? { min_accuracy: args.min_accuracy, min_margin: args.min_margin } : null;
  } catch {
    return null;
  }
}

export type RunStatus = 'starting' | 'training' | 'stopping' | 'evaluating' | 'done' | 'interrupted' | 'failed';

export interface RunState {
  config: TrainConfig;
  status: RunStatus;
  out: string;
  peftLine?: string;
  totalSteps: number;
  points: StepPoint[];
  tokensPerS?: number;
  etaS?: number;
  summary?: TrainSummary;
  after?: EvalResult;
  error?: string;
  /** This run continued an interrupted one from its checkpoint, at this step. */
  resumedFrom?: number;
  /** This run started from step 0 although the previous one stopped with a checkpoint (settings changed): that run's step. */
  freshAfterStop?: number;
}

/** One finished run in the side-by-side comparison (the latest per method). */
export interface ComparisonRow {
  method: Method;
  config: TrainConfig;
  trainable_params: number;
  trainable_pct: number;
  base_memory_bytes: number; // frozen weights as held in memory (NF4 for QLoRA)
  memory_bytes: number; // weights + gradients + AdamW moments (see trainingMemoryBytes)
  output_bytes: number; // adapter file, or the whole model for full fine-tuning
  seconds: number;
  val_loss: number | null;
  format_compliance?: number;
  /** Held-out accuracy per label, e.g. { category: 0.95, priority: 0.9 }. */
  label_accuracy?: Record<string, number>;
  peak_rss_bytes?: number;
}

export interface LoraLabState {
  config: TrainConfig;
  /** The lab's pass rule for label accuracy, to say whether a run meets it. */
  labelRule: LabelRule | null;
  run?: RunState;
  base?: EvalResult;
  baseStatus: 'idle' | 'running' | 'done' | 'failed';
  comparison: ComparisonRow[];
  log: string[];
}

/** Seconds left, from the wall-clock time the finished steps took (null before the first step). */
export function estimateEta(elapsedS: number, step: number, totalSteps: number): number | null {
  if (step <= 0 || totalSteps <= 0) return null;
  return Math.max(0, (elapsedS / step) * (totalSteps - step));
}

/**
 * Memory a run needs for its parameters, activations left out: the model's weights as held (NF4 for
 * QLoRA's frozen base; for full fine-tuning these are the trained weights), plus for every trainable
 * parameter a gradient and AdamW's two moments in fp32 (12 bytes), plus the adapter's own fp32 weights
 * (4 bytes each) when the trained parameters are separate from the base.
 */
export function trainingMemoryBytes(method: Method, baseMemoryBytes: number, trainableParams: number): number {
  return baseMemoryBytes + trainableParams * 12 + (method === 'full' ? 0 : trainableParams * 4);
}

/** Mean ROUGE-L F1 of outputs against references (rouge-score tokenisation, no stemming). */
export function meanRougeL(pairs: Array<{ output: string; expected: string | null }>): number {
  const scored = pairs.filter((p) => p.expected !== null);
  if (!scored.length) return 0;
  const sum = scored.reduce((acc, p) => acc + scoreLcs(rougeScoreTokenize(p.expected ?? '', false), rougeScoreTokenize(p.output, false)).fmeasure, 0);
  return sum / scored.length;
}

/** `ftlab train` flags for a configuration. */
export function trainArgs(c: TrainConfig, out: string): string[] {
  return ['--method', c.method, '--rank', String(c.rank), '--alpha', String(c.alpha), '--targets', c.targets.join(','), '--lr', String(c.lr), '--steps', String(c.steps), '--out', out];
}

/** Same settings, so `ftlab train --resume` accepts the checkpoint (its fingerprint covers them). */
export function sameConfig(a: TrainConfig, b: TrainConfig): boolean {
  return trainArgs(a, '').join('\0') === trainArgs(b, '').join('\0');
}

export interface LoraLabOptions {
  contentRoot: string;
  /** FTLAB_HOME: runs are kept under <home>/labs/lora/runs; without it a temp dir removed on dispose. */
  home?: string;
  /** Held-out tickets scored before/after (a prefix of heldout.jsonl; default 60, enough for accuracy to mean something). */
  evalLimit?: number;
  /** Extra `ftlab train` flags (tests use them to keep a run tiny). */
  extraTrainArgs?: string[];
}

export class LoraLabSession extends EventEmitter {
  state: LoraLabState;
  private readonly cli = join(packageRoot(), 'dist', 'cli.js');
  private readonly workDir: string;
  private readonly tempWork: boolean;
  private readonly contentRoot: string;
  private readonly evalLimit: number;
  private readonly extraTrainArgs: string[];
  private readonly procs = new Set<ResultPromise>();
  private trainProc?: ResultPromise;
  private runCounter = 0;
  private disposed = false;
  private disposing?: Promise<void>;
  private readonly unregisterStop: () => void;

  constructor(opts: LoraLabOptions) {
    super();
    this.contentRoot = opts.contentRoot;
    this.evalLimit = opts.evalLimit ?? 60;
    this.extraTrainArgs = opts.extraTrainArgs ?? [];
    if (opts.home) {
      this.workDir = join(opts.home, 'labs', 'lora', 'runs');
      mkdirSync(this.workDir, { recursive: true });
      this.tempWork = false;
    } else {
      this.workDir = mkdtempSync(join(tmpdir(), 'ftlab-lora-lab-'));
      this.tempWork = true;
    }
    this.state = { config: { ...DEFAULT_CONFIG }, labelRule: readLabelRule(opts.contentRoot), baseStatus: 'idle', comparison: [], log: [] };
    // A signal that ends the app stops the trainer (it checkpoints) before the app exits.
    this.unregisterStop = onStopChildren(() => this.dispose());
  }

  /** An ftlab child that stops by itself if this process dies (stdio[3] is its parent pipe). */
  private spawnCli(args: string[], buffer: boolean): ResultPromise {
    return execa(process.execPath, this.cliArgs(args), { reject: false, cleanup: true, buffer, extendEnv: false, ...watchedChildOptions() }) as unknown as ResultPromise;
  }

  get outputDir(): string {
    return this.workDir;
  }

  private update(patch: Partial<LoraLabState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('change', this.state);
  }

  private updateRun(patch: Partial<RunState>): void {
    if (this.state.run) this.update({ run: { ...this.state.run, ...patch } });
  }

  private log(line: string): void {
    this.update({ log: [...this.state.log.slice(-19), line] });
  }

  setConfig(patch: Partial<TrainConfig>): void {
    this.update({ config: { ...this.state.config, ...patch } });
  }

  get training(): boolean {
    const s = this.state.run?.status;
    return s === 'starting' || s === 'training' || s === 'stopping' || s === 'evaluating';
  }

  /** The first `evalLimit` held-out tickets, written once into the work dir. */
  private heldoutFile(): string {
    const file = join(this.workDir, `heldout-${this.evalLimit}.jsonl`);
    const src = join(this.contentRoot, 'labs', 'lora', 'data', 'heldout.jsonl');
    const lines = readFileSync(src, 'utf8').split('\n').filter((l) => l.trim());
    writeFileSync(file, lines.slice(0, this.evalLimit).join('\n') + '\n');
    return file;
  }

  private cliArgs(args: string[]): string[] {
    return [this.cli, '--content', this.contentRoot, ...args];
  }

  /** Held-out loss, format compliance and ROUGE-L of the base model, or of a trained run's output. */
  async evaluate(target?: { method: Method; out: string }): Promise<EvalResult> {
    const model = target ? (target.method === 'full' ? ['--model', target.out] : ['--adapter', target.out]) : [];
    const proc = this.spawnCli(['eval-model', ...model, '--data', this.heldoutFile(), '--format', 'ticket', '--json'], true);
    this.procs.add(proc);
    try {
      const r = await proc;
      if (r.exitCode !== 0) throw new Error(`eval-model exited ${r.exitCode ?? r.signal}: ${String(r.stderr).trim().split('\n').slice(-2).join(' ')}`);
      const j = JSON.parse(String(r.stdout)) as {
        loss: number;
        format_compliance: number;
        labels: Record<string, { accuracy: number; majority: { value: string; accuracy: number } }>;
        samples: EvalSample[];
      };
      const samples = j.samples.map((s) => ({ prompt: s.prompt, output: s.output, expected: s.expected, format_ok: s.format_ok }));
      const labels = Object.fromEntries(Object.entries(j.labels).map(([k, l]) => [k, { accuracy: l.accuracy, majority: l.majority.value, majority_accuracy: l.majority.accuracy }]));
      return { n: samples.length, loss: j.loss, format_compliance: j.format_compliance, labels, rouge_l: meanRougeL(samples), samples };
    } finally {
      this.procs.delete(proc);
    }
  }

  /** Scores the untrained base once (the "before" column). */
  async evaluateBase(): Promise<void> {
    if (this.state.baseStatus === 'running' || this.state.baseStatus === 'done') return;
    this.update({ baseStatus: 'running' });
    try {
      const base = await this.evaluate();
      if (!this.disposed) this.update({ base, baseStatus: 'done' });
    } catch (e) {
      if (!this.disposed) {
        this.update({ baseStatus: 'failed' });
        this.log(`base evaluation failed: ${(e as Error).message}`);
      }
    }
  }

  /** Starts a run with the current configuration; resolves when it (and its evaluation) has finished. */
  async start(): Promise<RunState | undefined> {
    if (this.training || this.disposed) return this.state.run;
    const config = { ...this.state.config, targets: [...this.state.config.targets] };
    // A run stopped with x left a checkpoint: the same settings continue it (exactly, as `--resume` does);
    // changed settings start a new run from step 0, and the screen says which happened.
    const prev = this.state.run;
    const stopped = prev?.status === 'interrupted' && prev.summary?.checkpoint ? prev : undefined;
    const resume = stopped !== undefined && sameConfig(stopped.config, config);
    let run: RunState;
    if (resume) {
      const from = stopped.summary!.steps;
      run = { config, status: 'starting', out: stopped.out, peftLine: stopped.peftLine, totalSteps: stopped.totalSteps, points: stopped.points.filter((p) => p.step <= from), resumedFrom: from };
    } else {
      const out = join(this.workDir, `${config.method}-${++this.runCounter}`);
      rmSync(out, { recursive: true, force: true });
      run = { config, status: 'starting', out, totalSteps: config.steps, points: [], ...(stopped ? { freshAfterStop: stopped.summary!.steps } : {}) };
    }
    const out = run.out;
    this.update({ run });
    const started = Date.now();
    const args = ['train', '--json', ...trainArgs(config, out), ...(resume ? ['--resume'] : []), ...this.extraTrainArgs];
    const proc = this.spawnCli(args, false);
    this.trainProc = proc;
    this.procs.add(proc);
    let stdoutBuf = '';
    let stderrTail = '';
    proc.stdout?.on('data', (d: Buffer) => {
      stdoutBuf += d.toString();
      let nl: number;
      while ((nl = stdoutBuf.indexOf('\n')) >= 0) {
        const line = stdoutBuf.slice(0, nl).trim();
        stdoutBuf = stdoutBuf.slice(nl + 1);
        if (line) this.onTrainLine(line, started);
      }
    });
    proc.stderr?.on('data', (d: Buffer) => {
      stderrTail = (stderrTail + d.toString()).slice(-2000);
      // the CLI announces the PEFT line and the step count on stderr before the first step
      // (matched on the accumulated tail: a line may arrive split over two chunks)
      const peft = /(trainable params: [^\n]+)\n/.exec(stderrTail);
      if (peft && this.state.run?.peftLine !== peft[1].trim()) this.updateRun({ peftLine: peft[1].trim() });
      const steps = /examples, (\d+) steps\n/.exec(stderrTail);
      if (steps && this.state.run?.totalSteps !== Number(steps[1])) this.updateRun({ totalSteps: Number(steps[1]) });
    });
    const result = await proc;
    this.procs.delete(proc);
    this.trainProc = undefined;
    if (stdoutBuf.trim()) this.onTrainLine(stdoutBuf.trim(), started);
    if (this.disposed) return this.state.run;
    const summary = this.state.run?.summary;
    if (!summary) {
      const why = stderrTail.trim().split('\n').slice(-2).join(' ') || `exit ${result.exitCode ?? result.signal}`;
      this.updateRun({ status: 'failed', error: why });
      this.log(`training failed: ${why}`);
      return this.state.run;
    }
    if (summary.interrupted) {
      // the screen shows where the checkpoint is from the run's summary; starting again replaces it
      this.updateRun({ status: 'interrupted', etaS: undefined });
      return this.state.run;
    }
    this.updateRun({ status: 'evaluating', etaS: 0 });
    try {
      const after = await this.evaluate({ method: config.method, out });
      if (this.disposed) return this.state.run;
      this.updateRun({ status: 'done', after });
      this.recordComparison(config, summary, after);
    } catch (e) {
      if (this.disposed) return this.state.run;
      this.updateRun({ status: 'done' });
      this.recordComparison(config, summary);
      this.log(`evaluation failed: ${(e as Error).message}`);
    }
    return this.state.run;
  }

  private onTrainLine(line: string, started: number): void {
    let j: Record<string, unknown>;
    try {
      j = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not one of ours
    }
    const run = this.state.run;
    if (!run) return;
    if (typeof j.trainable_params === 'number') {
      const summary = j as unknown as TrainSummary;
      this.updateRun({ summary, peftLine: summary.peft_line, totalSteps: summary.total_steps });
      return;
    }
    if (typeof j.step !== 'number' || typeof j.loss !== 'number') return;
    const point: StepPoint = { step: j.step, loss: j.loss, lr: Number(j.lr), tokens_per_s: Number(j.tokens_per_s) };
    if (typeof j.val_loss === 'number') point.val_loss = j.val_loss;
    // a resumed run's pace is that of the steps this process ran, not of all steps since step 0
    const from = run.resumedFrom ?? 0;
    const eta = estimateEta((Date.now() - started) / 1000, point.step - from, run.totalSteps - from);
    this.updateRun({
      status: run.status === 'stopping' ? 'stopping' : 'training',
      points: [...run.points, point],
      tokensPerS: point.tokens_per_s,
      etaS: eta ?? undefined,
    });
  }

  private recordComparison(config: TrainConfig, s: TrainSummary, after?: EvalResult): void {
    const row: ComparisonRow = {
      method: config.method,
      config,
      trainable_params: s.trainable_params,
      trainable_pct: s.trainable_pct,
      base_memory_bytes: s.base_memory_bytes,
      memory_bytes: trainingMemoryBytes(config.method, s.base_memory_bytes, s.trainable_params),
      output_bytes: s.adapter_bytes,
      seconds: s.seconds,
      val_loss: s.val_loss_after,
      format_compliance: after?.format_compliance,
      label_accuracy: after ? Object.fromEntries(Object.entries(after.labels).map(([k, l]) => [k, l.accuracy])) : undefined,
      peak_rss_bytes: s.peak_rss_bytes,
    };
    const rows = this.state.comparison.filter((r) => r.method !== config.method);
    rows.push(row);
    rows.sort((a, b) => METHODS.indexOf(a.method) - METHODS.indexOf(b.method));
    this.update({ comparison: rows });
  }

  /** Ctrl-C for the child: it finishes the current step and writes a checkpoint. */
  stop(): void {
    if (!this.trainProc || this.state.run?.status === 'stopping') return;
    this.trainProc.kill('SIGINT');
    this.updateRun({ status: 'stopping' });
  }

  /** Stops every child (the trainer checkpoints). Safe to call twice: the second call waits for the first. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      this.disposed = true;
      const waits = [...this.procs].map(async (p) => {
        p.kill('SIGTERM');
        const timer = setTimeout(() => p.kill('SIGKILL'), 3000);
        await p.catch(() => undefined);
        clearTimeout(timer);
      });
      await Promise.all(waits);
      this.procs.clear();
      if (this.tempWork) rmSync(this.workDir, { recursive: true, force: true });
      this.removeAllListeners();
      this.unregisterStop();
    })();
    return this.disposing;
  }
}
