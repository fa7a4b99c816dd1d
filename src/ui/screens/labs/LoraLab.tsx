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
  verdictOf,
  type EvalResult,
  type LabelRule,
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
import { cutText, textWidth } from '../../markdown/text.js';

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
  if (!points.length) return { train: '', val: '', max: 0 }; // no scale yet (0/0 would be NaN)
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
  return { train: sparkline(train, g, max), val: sparkline(val, g, max), max };
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
  /** Word-wrap over several rows instead of cutting the end (status lines, paths, verdicts); 'if-room'
   * wraps only while the body has rows to spare, else the line is cut to one row (sample tickets). */
  wrap?: boolean | 'if-room';
  /** When the body is short of rows, lines with a drop level go first, the highest level first. */
  drop?: number;
}

/**
 * `text` word-wrapped to rows of `width` columns; a word longer than a row (a path) is cut across rows,
 * so nothing is replaced by "…".
 */
export function wrapRows(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(' ')) {
    let rest = word;
    if (row && textWidth(row) + 1 + textWidth(rest) > w) {
      rows.push(row);
      row = '';
    }
    while (textWidth(rest) > w - (row ? textWidth(row) + 1 : 0)) {
      const room = w - (row ? textWidth(row) + 1 : 0);
      const head = cutText(rest, room);
      rows.push(row ? `${row} ${head}` : head);
      row = '';
      rest = rest.slice(head.length);
    }
    row = row ? `${row} ${rest}` : rest;
  }
  rows.push(row);
  return rows;
}

/** Lines that fit in `height` rows: droppable lines go first (highest level, last first), then the end is cut. */
export function fitLines(lines: readonly Line[], width: number, height: number): Array<Omit<Line, 'wrap' | 'drop'>> {
  const rowsOf = (l: Line) => (l.wrap ? wrapRows(l.text, width) : [l.text]);
  const kept = [...lines];
  const total = () => kept.reduce((n, l) => n + rowsOf(l).length, 0);
  // first give up the wrapping that is only nice to have, from the bottom up...
  for (let i = kept.length - 1; i >= 0 && total() > height; i--) if (kept[i]!.wrap === 'if-room') kept[i] = { ...kept[i]!, wrap: false };
  // ...then whole lines, by drop level
  while (total() > height) {
    const level = Math.max(0, ...kept.map((l) => l.drop ?? 0));
    if (level === 0) break;
    let i = kept.length - 1;
    while ((kept[i].drop ?? 0) !== level) i--;
    kept.splice(i, 1);
  }
  return kept.flatMap((l) => rowsOf(l).map((text) => ({ text, color: l.color, bold: l.bold }))).slice(0, height);
}

const pctCell = (x: number | undefined, w: number) => (x === undefined ? '–' : percent(x)).padStart(w);

/** The held-out scores as a small table: format, each label, ROUGE-L; before, after, and the majority baseline. */
function scoreTable(base: EvalResult | undefined, after: EvalResult | undefined, baseStatus: LoraLabState['baseStatus']): Line[] {
  const ref = after ?? base;
  const labels = Object.keys(ref?.labels ?? {});
  const n = ref?.n;
  const first = 20;
  const colW = (name: string) => Math.max(9, name.length + 2);
  const row = (head: string, cells: string[]) => head.padEnd(first) + cells.join('');
  const header = row(`held-out tickets (${n ?? '…'})`, ['format'.padStart(8), ...labels.map((l) => l.padStart(colW(l))), 'ROUGE-L'.padStart(9)]);
  const scores = (r: EvalResult | undefined) => [pctCell(r?.format_compliance, 8), ...labels.map((l) => pctCell(r?.labels[l]?.accuracy, colW(l))), (r ? r.rouge_l.toFixed(2) : '–').padStart(9)];
  const lines: Line[] = [{ text: header, bold: true }];
  if (base) lines.push({ text: row('  before (base)', scores(base)) });
  else lines.push({ text: `  before (base)  ${baseStatus === 'running' ? 'scoring the base…' : baseStatus === 'failed' ? 'base scoring failed' : '–'}` });
  lines.push({ text: row('  after', scores(after)) });
  if (labels.length)
    lines.push({ text: row('  majority baseline', [' '.repeat(8), ...labels.map((l) => pctCell(ref!.labels[l].majority_accuracy, colW(l)))]), drop: 1 });
  return lines;
}

