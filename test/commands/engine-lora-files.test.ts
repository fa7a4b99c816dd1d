// Issue 13 points 3 and 7 through the built CLI, on the small parity fixture model: QLoRA with
// --double-quant reports its storage bits and peak RSS and writes a Modelfile; eval-model and generate
// hold the base as the adapter was trained (NF4) unless --quantize says otherwise; eval-model --format
// ticket reports label accuracy next to the majority baseline. Needs dist/cli.js.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const F = join(root, 'test/engines/llm/fixtures/parity');
const tmp = mkdtempSync(join(tmpdir(), 'ftlab-cli-lora-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { encoding: 'utf8', cwd: tmp });

const cats = ['billing', 'shipping', 'technical'];
const rows = Array.from({ length: 16 }, (_, i) =>
  JSON.stringify({
    instruction: 'Label this ticket.',
    input: `Ticket ${i}`,
    output: `category: ${cats[i % 3 === 2 ? 2 : i % 2]}\npriority: ${i % 4 ? 'low' : 'high'}`,
  }),
);
writeFileSync(join(tmp, 'train.jsonl'), rows.join('\n') + '\n');
writeFileSync(join(tmp, 'val.jsonl'), rows.slice(0, 6).join('\n') + '\n');
const model = join(F, 'model');

function trainWith(method: 'lora' | 'qlora', out: string, ...extra: string[]) {
  const r = cli(
    'train',
    '--model',
    model,
    '--data',
    join(tmp, 'train.jsonl'),
    '--val',
    join(tmp, 'val.jsonl'),
    '--steps',
    '3',
    '--batch',
    '4',
    '--method',
    method,
    '--out',
    out,
    ...extra,
  );
  expect(r.status, r.stderr).toBe(0);
  return r;
}
const trainQlora = (out: string, ...extra: string[]) => trainWith('qlora', out, ...extra);

describe('QLoRA files through the CLI', () => {
  it('train --double-quant: storage bits, peak RSS and the Modelfile in the summary and the text output', () => {
    const r = trainQlora(join(tmp, 'dq'), '--double-quant', '--json');
    const s = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(s.double_quant).toBe(true);
    expect(s.base_quant_bits_per_weight).toBeGreaterThan(4.1);
    expect(s.base_quant_bits_per_weight).toBeLessThan(4.5);
    expect(s.peak_rss_bytes).toBeGreaterThan(s.base_memory_bytes);
    expect(s.modelfile).toBe(join(tmp, 'dq', 'Modelfile'));
    expect(readFileSync(s.modelfile, 'utf8')).toMatch(/^FROM \.\.\/.*parity\/model$/m);
    expect(s.resumed_from_step).toBeNull();
    expect(r.stderr).toMatch(/NF4 at 4\.\d{3} bits per weight \(double-quantised scales\)/);

    const text = trainQlora(join(tmp, 'plain'));
    expect(text.stdout).toMatch(/^memory: base weights [\d.]+ MiB as held · process peak RSS [\d.]+ MiB$/m);
    expect(text.stdout).toContain(`Ollama: ollama create my-model -f ${join(tmp, 'plain', 'Modelfile')}`);
    expect(text.stderr).toMatch(/NF4 at 4\.500 bits per weight \(fp32/);
  });

  it('eval-model and generate use the NF4 base the adapter was trained on, unless --quantize says otherwise', () => {
    const ad = join(tmp, 'q');
    const s = JSON.parse(trainQlora(ad, '--double-quant', '--json').stdout.trim().split('\n').pop()!);
    const ev = (...extra: string[]) =>
      cli('eval-model', '--model', model, '--adapter', ad, '--data', join(tmp, 'val.jsonl'), '--json', ...extra);
    const auto = ev();
    expect(auto.status, auto.stderr).toBe(0);
    expect(auto.stderr).toContain('trained on an NF4 base (nf4-double-quant)');
    expect(JSON.parse(auto.stdout).loss).toBeCloseTo(s.val_loss_after, 5);
    const same = ev('--quantize', 'nf4-double-quant');
    expect(JSON.parse(same.stdout).loss).toBe(JSON.parse(auto.stdout).loss);
    const fp32 = ev('--quantize', 'none');
    expect(fp32.stderr).not.toContain('NF4');
    expect(JSON.parse(fp32.stdout).loss).not.toBeCloseTo(s.val_loss_after, 5);
    const g = cli(
      'generate',
      '--model',
      model,
      '--adapter',
      ad,
      '--prompt',
      'Label this ticket.\n\nTicket 3',
      '--temperature',
      '0',
      '--max-tokens',
      '4',
      '--json',
    );
    expect(g.status, g.stderr).toBe(0);
    expect(g.stderr).toContain('trained on an NF4 base');
    const bad = cli('eval-model', '--model', model, '--data', join(tmp, 'val.jsonl'), '--quantize', 'int3');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toBe('ftlab: --quantize must be none, nf4 or nf4-double-quant (got "int3")');
  });

  it('merge names its adapter relative to the merged folder', () => {
    const m = cli('merge', '--model', model, '--adapter', join(F, 'adapter'), '--out', join(tmp, 'merged'), '--json');
    expect(m.status, m.stderr).toBe(0);
    const buf = readFileSync(join(tmp, 'merged', 'model.safetensors'));
    const header = JSON.parse(buf.subarray(8, 8 + Number(buf.readBigUInt64LE(0))).toString('utf8'));
    expect(header.__metadata__.merged_from).toBe(relative(join(tmp, 'merged'), join(F, 'adapter')));
    expect(header.__metadata__.merged_from).not.toMatch(/^\//);
  });

  it('eval-model, generate and merge apply an adapter to the base it names when no --model is given', () => {
    const ad = join(tmp, 'lora-own-base');
    trainWith('lora', ad);
    // the fixture model's shapes differ from the shipped one's: on the shipped base this would fail
    const e = cli('eval-model', '--adapter', ad, '--data', join(tmp, 'val.jsonl'), '--json');
    expect(e.status, e.stderr).toBe(0);
    expect(e.stderr).toContain(`using the adapter's base model ${model}`);
    const g = cli('generate', '--adapter', ad, '--prompt', 'hi', '--max-tokens', '2', '--json');
    expect(g.status, g.stderr).toBe(0);
    const m = cli('merge', '--adapter', ad, '--out', join(tmp, 'merged-own-base'), '--json');
    expect(m.status, m.stderr).toBe(0);
    // --model still wins: the shipped base does not fit this adapter, and says so in one line
    const shipped = cli('eval-model', '--model', join(root, 'labs/lora/base'), '--adapter', ad, '--data', join(tmp, 'val.jsonl'));
    expect(shipped.status).not.toBe(0);
    expect(shipped.stderr).not.toContain("using the adapter's base");
    expect(shipped.stderr).not.toMatch(/\n\s+at /);
  });

  it('--double-quant belongs to QLoRA', () => {
    const r = cli('train', '--model', model, '--data', join(tmp, 'train.jsonl'), '--steps', '1', '--double-quant', '--out', join(tmp, 'x'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--double-quant quantises the NF4 base of QLoRA');
    expect(existsSync(join(tmp, 'x'))).toBe(false);
  });
});

describe('eval-model --format ticket', () => {
  it('reports format compliance, each label’s accuracy and its majority baseline', () => {
    const r = cli('eval-model', '--model', model, '--data', join(tmp, 'val.jsonl'), '--format', 'ticket', '--json');
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j.labels)).toEqual(['category', 'priority']);
    // val.jsonl: categories billing, shipping, technical, shipping, billing, technical; priorities high, low, low, low, high, low
    expect(j.labels.category.majority).toEqual({ value: 'billing', accuracy: 2 / 6 });
    expect(j.labels.priority.majority).toEqual({ value: 'low', accuracy: 4 / 6 });
    expect(j.category_accuracy).toBe(j.labels.category.accuracy);
    expect(j.priority_accuracy).toBe(j.labels.priority.accuracy);
    expect(j.samples).toHaveLength(6);
    const text = cli('eval-model', '--model', model, '--data', join(tmp, 'val.jsonl'), '--format', 'ticket');
    expect(text.stdout).toMatch(/^category accuracy [\d.]+%  \(majority baseline 33\.3%: always "billing"\)$/m);
    expect(text.stdout).toMatch(/^priority accuracy [\d.]+%  \(majority baseline 66\.7%: always "low"\)$/m);
  });

  it('refuses data whose answers are not label lines, in one line', () => {
    const r = cli('eval-model', '--model', model, '--data', join(F, 'data.jsonl'), '--format', 'ticket');
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^ftlab: --format ticket: /);
    expect(r.stderr).not.toContain('    at ');
  });
});
