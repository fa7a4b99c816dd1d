// The LoRA lab's interactive screen: pick the method and hyperparameters, watch a real `ftlab train`
// run (PEFT line, train/validation loss, tokens/s, ETA, early stop), then compare the model before and
// after on held-out tickets and the methods side by side. All work happens in LoraLabSession
// (src/engines/labs/lora/session.ts); this file only renders its state and turns keys into session calls.
import { Box, Text } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import {
  ALL_TARGETS,
  LoraLabSession,
  METHODS,
  type LoraLabState,
  type Method,
  type StepPoint,
  type TrainConfig,
} from '../../../engines/labs/lora/session.js';
import { defaultLr } from '../../../engines/llm/defaults.js';
import { percent, sparkline } from '../../components/charts.js';
import { useUi } from '../../contexts/UiContext.js';
import { KeypressPriority, useCommands } from '../../contexts/KeypressContext.js';
import { Command } from '../../keys/keyBindings.js';
import { Screen } from '../../layouts/Screen.js';
import { useBodySize } from '../../hooks/useBodySize.js';
import type { Glyphs } from '../../theme/glyphs.js';

export interface LabScreenProps {
  contentRoot: string;
  home?: string;
  onExit(): void;
}

const HINTS = [Command.UP, Command.LEFT, Command.LAB_TRAIN, Command.LAB_STOP, Command.LAB_SAMPLE, Command.BACK];

// ---- the hyperparameter picker: each field steps through sensible values ---------------------------

const RANKS = [1, 2, 4, 8, 16, 32];
const ALPHAS = [1, 2, 4, 8, 16, 32, 64];
const LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2];
const STEPS = [10, 20, 40, 80, 150, 300];
const TARGET_SETS: string[][] = [['q_proj', 'v_proj'], ['q_proj', 'k_proj', 'v_proj', 'o_proj'], ['gate_proj', 'up_proj', 'down_proj'], [...ALL_TARGETS]];

export const FIELDS = ['method', 'rank', 'alpha', 'targets', 'lr', 'steps'] as const;
export type Field = (typeof FIELDS)[number];

function stepIn<T>(list: readonly T[], current: T, delta: number, same: (a: T, b: T) => boolean = (a, b) => a === b): T {
  const i = list.findIndex((x) => same(x, current));
  const next = i < 0 ? 0 : Math.max(0, Math.min(list.length - 1, i + delta));
  return list[next];
}

/** The configuration after moving `field` one value left (-1) or right (+1). */
export function adjust(c: TrainConfig, field: Field, delta: number): TrainConfig {
  switch (field) {
    case 'method': {
      const method = stepIn<Method>(METHODS, c.method, delta);
      // full fine-tuning moves every weight, so it wants a 10x smaller learning rate (the CLI's default)
      const lr = (method === 'full') !== (c.method === 'full') ? defaultLr(method) : c.lr;
      return { ...c, method, lr };
    }
    case 'rank':
      return { ...c, rank: stepIn(RANKS, c.rank, delta) };
    case 'alpha':
      return { ...c, alpha: stepIn(ALPHAS, c.alpha, delta) };
    case 'targets':
      return { ...c, targets: stepIn(TARGET_SETS, c.targets, delta, (a, b) => a.join() === b.join()) };
    case 'lr':
      return { ...c, lr: stepIn(LRS, c.lr, delta) };
    case 'steps':
      return { ...c, steps: stepIn(STEPS, c.steps, delta) };
  }
}

const shortTargets = (t: string[]) => (t.length === ALL_TARGETS.length ? 'all' : t.map((x) => x.replace('_proj', '')).join(','));

function fieldValue(c: TrainConfig, f: Field): string {
  switch (f) {
    case 'method':
      return c.method === 'full' ? 'full' : c.method === 'qlora' ? 'QLoRA' : 'LoRA';
    case 'rank':
      return String(c.rank);
    case 'alpha':
      return String(c.alpha);
    case 'targets':
      return shortTargets(c.targets);
    case 'lr':
      return c.lr.toExponential(0);
    case 'steps':
      return String(c.steps);
  }
}

// ---- formatting helpers ----------------------------------------------------------------------

export const kib = (b: number) => (b >= 1048576 ? `${(b / 1048576).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`);
const secs = (s: number) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Train and validation loss as two sparklines on one scale, `width` cells wide. */
export function lossSparklines(points: readonly StepPoint[], width: number, g: Glyphs): { train: string; val: string; max: number } {
  const buckets = Math.max(1, Math.min(width, points.length));
  const per = points.length / buckets;
  const train: number[] = [];
  const val: Array<number | null> = [];
  for (let b = 0; b < buckets; b++) {
    const slice = points.slice(Math.floor(b * per), Math.max(Math.floor((b + 1) * per), Math.floor(b * per) + 1));
    train.push(slice.reduce((a, p) => a + p.loss, 0) / slice.length);
    const v = slice.filter((p) => p.val_loss !== undefined);
    val.push(v.length ? v[v.length - 1].val_loss! : null);
  }
  const max = Math.max(0, ...train, ...val.map((v) => v ?? 0));
  return { train: points.length ? sparkline(train, g, max) : '', val: points.length ? sparkline(val, g, max) : '', max };
}

