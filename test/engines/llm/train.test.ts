// The training loop on a tiny model: loss goes down, runs are deterministic, an interrupted run
// resumes to exactly the same adapter, QLoRA and full fine-tuning run, NF4 round-trips.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dequantizeNF4, NF4_CODE, quantizeNF4 } from '../../../src/engines/llm/nf4.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { train, TRAIN_DEFAULTS, TrainError, type TrainOptions } from '../../../src/engines/llm/train.js';
import { saveTinyByteModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ftlab-train-'));
saveTinyByteModel(join(dir, 'base'));
const rows = Array.from({ length: 24 }, (_, i) => JSON.stringify({ prompt: `n${i % 7}`, completion: i % 2 ? 'odd' : 'even' }));
writeFileSync(join(dir, 'train.jsonl'), rows.join('\n'));
writeFileSync(join(dir, 'val.jsonl'), rows.slice(0, 6).join('\n'));

const opts = (over: Partial<TrainOptions>): TrainOptions => ({
  ...TRAIN_DEFAULTS,
  modelDir: join(dir, 'base'),
  dataFile: join(dir, 'train.jsonl'),
  valFile: join(dir, 'val.jsonl'),
  outDir: join(dir, 'out'),
  steps: 12,
  batch: 4,
  warmup: 2,
  lr: 1e-2,
  evalEvery: 4,
  patience: 0,
  resume: false,
  ...over,
});

describe('training', () => {
  it('LoRA lowers validation loss, reports PEFT numbers, and is deterministic', async () => {
    const a = await train(opts({ outDir: join(dir, 'a') }));
    expect(a.val_loss_after!).toBeLessThan(a.val_loss_before!);
    expect(a.trainable_params).toBe(2 * (8 * (16 + 16) + 8 * (16 + 8))); // 2 layers × (q: r·(in+out), v: r·(in+out) with GQA)
    expect(a.peft_line).toMatch(/^trainable params: [\d,]+ \|\| all params: [\d,]+ \|\| trainable%: \d+\.\d{4}$/);
    await train(opts({ outDir: join(dir, 'b') }));
    expect(readFileSync(join(dir, 'b/adapter_model.safetensors'))).toEqual(readFileSync(join(dir, 'a/adapter_model.safetensors')));
  });

  it('an interrupted run resumes to exactly the uninterrupted result', async () => {
    const ref = await train(opts({ outDir: join(dir, 'ref') }));
    const ac = new AbortController();
    const cut = await train(opts({ outDir: join(dir, 'cut') }), { signal: ac.signal, onStep: (e) => e.step === 5 && ac.abort() });
    expect(cut.interrupted).toBe(true);
    expect(cut.steps).toBe(5);
    const resumed = await train(opts({ outDir: join(dir, 'cut'), resume: true }));
    expect(resumed.steps).toBe(12);
    expect(resumed.val_loss_after).toBe(ref.val_loss_after);
    expect(readFileSync(join(dir, 'cut/adapter_model.safetensors'))).toEqual(readFileSync(join(dir, 'ref/adapter_model.safetensors')));
  });

  it('a damaged checkpoint is a TrainError naming the file and saying how to start over', async () => {
    const ac = new AbortController();
    await train(opts({ outDir: join(dir, 'dmg') }), { signal: ac.signal, onStep: (e) => e.step === 2 && ac.abort() });
    const ckpt = join(dir, 'dmg/checkpoint');
    const weights = readFileSync(join(ckpt, 'trainer.safetensors'));
    writeFileSync(join(ckpt, 'trainer.safetensors'), weights.subarray(0, weights.length >> 1));
    await expect(train(opts({ outDir: join(dir, 'dmg'), resume: true }))).rejects.toThrow(
      new RegExp(`${join(ckpt, 'trainer.safetensors')}: .*rerun without --resume`),
    );
    writeFileSync(join(ckpt, 'trainer.safetensors'), weights);
    const state = readFileSync(join(ckpt, 'state.json'), 'utf8');
    writeFileSync(join(ckpt, 'state.json'), state.slice(0, 20));
    const err = await train(opts({ outDir: join(dir, 'dmg'), resume: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainError);
    expect((err as Error).message).toContain(join(ckpt, 'state.json'));
  });

  it('QLoRA holds the base in NF4 and full fine-tuning trains every parameter', async () => {
    const q = await train(opts({ method: 'qlora', outDir: join(dir, 'q') }));
    expect(q.base_memory_bytes).toBeLessThan(q.base_memory_fp32_bytes);
    expect(q.val_loss_after!).toBeLessThan(q.val_loss_before!);
    const f = await train(opts({ method: 'full', outDir: join(dir, 'f'), lr: 3e-3 }));
    expect(f.trainable_pct).toBe(100);
    expect(f.val_loss_after!).toBeLessThan(f.val_loss_before!);
  });

  it('early stopping ends the run when validation stops improving', async () => {
    const r = await train(opts({ outDir: join(dir, 'es'), steps: 200, lr: 0.2, evalEvery: 2, patience: 2, minDelta: 10 }));
    expect(r.stopped_early).toBe(true);
    expect(r.steps).toBe(4);
  });
});

describe('NF4', () => {
  it('packs two codes per byte with one absmax per 64 values and reconstructs within half a level', () => {
    const rng = new Rng(5);
    const w = Float32Array.from({ length: 200 }, () => rng.normal());
    const q = quantizeNF4(w, [200]);
    expect(q.packed.length).toBe(100);
    expect(q.absmax!.length).toBe(4);
    const d = dequantizeNF4(q);
    let maxGap = 0;
    for (let i = 1; i < 16; i++) maxGap = Math.max(maxGap, NF4_CODE[i] - NF4_CODE[i - 1]);
    for (let i = 0; i < 200; i++) expect(Math.abs(d[i] - w[i])).toBeLessThanOrEqual((maxGap / 2) * q.absmax![Math.floor(i / 64)] + 1e-6);
    // each block's largest magnitude is exact
    const i0 = Array.from(w.subarray(0, 64)).reduce((b, x, i, a) => (Math.abs(x) > Math.abs(a[b]) ? i : b), 0);
    expect(d[i0]).toBeCloseTo(w[i0], 6);
  });
});
