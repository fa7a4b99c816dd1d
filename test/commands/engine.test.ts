// The engine's CLI contract end to end (dist/cli.js), on the small parity fixture model so it stays fast.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const F = join(root, 'test/engines/llm/fixtures/parity');
const tmp = mkdtempSync(join(tmpdir(), 'ftlab-cli-'));
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { encoding: 'utf8', cwd: tmp });

const rows = Array.from({ length: 16 }, (_, i) => JSON.stringify({ instruction: `Is ${i} odd?`, output: i % 2 ? 'yes' : 'no' }));
writeFileSync(join(tmp, 'train.jsonl'), rows.join('\n') + '\n');
writeFileSync(join(tmp, 'val.jsonl'), rows.slice(0, 4).join('\n') + '\n');

describe('engine CLI', () => {
  it('train --json streams one object per step, then the summary', () => {
    const r = cli(
      'train',
      '--model',
      join(F, 'model'),
      '--data',
      join(tmp, 'train.jsonl'),
      '--val',
      join(tmp, 'val.jsonl'),
      '--steps',
      '4',
      '--eval-every',
      '2',
      '--batch',
      '4',
      '--out',
      join(tmp, 'ad'),
      '--json',
    );
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(Object.keys(lines[0])).toEqual(expect.arrayContaining(['step', 'loss', 'lr', 'tokens_per_s']));
    expect(lines[1].val_loss).toBeTypeOf('number');
    const s = lines[4];
    for (const k of [
      'trainable_params',
      'total_params',
      'trainable_pct',
      'adapter_bytes',
      'base_bytes',
      'val_loss_before',
      'val_loss_after',
      'seconds',
      'out',
    ])
      expect(s, k).toHaveProperty(k);
    expect(s.trainable_pct).toBeCloseTo((100 * s.trainable_params) / s.total_params, 10);
    expect(s.out).toBe(join(tmp, 'ad'));
    expect(r.stderr).toMatch(/trainable params: [\d,]+ \|\| all params: [\d,]+ \|\| trainable%: [\d.]+/);
  });

  it('eval-model, generate, merge and tokenize speak JSON', () => {
    const ev = cli('eval-model', '--model', join(F, 'model'), '--data', join(tmp, 'val.jsonl'), '--json');
    expect(ev.status, ev.stderr).toBe(0);
    expect(Object.keys(JSON.parse(ev.stdout))).toEqual(['loss', 'perplexity', 'tokens']);
    const g = cli('generate', '--model', join(F, 'model'), '--prompt', 'hi', '--max-tokens', '5', '--seed', '1', '--json');
    expect(g.status, g.stderr).toBe(0);
    expect(JSON.parse(g.stdout).tokens).toBeLessThanOrEqual(5);
    const m = cli('merge', '--model', join(F, 'model'), '--adapter', join(F, 'adapter'), '--out', join(tmp, 'merged'), '--json');
    expect(m.status, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout).max_abs_logit_diff).toBeLessThan(1e-3);
    const merged = JSON.parse(cli('eval-model', '--model', join(tmp, 'merged'), '--data', join(F, 'data.jsonl'), '--json').stdout);
    const withAd = JSON.parse(
      cli('eval-model', '--model', join(F, 'model'), '--adapter', join(F, 'adapter'), '--data', join(F, 'data.jsonl'), '--json').stdout,
    );
    expect(merged.loss).toBeCloseTo(withAd.loss, 4);
    const t = cli('tokenize', '--model', join(F, 'model'), '--text', 'A é', '--json');
    expect(JSON.parse(t.stdout)).toEqual({ ids: [256, 65, 32, 195, 169], tokens: ['<s>', 'A', 'Ġ', 'Ã', '©'] });
  });

  it('bad input: dataset errors name file:line (exit 1), bad flags exit 2', () => {
    writeFileSync(join(tmp, 'bad.jsonl'), '{"text": "ok"}\n{oops\n{"prompt": 3, "completion": "x"}\n');
    const r = cli('eval-model', '--model', join(F, 'model'), '--data', join(tmp, 'bad.jsonl'), '--json');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad.jsonl:2: invalid JSON');
    expect(r.stderr).toContain('bad.jsonl:3: "prompt" must be a string');
    expect(r.stdout).toBe('');
    const missing = cli('eval-model', '--model', join(F, 'model'), '--data', join(tmp, 'missing.jsonl'), '--json');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`cannot read the dataset ${join(tmp, 'missing.jsonl')}: no such file`);
    expect(missing.stderr).toContain('labs/lora/data');
    expect(cli('train', '--model', join(F, 'model'), '--rank', '0').status).toBe(2);
    expect(cli('train', '--model', join(F, 'model'), '--targets', 'qq_proj').status).toBe(2);
    expect(cli('tokenize', '--model', join(F, 'model')).status).toBe(2);
    expect(cli('eval-model', '--model', join(tmp, 'nope'), '--data', join(tmp, 'val.jsonl')).status).toBe(2);
  });
});
