// `ftlab eval-model` equals PyTorch on the same files: expected.json was computed by
// scripts/torch_parity.py (plain torch Llama forward) for a small random model with GQA, an untied head
// and a LoRA adapter on all seven projections, over records in all four dataset formats.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../../..');
const F = join(root, 'test/engines/llm/fixtures/parity');
const expected = JSON.parse(readFileSync(join(F, 'expected.json'), 'utf8'));

function evalModel(extra: string[]): { loss: number; tokens: number } {
  const out = execFileSync(
    process.execPath,
    [join(root, 'dist/cli.js'), 'eval-model', '--model', join(F, 'model'), '--data', join(F, 'data.jsonl'), '--json', ...extra],
    { encoding: 'utf8' },
  );
  return JSON.parse(out);
}

describe('eval-model matches PyTorch', () => {
  it('base model', () => {
    const r = evalModel([]);
    expect(r.tokens).toBe(expected.base.tokens);
    expect(Math.abs(r.loss - expected.base.loss) / expected.base.loss).toBeLessThan(1e-5);
  });

  it('base model + LoRA adapter', () => {
    const r = evalModel(['--adapter', join(F, 'adapter')]);
    expect(r.tokens).toBe(expected.with_adapter.tokens);
    expect(Math.abs(r.loss - expected.with_adapter.loss) / expected.with_adapter.loss).toBeLessThan(1e-5);
    // the adapter really changes the function
    expect(Math.abs(r.loss - expected.base.loss)).toBeGreaterThan(1e-2);
  });

  const torchOk = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!torchOk)('live: torch_parity.py agrees with the committed fixture', () => {
    const out = execFileSync(
      '/usr/bin/python3',
      [
        join(root, 'scripts/torch_parity.py'),
        '--model',
        join(F, 'model'),
        '--adapter',
        join(F, 'adapter'),
        '--data',
        join(F, 'data.jsonl'),
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out).loss).toBeCloseTo(expected.with_adapter.loss, 6);
  });
});
