// The LoRA lab's fine-tuning task and its scorer: support tickets answered in exactly one
// `name: value` line per label, in a fixed order, e.g.
//   category: <billing|shipping|account|technical>
//   priority: <low|medium|high>
// The labels and their values are read from the expected answers of the data being scored, so the
// scorer follows the lab's data files rather than a copy of them.
//
// Two things are measured separately, because a model can learn one without the other:
// - format compliance: the answer has exactly the label lines, each with an allowed value;
// - label accuracy, per label: the value is the expected one (counted only in a well-formed answer),
//   next to the majority baseline: the score of always giving the most common expected value, which is
//   the best any constant answer can do on that data.
import type { DataRecord } from '../../llm/data.js';
import { chatPromptIds, generate, type InferenceModel } from '../../llm/generate.js';
import type { Tokenizer } from '../../llm/tokenizer.js';

export interface LabelField {
  name: string;
  values: string[];
}

/** The labels an answer must give, in order, and the values each may take. */
export interface TicketTask {
  fields: LabelField[];
}

export class TaskError extends Error {}

const LINE = /^([a-z_]+): (\S(?:.*\S)?)$/;

/** `name: value` pairs of an answer (surrounding whitespace ignored), or null if any line is not one. */
function labelLines(text: string): Array<[string, string]> | null {
  const lines = text.trim().split('\n');
  const out: Array<[string, string]> = [];
  for (const l of lines) {
    const m = LINE.exec(l);
    if (!m) return null;
    out.push([m[1], m[2]]);
  }
  return out;
}

/** The task as the expected answers define it (every answer must name the same labels in the same order). */
export function ticketTask(answers: readonly string[]): TicketTask {
  let names: string[] | null = null;
  const values = new Map<string, string[]>();
  for (const [i, a] of answers.entries()) {
    const pairs = labelLines(a);
    if (!pairs?.length) throw new TaskError(`answer ${i + 1} is not "label: value" lines: ${JSON.stringify(a.slice(0, 60))}`);
    const these = pairs.map(([n]) => n);
    if (!names) names = these;
    else if (these.join() !== names.join())
      throw new TaskError(`answer ${i + 1} gives the labels ${these.join(', ')}, the first answer ${names.join(', ')}`);
    for (const [n, v] of pairs) {
      const list = values.get(n) ?? [];
      if (!list.includes(v)) list.push(v);
      values.set(n, list);
    }
  }
  if (!names) throw new TaskError('no expected answers to learn the label format from');
  return { fields: names.map((name) => ({ name, values: values.get(name)! })) };
}

/** The labels of a well-formed answer, or null when the answer is not exactly the task's lines with allowed values. */
export function parseTicket(task: TicketTask, output: string): Record<string, string> | null {
  const pairs = labelLines(output);
  if (!pairs || pairs.length !== task.fields.length) return null;
  const out: Record<string, string> = {};
  for (const [i, f] of task.fields.entries()) {
    const [n, v] = pairs[i];
    if (n !== f.name || !f.values.includes(v)) return null;
    out[n] = v;
  }
  return out;
}

export interface TicketScore {
  format_ok: boolean;
  /** Per label: right or not (false in a malformed answer). */
  labels: Record<string, boolean>;
  /** Every label right. */
  all_ok: boolean;
  /** The labels the answer gave, when well-formed. */
  predicted: Record<string, string> | null;
}

/** Scores one generated answer against the expected one. */
export function scoreTicket(task: TicketTask, output: string, expected: string | null): TicketScore {
  const predicted = parseTicket(task, output);
  const want = expected === null ? null : parseTicket(task, expected);
  const labels: Record<string, boolean> = {};
  for (const f of task.fields) labels[f.name] = Boolean(predicted && want && predicted[f.name] === want[f.name]);
  return { format_ok: predicted !== null, labels, all_ok: task.fields.every((f) => labels[f.name]), predicted };
}

export interface LabelStats {
  /** Share of answers with this label right. */
  accuracy: number;
  /** The most common expected value and the accuracy of always answering it (the majority baseline). */
  majority: { value: string; accuracy: number };
  /** How often each value was predicted (well-formed answers only): a constant answer shows as one value. */
  predicted: Record<string, number>;
}

export interface TicketReport {
  n: number;
  task: TicketTask;
  /** Share of answers in the exact format. */
  format_compliance: number;
  labels: Record<string, LabelStats>;
  /** Share of answers with every label right, and the same for the most common expected answer. */
  exact_match: number;
  exact_match_majority: number;
  samples: Array<{ line: number; prompt: string; output: string; expected: string | null } & TicketScore>;
}