/** The verdict on the labels after a run, in plain words (null before there is one). */
function verdictLine(after: EvalResult | undefined, rule: LabelRule | null, theme: ReturnType<typeof useUi>['theme']): Line | null {
  if (!after) return null;
  const v = verdictOf(after, rule);
  const list = (names: string[]) => (names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names[0]);
  const are = (names: string[]) => (names.length > 1 ? 'are' : 'is');
  const bar = rule ? `at least ${percent(rule.min_accuracy)} and ${Math.round(100 * rule.min_margin)} points above the baseline` : '';
  switch (v.kind) {
    case 'no-format':
      return { text: `Not learned yet: only ${percent(after.format_compliance)} of the answers have the format. Train longer or with a higher learning rate.`, color: theme.status.warning, wrap: true };
    case 'format-only':
      return {
        text: `The format was learned (${percent(after.format_compliance)}), the labels were not: ${list(v.labels)} ${are(v.labels)} no better than always answering the most common value (${v.labels.map((l) => `"${after.labels[l].majority}" ${percent(after.labels[l].majority_accuracy)}`).join(', ')}).`,
        color: theme.status.warning,
        wrap: true,
      };
    case 'below-bar':
      return { text: `The labels beat a constant answer, but ${list(v.labels)} ${are(v.labels)} short of the lab's bar (${bar}).`, color: theme.status.warning, wrap: true };
    case 'learned':
      return {
        text: `Labels learned, not only the format${rule ? `: every label ${bar}` : ': every label beats always answering the most common value'}.`,
        color: theme.status.success,
        wrap: true,
      };
  }
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
  lines.push({ text: run?.peftLine ?? (run ? 'starting the engine…' : 'up/down picks a setting, left/right changes it, t trains (defaults: the lab job).'), color: theme.text.secondary, wrap: true });
  if (run) {
    const last = run.points[run.points.length - 1];
    const lastVal = [...run.points].reverse().find((p) => p.val_loss !== undefined);
    const parts = [`step ${last?.step ?? run.resumedFrom ?? 0}/${run.totalSteps}`];
    if (last) parts.push(`loss ${last.loss.toFixed(3)}`);
    if (lastVal) parts.push(`val ${lastVal.val_loss!.toFixed(3)}`);
    if (run.tokensPerS !== undefined) parts.push(`${run.tokensPerS} tok/s`);
    if (run.status === 'training' || run.status === 'starting') parts.push(run.etaS !== undefined ? `ETA ${secs(run.etaS)}` : 'ETA …');
    if (run.status === 'stopping') parts.push('stopping: writing a checkpoint…');
    if (run.status === 'evaluating') parts.push('evaluating held-out tickets…');
    if (run.status === 'done' && run.summary) parts.push(`done in ${secs(run.summary.seconds)}`);
    if (run.status === 'failed') parts.push(`failed: ${run.error ?? ''}`);
    lines.push({ text: parts.join(' · '), color: run.status === 'failed' ? theme.status.error : undefined, wrap: true });
    // where this run came from (x then t), and where an interrupted one left its checkpoint
    if (run.status === 'interrupted' && run.summary)
      lines.push({
        text: `Stopped at step ${run.summary.steps}/${run.summary.total_steps}; checkpoint in ${run.summary.checkpoint ?? run.out}. t resumes it (same settings); changing a setting first starts a new run from step 0.`,
        color: theme.status.info,
        wrap: true,
      });
    else if (run.resumedFrom !== undefined)
      lines.push({ text: `Resumed from the checkpoint at step ${run.resumedFrom} (${run.out}).`, color: theme.status.info, wrap: true });
    else if (run.freshAfterStop !== undefined)
      lines.push({ text: `New run from step 0: the settings changed since the run stopped at step ${run.freshAfterStop}, so its checkpoint was not used.`, color: theme.status.info, wrap: true });
    if (run.summary?.stopped_early)
      lines.push({ text: `stopped early at step ${run.summary.steps}: val loss stopped improving, best weights kept`, color: theme.status.info, wrap: true, drop: 1 });

    // 3. loss chart: train and validation on one scale, which the val row states
    const vals = run.points.filter((p) => p.val_loss !== undefined);
    const first = run.points[0];
    if (sr) {
      lines.push({ text: first && last ? `train loss from ${first.loss.toFixed(3)} to ${last.loss.toFixed(3)}` : 'train loss: no steps yet' });
      lines.push({ text: vals.length ? `validation loss: ${vals.map((p) => p.val_loss!.toFixed(3)).join(', ')}` : 'validation loss: not measured yet', wrap: true });
    } else {
      // first → last value of each row, and the scale both rows share (the top glyph is the chart's maximum)
      const trainRight = first && last ? `${first.loss.toFixed(3)} → ${last.loss.toFixed(3)}` : 'no steps yet';
      const valText = vals.length ? `${vals[0].val_loss!.toFixed(3)} → ${vals[vals.length - 1].val_loss!.toFixed(3)}` : 'not measured yet';
      const top = glyphs.spark[glyphs.spark.length - 1];
      const scaleText = (max: number) => `scale ${glyphs.spark[0]} 0 · ${top} ${max.toFixed(2)}`;
      // room for the widest scale these points can give (no bucket mean exceeds the largest loss)
      const upper = Math.max(0, ...run.points.flatMap((p) => [p.loss, p.val_loss ?? 0]));
      const right = Math.max(trainRight.length, `${valText} · ${scaleText(upper)}`.length);
      const chartWidth = Math.max(8, width - 12 - 2 - right);
      const chart = lossSparklines(run.points, chartWidth, glyphs);
      lines.push({ text: `train loss  ${chart.train.padEnd(chartWidth)}  ${trainRight}`, color: theme.status.success });
      lines.push({ text: `val loss    ${chart.val.padEnd(chartWidth)}  ${valText}${run.points.length ? ` · ${scaleText(chart.max)}` : ''}`, color: theme.text.secondary });
    }

    // 4. sizes, and memory: tensor bytes next to what the process really used
    const s = run.summary;
    if (s) {
      const what = run.config.method === 'full' ? 'model' : 'adapter';
      const mem = run.config.method === 'qlora' ? ` · base in memory ${kib(s.base_memory_bytes)} NF4 (fp32 ${kib(s.base_memory_fp32_bytes)})` : '';
      const rss = s.peak_rss_bytes ? ` · process peak RSS ${kib(s.peak_rss_bytes)}` : '';
      lines.push({ text: `${what} ${kib(s.adapter_bytes)} vs base ${kib(s.base_bytes)} (${((100 * s.adapter_bytes) / s.base_bytes).toFixed(1)}%)${mem}${rss}`, wrap: true });
    }
  } else {
    lines.push({ text: '' }, { text: '' }, { text: '' });
  }

  // 5. before/after on held-out tickets: format, label accuracy, and the majority baseline to beat
  const base = state.base;
  const after = run?.after;
  lines.push(...scoreTable(base, after, state.baseStatus));
  const verdict = verdictLine(after, state.labelRule, theme);
  if (verdict) lines.push(verdict);

  // 6. one generation before vs after (g cycles through the held-out tickets)
  const n = Math.max(base?.samples.length ?? 0, after?.samples.length ?? 0);
  if (n) {
    const i = sample % n;
    const b = base?.samples[i];
    const a = after?.samples[i];
    // the ASCII glyph set has no tick/cross pair that reads as pass/fail, so say it in words there
    const mark = (ok?: boolean) => (ok === undefined ? '' : glyphs.ascii || sr ? (ok ? '[format ok] ' : '[bad format] ') : ok ? `${glyphs.check} ` : `${glyphs.cross} `);
    lines.push({ text: `ticket ${i + 1}/${n}: ${oneLine((a ?? b)!.prompt)}`, color: theme.text.muted, drop: 2, wrap: 'if-room' });
    lines.push({ text: `  before ${mark(b?.format_ok)}${b ? JSON.stringify(b.output) : '–'}`, wrap: 'if-room' });
    lines.push({ text: `  after  ${mark(a?.format_ok)}${a ? JSON.stringify(a.output) : '–'}`, color: a?.format_ok ? theme.status.success : undefined, wrap: 'if-room' });
  }

  // 7. the comparison of finished runs
  if (state.comparison.length) {
    const widths = [10, 8, 10, 10, 6, 9, 7, 8];
    const row = (cells: string[]) => cells[0].padEnd(7) + cells.slice(1).map((x, k) => x.padStart(widths[k] ?? 8)).join('');
    lines.push({ text: row(['method', 'trainable', 'share', 'memory', 'output', 'time', 'val loss', 'format', 'labels']), bold: true });
    let labelNames: string[] = [];
    for (const r of state.comparison) {
      const acc = r.label_accuracy ? Object.values(r.label_accuracy) : null;
      if (r.label_accuracy) labelNames = Object.keys(r.label_accuracy);
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
          acc ? acc.map((x) => Math.round(100 * x)).join('/') + '%' : '–',
        ]),
      });
    }
    lines.push({
      text: `memory = weights + gradients + AdamW state (activations not counted)${labelNames.length ? `; labels = held-out ${labelNames.join('/')} accuracy` : ''}`,
      color: theme.text.muted,
      wrap: true,
      drop: 3,
    });
  } else {
    lines.push({ text: 'Finished runs are compared here: train LoRA, QLoRA and full (method ←/→).', color: theme.text.muted, wrap: true, drop: 3 });
  }
  for (const l of state.log.slice(-2)) lines.push({ text: l, color: theme.status.warning, wrap: true });

  return (
    <Box flexDirection="column">
      {fitLines(lines, width, height).map((l, i) => (
        <Text key={i} wrap="truncate-end" color={l.color} bold={l.bold}>
          {l.text}
        </Text>
      ))}
    </Box>
  );
}