// ---- the screen ------------------------------------------------------------------------------

export default function LoraLab({ contentRoot, home, onExit }: LabScreenProps) {
  const session = useMemo(() => new LoraLabSession({ contentRoot, home }), [contentRoot, home]);
  const [state, setState] = useState<LoraLabState>(session.state);
  const [field, setField] = useState(0);
  const [sample, setSample] = useState(0);
  useEffect(() => {
    const onChange = (s: LoraLabState) => setState(s);
    session.on('change', onChange);
    void session.evaluateBase();
    return () => {
      session.off('change', onChange);
      void session.dispose();
    };
  }, [session]);

  const busy = session.training;
  useCommands(
    {
      [Command.UP]: () => setField((f) => (f + FIELDS.length - 1) % FIELDS.length),
      [Command.DOWN]: () => setField((f) => (f + 1) % FIELDS.length),
      [Command.LEFT]: () => {
        if (!busy) session.setConfig(adjust(state.config, FIELDS[field], -1));
      },
      [Command.RIGHT]: () => {
        if (!busy) session.setConfig(adjust(state.config, FIELDS[field], +1));
      },
      [Command.LAB_TRAIN]: () => {
        setSample(0);
        void session.start();
      },
      [Command.LAB_STOP]: () => session.stop(),
      [Command.LAB_SAMPLE]: () => setSample((s) => s + 1),
      // q too: it goes back to the lab's steps, like Esc, rather than quitting ftlab from inside a lab.
      [Command.QUIT]: () => {
        void session.dispose().then(onExit);
      },
      [Command.BACK]: () => {
        void session.dispose().then(onExit);
      },
    },
    { priority: KeypressPriority.Low },
  );

  return <LoraLabView state={state} field={field} sample={sample} />;
}

/** Rendering only: the whole lab screen for a given session state (what the tests render). */
export function LoraLabView({ state, field, sample }: { state: LoraLabState; field: number; sample: number }) {
  const status = state.run ? `${state.run.config.method} · ${state.run.status}` : 'ready';
  return (
    <Screen title="LoRA lab" status={status} hints={HINTS} moreKeys={[Command.DOWN, Command.RIGHT]}>
      <Body state={state} field={field} sample={sample} />
    </Screen>
  );
}

interface Line {
  text: string;
  color?: string;
  bold?: boolean;
}