/** The conversation of a record without its last assistant turn, and that turn (the expected answer). */
export function promptAndAnswer(r: DataRecord): { prompt: NonNullable<DataRecord['messages']>; expected: string | null } {
  if (!r.messages) throw new TaskError(`line ${r.line}: a "text" record has no prompt to answer`);
  const lastAssistant = r.messages.map((m) => m.role).lastIndexOf('assistant');
  return {
    prompt: lastAssistant >= 0 ? r.messages.slice(0, lastAssistant) : r.messages,
    expected: lastAssistant >= 0 ? r.messages[lastAssistant].content : null,
  };
}

/** The task defined by the expected answers of some records. */
export function taskOfRecords(records: readonly DataRecord[]): TicketTask {
  return ticketTask(records.map((r) => promptAndAnswer(r).expected).filter((a): a is string => a !== null));
}

/** Format compliance, per-label accuracy and the majority baselines for a set of scored answers. */
export function summarise(task: TicketTask, samples: TicketReport['samples']): TicketReport {
  const n = samples.length;
  const share = (k: number) => (n ? k / n : 0);
  const labels: Record<string, LabelStats> = {};
  for (const f of task.fields) {
    const want = new Map<string, number>();
    const got: Record<string, number> = {};
    for (const s of samples) {
      const e = s.expected === null ? null : parseTicket(task, s.expected);
      if (e) want.set(e[f.name], (want.get(e[f.name]) ?? 0) + 1);
      if (s.predicted) got[s.predicted[f.name]] = (got[s.predicted[f.name]] ?? 0) + 1;
    }
    const [value, count] = mostCommon(want);
    labels[f.name] = { accuracy: share(samples.filter((s) => s.labels[f.name]).length), majority: { value, accuracy: share(count) }, predicted: got };
  }
  const answers = new Map<string, number>();
  for (const s of samples) if (s.expected !== null) answers.set(s.expected.trim(), (answers.get(s.expected.trim()) ?? 0) + 1);
  return {
    n,
    task,
    format_compliance: share(samples.filter((s) => s.format_ok).length),
    labels,
    exact_match: share(samples.filter((s) => s.all_ok).length),
    exact_match_majority: share(mostCommon(answers)[1]),
    samples,
  };
}

/** The most frequent key (ties: the first seen), or ['', 0] for none. */
function mostCommon(counts: Map<string, number>): [string, number] {
  let best: [string, number] = ['', 0];
  for (const [k, c] of counts) if (c > best[1]) best = [k, c];
  return best;
}

/** Greedy answers for each record's prompt (the conversation without its last assistant turn), scored. */
export async function scoreTickets(
  im: InferenceModel,
  tok: Tokenizer,
  records: DataRecord[],
  opts: { task?: TicketTask; maxTokens?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<TicketReport> {
  const task = opts.task ?? taskOfRecords(records);
  const samples: TicketReport['samples'] = [];
  for (const r of records) {
    const { prompt, expected } = promptAndAnswer(r);
    const g = await generate(im, tok, chatPromptIds(tok, prompt), { temperature: 0, maxTokens: opts.maxTokens ?? 48, signal: opts.signal });
    samples.push({ line: r.line, prompt: prompt.map((m) => m.content).join('\n'), output: g.text, expected, ...scoreTicket(task, g.text, expected) });
    opts.onProgress?.(samples.length, records.length);
    // Generation only awaits promises, which never lets timers, keys or signals through: a few hundred
    // tickets would freeze the app (and Ctrl-C) for minutes. One macrotask turn per ticket keeps them live.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return summarise(task, samples);
}

/** The pass rule for label accuracy: every label at least `minAccuracy` and at least `minMargin` above its majority baseline. */
export interface LabelRule {
  minAccuracy: number;
  minMargin: number;
}

export interface LabelVerdict {
  label: string;
  accuracy: number;
  baseline: number;
  majority: string;
  /** What this label needed: max(minAccuracy, baseline + minMargin). */
  needed: number;
  ok: boolean;
}

export function gradeLabels(report: TicketReport, rule: LabelRule): { ok: boolean; labels: LabelVerdict[] } {
  const labels = report.task.fields.map((f): LabelVerdict => {
    const s = report.labels[f.name];
    const needed = Math.max(rule.minAccuracy, s.majority.accuracy + rule.minMargin);
    // a hair of tolerance so that 48/60 meets "0.8" despite floating-point sums
    return { label: f.name, accuracy: s.accuracy, baseline: s.majority.accuracy, majority: s.majority.value, needed, ok: s.accuracy >= needed - 1e-9 };
  });
  return { ok: report.n > 0 && labels.every((l) => l.ok), labels };
}
