// The LoRA lab's check kinds against its shipped reference solution (must pass), its starter (must fail)
// and an adapter trained to give one constant answer (learns the format, must fail the label check).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checks } from '../../../../src/engines/labs/lora/checks.js';
import { taskOfRecords } from '../../../../src/engines/labs/lora/task.js';
import type { CheckContext } from '../../../../src/engines/labs/types.js';
import { readJsonl } from '../../../../src/engines/llm/data.js';
import { train, TRAIN_DEFAULTS } from '../../../../src/engines/llm/train.js';

const labDir = join(__dirname, '../../../../labs/lora');
const lab = parse(readFileSync(join(labDir, 'lab.yaml'), 'utf8'));
const labChecks: Array<{ kind: string; args?: Record<string, unknown> }> = lab.steps.flatMap((s: any) => s.checks ?? []);
const argsOf = (kind: string) => labChecks.find((c) => c.kind === kind)!.args ?? {};
const ctx = (adapter: string, seed = 7): CheckContext => ({ contentRoot: join(labDir, '../..'), labDir, options: { adapter: join(labDir, adapter) }, seed });
const scratch = mkdtempSync(join(tmpdir(), 'ftlab-lora-checks-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('LoRA lab checks', () => {
  it('every check in lab.yaml names a kind of this lab with valid args', () => {
    expect(labChecks.length).toBeGreaterThanOrEqual(7);
    for (const c of labChecks) {
      expect(checks[c.kind], c.kind).toBeDefined();
      expect(checks[c.kind].validateArgs?.(c.args ?? {}) ?? []).toEqual([]);
    }
  });

  it('the label rule the lab text states is the one lab.yaml grades', () => {
    const { min_accuracy, min_margin } = argsOf('lora-label-accuracy') as { min_accuracy: number; min_margin: number };
    const step = lab.steps.find((s: any) => s.checks?.some((c: any) => c.kind === 'lora-label-accuracy'));
    expect(step.instructions).toContain(`at least ${Math.round(min_accuracy * 100)} % right **and** at least ${Math.round(min_margin * 100)} points above its majority baseline`);
  });

  it('the reference solution passes every check', async () => {
    for (const c of labChecks) {
      const r = await checks[c.kind].run(ctx('solution/adapter', 11), c.args ?? {});
      expect(r.ok, `${c.kind}: ${r.detail}`).toBe(true);
    }
  }, 300_000);

  it('the untrained starter fails the learning checks, the label check with the baselines in its report', async () => {
    const val = await checks['lora-val-improves'].run(ctx('starter/adapter'), argsOf('lora-val-improves'));
    expect(val.ok).toBe(false);
    // the check says how far it is, and lets the event loop turn while it answers (keys, Ctrl-C, redraws)
    const notes: string[] = [];
    let turns = 0;
    let checking = true;
    const spin = () => {
      turns++;
      if (checking) setImmediate(spin);
    };
    setImmediate(spin);
    const turnsSeen: number[] = [];
    const progress = (note: string) => {
      notes.push(note);
      turnsSeen.push(turns);
    };
    const labels = await checks['lora-label-accuracy'].run({ ...ctx('starter/adapter'), progress }, argsOf('lora-label-accuracy'));
    checking = false;
    const n = readJsonl(join(labDir, 'data/heldout.jsonl')).length;
    expect(notes).toContain(`answering the held-out tickets with the adapter: ${n}/${n}`);
    expect(notes.filter((x) => x.startsWith('answering the held-out tickets with the adapter:'))).toHaveLength(n);
    expect(turnsSeen[n - 1]).toBeGreaterThanOrEqual(n - 1);
    expect(labels.ok).toBe(false);
    const data = labels.data as { n: number; labels: Record<string, { accuracy: number; majority_accuracy: number; base_accuracy: number; needed: number }> };
    expect(data.n).toBe(readJsonl(join(labDir, 'data/heldout.jsonl')).length);
    for (const l of Object.values(data.labels)) {
      expect(l.majority_accuracy).toBeGreaterThan(0);
      expect(l.needed).toBeGreaterThanOrEqual(l.majority_accuracy);
      // B = 0: the starter is the base model, answer for answer
      expect(l.accuracy).toBe(l.base_accuracy);
    }
    expect(labels.detail).toMatch(/majority "[^"]+" [\d.]+ %, base model [\d.]+ %/);
    const layout = await checks['lora-adapter-layout'].run(ctx('starter/adapter'), {});
    expect(layout.ok).toBe(true);
  }, 300_000);

  it('an adapter trained to give one constant answer learns the format and fails the label check (lora-review D1)', async () => {
    // the lab's training data with every answer replaced by the same labels
    const records = readJsonl(join(labDir, 'data/train.jsonl'));
    const task = taskOfRecords(records);
    const constant = task.fields.map((f) => `${f.name}: ${f.values[0]}`).join('\n');
    const lines = readFileSync(join(labDir, 'data/train.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).slice(0, 160);
    const rewritten = lines.map((l) => {
      const o = JSON.parse(l);
      if ('output' in o) o.output = constant;
      else if ('completion' in o) o.completion = constant;
      else o.messages.findLast((m: { role: string }) => m.role === 'assistant').content = constant;
      return JSON.stringify(o);
    });
    const dataFile = join(scratch, 'constant.jsonl');
    writeFileSync(dataFile, rewritten.join('\n') + '\n');
    const out = join(scratch, 'constant-adapter');
    await train({ ...TRAIN_DEFAULTS, modelDir: join(labDir, 'base'), dataFile, outDir: out, steps: 40, lr: TRAIN_DEFAULTS.lr, patience: 0, resume: false });

    const c: CheckContext = { ...ctx(''), options: { adapter: out } };
    const labels = await checks['lora-label-accuracy'].run(c, argsOf('lora-label-accuracy'));
    expect(labels.ok, labels.detail).toBe(false);
    const data = labels.data as { format_compliance: number; labels: Record<string, { predicted: Record<string, number> }> };
    // it did learn the format, and every well-formed answer is the constant
    expect(data.format_compliance).toBeGreaterThan(0.5);
    for (const f of task.fields) expect(Object.keys(data.labels[f.name].predicted)).toEqual([f.values[0]]);
    expect(labels.detail).toContain('the format was learned');
    // the format-only checks cannot tell it from a real adapter
    const fmt = await checks['lora-format-compliance'].run(c, argsOf('lora-format-compliance'));
    expect(fmt.ok, fmt.detail).toBe(data.format_compliance >= (argsOf('lora-format-compliance').min as number));
  }, 600_000);

  it('a missing adapter folder fails with a specific message', async () => {
    const r = await checks['lora-adapter-layout'].run(ctx('no-such-adapter'), {});
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('missing adapter_config.json');
  });
});