function Body({ state, field, sample }: { state: LoraLabState; field: number; sample: number }) {
  const { theme, glyphs, options } = useUi();
  const { width, height } = useBodySize();
  const sr = options.screenReader;
  const lines: Line[] = [];
  const run = state.run;
  const c = run && run.status !== 'done' && run.status !== 'failed' && run.status !== 'interrupted' ? run.config : state.config;

  // 1. the picker: one line, the selected field marked (brackets, and "(selected)" for screen readers)
  const picker = FIELDS.map((f, i) => {
    const v = `${f} ${fieldValue(c, f)}`;
    return i === field ? (sr ? `${v} (selected)` : `[${v}]`) : ` ${v} `;
  }).join(sr ? ', ' : ' ');
  lines.push({ text: picker, bold: true });

  // 2. PEFT line, progress, ETA
  lines.push({ text: run?.peftLine ?? (run ? 'starting the engine…' : 'up/down picks a setting, left/right changes it, t trains (defaults: the lab job).'), color: theme.text.secondary });
  if (run) {
    const last = run.points[run.points.length - 1];
    const lastVal = [...run.points].reverse().find((p) => p.val_loss !== undefined);
    const parts = [`step ${last?.step ?? 0}/${run.totalSteps}`];
    if (last) parts.push(`loss ${last.loss.toFixed(3)}`);
    if (lastVal) parts.push(`val ${lastVal.val_loss!.toFixed(3)}`);
    if (run.tokensPerS !== undefined) parts.push(`${run.tokensPerS} tok/s`);
    if (run.status === 'training' || run.status === 'starting') parts.push(run.etaS !== undefined ? `ETA ${secs(run.etaS)}` : 'ETA …');
    if (run.status === 'stopping') parts.push('stopping: writing a checkpoint…');
    if (run.status === 'interrupted') parts.push('interrupted: checkpoint written (ftlab train --resume)');
    if (run.status === 'evaluating') parts.push('evaluating held-out tickets…');
    if (run.status === 'done' && run.summary) parts.push(`done in ${secs(run.summary.seconds)}`);
    if (run.status === 'failed') parts.push(`failed: ${run.error ?? ''}`);
    lines.push({ text: parts.join(' · '), color: run.status === 'failed' ? theme.status.error : undefined });
    if (run.summary?.stopped_early) lines.push({ text: `stopped early at step ${run.summary.steps}: val loss stopped improving, best weights kept`, color: theme.status.info });

    // 3. loss chart (train and validation on one scale)
    const chartWidth = Math.max(10, width - 26); // leaves room for the label and the scale note
    const chart = lossSparklines(run.points, chartWidth, glyphs);
    if (sr) {
      const first = run.points[0];
      lines.push({ text: first && last ? `train loss from ${first.loss.toFixed(3)} to ${last.loss.toFixed(3)}` : 'train loss: no steps yet' });
      const vals = run.points.filter((p) => p.val_loss !== undefined);
      lines.push({ text: vals.length ? `validation loss: ${vals.map((p) => p.val_loss!.toFixed(3)).join(', ')}` : 'validation loss: not measured yet' });
    } else {
      lines.push({ text: `train loss  ${chart.train}`, color: theme.status.success });
      lines.push({ text: `val loss    ${chart.val}  (max ${chart.max.toFixed(2)})`, color: theme.text.secondary });
    }

    // 4. sizes
    const s = run.summary;
    if (s) {
      const what = run.config.method === 'full' ? 'model' : 'adapter';
      const mem = run.config.method === 'qlora' ? ` · base in memory ${kib(s.base_memory_bytes)} NF4 (fp32 ${kib(s.base_memory_fp32_bytes)})` : '';
      lines.push({ text: `${what} ${kib(s.adapter_bytes)} vs base ${kib(s.base_bytes)} (${((100 * s.adapter_bytes) / s.base_bytes).toFixed(1)}%)${mem}` });
    }
  } else {
    lines.push({ text: '' }, { text: '' }, { text: '' });
  }

  // 5. before/after on held-out tickets
  const base = state.base;
  const after = run?.after;
  const baseText = base ? `format ${percent(base.format_compliance)} · ROUGE-L ${base.rouge_l.toFixed(2)}` : state.baseStatus === 'running' ? 'scoring the base…' : state.baseStatus === 'failed' ? 'base scoring failed' : '–';
  const afterText = after ? `format ${percent(after.format_compliance)} · ROUGE-L ${after.rouge_l.toFixed(2)}` : '–';
  lines.push({ text: `held-out tickets (${base?.n ?? after?.n ?? '…'})  before: ${baseText}`, bold: true });
  lines.push({ text: `${' '.repeat(`held-out tickets (${base?.n ?? after?.n ?? '…'})  `.length)}after:  ${afterText}`, bold: true });

  // 6. one generation before vs after (g cycles through the held-out tickets)
  const n = Math.max(base?.samples.length ?? 0, after?.samples.length ?? 0);
  if (n) {
    const i = sample % n;
    const b = base?.samples[i];
    const a = after?.samples[i];
    // the ASCII glyph set has no tick/cross pair that reads as pass/fail, so say it in words there
    const mark = (ok?: boolean) => (ok === undefined ? '' : glyphs.ascii || sr ? (ok ? '[format ok] ' : '[bad format] ') : ok ? `${glyphs.check} ` : `${glyphs.cross} `);
    lines.push({ text: `ticket ${i + 1}/${n}: ${oneLine((a ?? b)!.prompt)}`, color: theme.text.muted });
    lines.push({ text: `  before ${mark(b?.format_ok)}${b ? JSON.stringify(b.output) : '–'}` });
    lines.push({ text: `  after  ${mark(a?.format_ok)}${a ? JSON.stringify(a.output) : '–'}`, color: a?.format_ok ? theme.status.success : undefined });
  }

  // 7. the comparison of finished runs
  if (state.comparison.length) {
    const row = (cells: string[]) => cells[0].padEnd(7) + cells.slice(1).map((x, k) => x.padStart([11, 8, 11, 11, 7, 9, 7][k] ?? 8)).join('');
    lines.push({ text: row(['method', 'trainable', 'share', 'memory', 'output', 'time', 'val loss', 'format']), bold: true });
    for (const r of state.comparison) {
      lines.push({
        text: row([
          r.method,
          r.trainable_params.toLocaleString('en-US'),
          `${r.trainable_pct.toFixed(2)}%`,
          kib(r.memory_bytes),
          kib(r.output_bytes),
          secs(r.seconds),
          r.val_loss === null ? '–' : r.val_loss.toFixed(3),
          r.format_compliance === undefined ? '–' : percent(r.format_compliance),
        ]),
      });
    }
    lines.push({ text: 'memory = weights + gradients + AdamW state (activations not counted)', color: theme.text.muted });
  } else {
    lines.push({ text: 'Finished runs are compared here: train LoRA, QLoRA and full (method ←/→).', color: theme.text.muted });
  }
  for (const l of state.log.slice(-2)) lines.push({ text: l, color: theme.status.warning });

  return (
    <Box flexDirection="column">
      {lines.slice(0, height).map((l, i) => (
        <Text key={i} wrap="truncate-end" color={l.color} bold={l.bold}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
