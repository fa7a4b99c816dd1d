// The engine's backward() against PyTorch autograd. grads.safetensors was written by
// scripts/torch_parity.py --grads (float64 autograd, plain torch Llama) from the files in
// fixtures/grad: a random model with GQA and a tied head, a LoRA adapter (r = 8, all seven projections,
// random A and B) and records in all four dataset formats as one right-padded batch, one cut to the
// context. Three set-ups: LoRA, full fine-tuning (every tensor), QLoRA (the same adapter on the NF4 base).
// Tolerance: per tensor, ‖g_engine − g_torch‖ / ‖g_torch‖ < 1e-5 and every entry within 1e-5 of the
// tensor's largest |g_torch| (fp32 arithmetic lands around 1e-6; torch's own fp32 run is as far from
// its fp64 one).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeDataset, makeBatch, readJsonl } from '../../../src/engines/llm/data.js';
import { loadAdapter, loadModel } from '../../../src/engines/llm/io.js';
import { readSafetensors, type TensorMap } from '../../../src/engines/llm/safetensors.js';

const root = join(__dirname, '../../..');
const F = join(root, 'test/engines/llm/fixtures/grad');
const fixture = readSafetensors(join(F, 'grads.safetensors'));
const SETUPS = ['lora', 'full', 'qlora'] as const;
type Setup = (typeof SETUPS)[number];

function engineGrads(setup: Setup): { loss: number; count: number; B: number; T: number; grads: Map<string, Float32Array> } {
  const { model, tokenizer } = loadModel(join(F, 'model'), { quantize: setup === 'qlora' });
  const { examples } = encodeDataset(tokenizer, readJsonl(join(F, 'data.jsonl')), model.config.maxPositions, 'data.jsonl');
  const b = makeBatch(examples, tokenizer.padId);
  let set = model.params;
  if (setup === 'full') model.grads = model.params.zerosLike();
  else {
    model.adapter = loadAdapter(join(F, 'adapter'), model.config).adapter;
    model.adapterGrads = model.adapter.params.zerosLike();
    set = model.adapter.params;
  }
  const r = model.forward(b.tokens, b.targets, b.B, b.T);
  model.backward();
  const buf = setup === 'full' ? model.grads! : model.adapterGrads!;
  return { loss: r.loss, count: r.count, B: b.B, T: b.T, grads: new Map(set.specs.map((s) => [s.name, set.view(s.name, buf)])) };
}

/** Worst per-tensor errors of `ours` against the reference tensors `setup/<name>` of `ref`. */
function compare(
  ours: Map<string, Float32Array>,
  ref: TensorMap,
  setup: Setup,
): { rel: number; entry: number; where: string; tensors: number } {
  let rel = 0;
  let entry = 0;
  let where = '';
  let tensors = 0;
  for (const [key, t] of ref) {
    if (!key.startsWith(`${setup}/`)) continue;
    const name = key.slice(setup.length + 1);
    const g = ours.get(name);
    expect(g, `${name} has no engine gradient`).toBeDefined();
    expect(g!.length).toBe(t.data.length);
    tensors++;
    let diff = 0;
    let norm = 0;
    let max = 0;
    let worst = 0;
    for (let i = 0; i < g!.length; i++) {
      const d = g![i] - t.data[i];
      diff += d * d;
      norm += t.data[i] * t.data[i];
      max = Math.max(max, Math.abs(t.data[i]));
      worst = Math.max(worst, Math.abs(d));
    }
    expect(norm, `${name}: the reference gradient is zero`).toBeGreaterThan(0);
    const r = Math.sqrt(diff / norm);
    if (r > rel) [rel, where] = [r, name];
    entry = Math.max(entry, worst / max);
  }
  expect(ours.size).toBe(tensors);
  return { rel, entry, where, tensors };
}

describe('gradients match PyTorch autograd', () => {
  for (const setup of SETUPS) {
    it(`${setup}: every tensor within 1e-5 relative`, () => {
      const e = engineGrads(setup);
      const m = fixture.metadata;
      expect([e.B, e.T]).toEqual(JSON.parse(m.batch));
      expect(e.count).toBe(Number(m[`${setup}.count`]));
      expect(Math.abs(e.loss - Number(m[`${setup}.loss`])) / Number(m[`${setup}.loss`])).toBeLessThan(1e-6);
      const c = compare(e.grads, fixture.tensors, setup);
      expect(c.tensors).toBe(setup === 'full' ? 20 : 28);
      expect(c.rel, `worst tensor ${c.where}`).toBeLessThan(1e-5);
      expect(c.entry).toBeLessThan(1e-5);
    });
  }

  const torchOk = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!torchOk)('live: torch_parity.py --grads writes the committed gradients again', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ftlab-grads-')), 'grads.safetensors');
    const args = ['--model', join(F, 'model'), '--adapter', join(F, 'adapter'), '--data', join(F, 'data.jsonl'), '--grads', out];
    const r = spawnSync('/usr/bin/python3', [join(root, 'scripts/torch_parity.py'), ...args], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const live = readSafetensors(out);
    expect([...live.tensors.keys()]).toEqual([...fixture.tensors.keys()]);
    for (const setup of SETUPS) {
      const committed = new Map(
        [...fixture.tensors].filter(([k]) => k.startsWith(`${setup}/`)).map(([k, t]) => [k.slice(setup.length + 1), t.data]),
      );
      // float64 runs of the same script: equal to the float32 rounding the reader applies
      expect(compare(committed, live.tensors, setup).rel).toBeLessThan(1e-7);
      expect(compareEngine(setup, live.tensors)).toBeLessThan(1e-5);
    }
  });
});

function compareEngine(setup: Setup, ref: TensorMap): number {
  return compare(engineGrads(setup).grads, ref, setup).rel;
}
