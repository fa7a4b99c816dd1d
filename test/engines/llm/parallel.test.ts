// Training and evaluation on several threads (parallel/runner.ts): the same bits for any thread count,
// gradients that still match PyTorch, and workers that go away on errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { encodeDataset, readJsonl, type Example } from '../../../src/engines/llm/data.js';
import { evaluateLoss, evaluateLossParallel } from '../../../src/engines/llm/eval.js';
import { loadAdapter, loadModel } from '../../../src/engines/llm/io.js';
import { targetCount } from '../../../src/engines/llm/parallel/replica.js';
import { ParallelRunner } from '../../../src/engines/llm/parallel/runner.js';
import { readSafetensors } from '../../../src/engines/llm/safetensors.js';
import { train, TRAIN_DEFAULTS, type StepEvent, type TrainOptions } from '../../../src/engines/llm/train.js';
import { saveTinyByteModel } from './helpers.js';

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'ftlab-threads-'));
saveTinyByteModel(join(dir, 'base'));
// records of different lengths and formats, so shards differ in size
const rows = Array.from({ length: 30 }, (_, i) =>
  JSON.stringify(
    i % 3 === 0
      ? { text: `note ${i}: ${'lora '.repeat(i % 5)}adapters` }
      : { prompt: `n${i % 7}${'?'.repeat(i % 4)}`, completion: i % 2 ? 'odd' : 'even number' },
  ),
);
writeFileSync(join(dir, 'train.jsonl'), rows.join('\n'));
writeFileSync(join(dir, 'val.jsonl'), rows.slice(0, 7).join('\n'));

const opts = (over: Partial<TrainOptions>): TrainOptions => ({
  ...TRAIN_DEFAULTS,
  modelDir: join(dir, 'base'),
  dataFile: join(dir, 'train.jsonl'),
  valFile: join(dir, 'val.jsonl'),
  outDir: join(dir, 'out'),
  steps: 6,
  batch: 5,
  gradAccum: 2,
  warmup: 1,
  lr: 1e-2,
  evalEvery: 3,
  patience: 0,
  resume: false,
  ...over,
});

async function run(o: TrainOptions): Promise<{ losses: StepEvent[]; bytes: Buffer; val: number | null }> {
  const losses: StepEvent[] = [];
  const s = await train(o, { onStep: (e) => losses.push(e) });
  const file = o.method === 'full' ? 'model.safetensors' : 'adapter_model.safetensors';
  return { losses, bytes: readFileSync(join(s.out, file)), val: s.val_loss_after };
}

describe('results do not depend on the thread count', () => {
  for (const method of ['lora', 'qlora', 'full'] as const) {
    it(`${method}: 1, 2 and 3 threads give byte-identical weights and the same losses`, async () => {
      // LoRA with dropout, so every shard draws its own masks
      const base = { method, dropout: method === 'full' ? 0 : 0.1, targets: ['q_proj', 'v_proj', 'down_proj'] as TrainOptions['targets'] };
      if (method === 'full') Object.assign(base, { lr: 1e-3 });
      const r1 = await run(opts({ ...base, threads: 1, outDir: join(dir, `${method}-1`) }));
      const r2 = await run(opts({ ...base, threads: 2, outDir: join(dir, `${method}-2`) }));
      const r3 = await run(opts({ ...base, threads: 3, outDir: join(dir, `${method}-3`) }));
      const key = (r: typeof r1) => r.losses.map((e) => [e.loss, e.val_loss ?? null, e.grad_norm]);
      expect(r1.losses).toHaveLength(6);
      expect(key(r2)).toEqual(key(r1));
      expect(key(r3)).toEqual(key(r1));
      expect(r2.val).toBe(r1.val);
      expect(r2.bytes.equals(r1.bytes)).toBe(true);
      expect(r3.bytes.equals(r1.bytes)).toBe(true);
    }, 120_000);
  }

  it('evaluation: the runner on 1 and 3 threads and evaluateLoss on this thread agree to the bit', async () => {
    const { model, tokenizer } = loadModel(join(dir, 'base'));
    const { examples } = encodeDataset(tokenizer, readJsonl(join(dir, 'train.jsonl')), 64, 'train.jsonl');
    const here = evaluateLoss(model, examples);
    for (const threads of [1, 3]) {
      await using runner = await ParallelRunner.start(model, { trains: 'none', threads });
      const r = await evaluateLossParallel(runner, examples);
      expect(r).toEqual(here);
    }
  });
});

describe('sharded gradients match PyTorch autograd (fixtures/grad)', () => {
  const F = join(root, 'test/engines/llm/fixtures/grad');
  const fixture = readSafetensors(join(F, 'grads.safetensors'));
  for (const setup of ['lora', 'full', 'qlora'] as const)
    for (const threads of [1, 2])
      it(`${setup} on ${threads} thread(s)`, async () => {
        const { model, tokenizer } = loadModel(join(F, 'model'), { quantize: setup === 'qlora' });
        if (setup !== 'full') model.adapter = loadAdapter(join(F, 'adapter'), model.config).adapter;
        const { examples } = encodeDataset(tokenizer, readJsonl(join(F, 'data.jsonl')), model.config.maxPositions, 'data.jsonl');
        const set = setup === 'full' ? model.params : model.adapter!.params;
        const grads = set.zerosLike();
        const count = examples.reduce((a, e) => a + targetCount(e), 0);
        await using runner = await ParallelRunner.start(model, { trains: setup === 'full' ? 'base' : 'adapter', threads });
        const r = await runner.lossAndGrad(examples, 1 / count, grads);
        expect(r.count).toBe(Number(fixture.metadata[`${setup}.count`]));
        expect(Math.abs(r.sum / r.count - Number(fixture.metadata[`${setup}.loss`]))).toBeLessThan(1e-5);
        let worst = 0;
        for (const s of set.specs) {
          const ref = fixture.tensors.get(`${setup}/${s.name}`)!.data;
          const g = set.view(s.name, grads);
          let d = 0;
          let n = 0;
          for (let i = 0; i < g.length; i++) {
            d += (g[i] - ref[i]) ** 2;
            n += ref[i] ** 2;
          }
          worst = Math.max(worst, Math.sqrt(d / n));
        }
        expect(worst).toBeLessThan(1e-5);
      });
});

describe('workers go away', () => {
  const examples = (ids: number[][]): Example[] => ids.map((x, line) => ({ line, ids: x, mask: x.map((_, i) => i > 0) }));

  it('an error in a worker rejects the call with its message, stops the others and breaks the runner', async () => {
    const { model } = loadModel(join(dir, 'base'));
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      const runner = await ParallelRunner.start(model, { trains: 'none', threads: 3 });
      // a token outside the vocabulary fails in whichever worker takes that shard
      const bad = examples([
        [256, 1, 2, 3],
        [256, 4, 9999, 5],
        [256, 7, 8],
        [256, 9, 10, 11],
      ]);
      await expect(runner.loss(bad)).rejects.toThrow(/token id 9999 is outside the vocabulary/);
      await expect(runner.loss(examples([[256, 1, 2]]))).rejects.toThrow();
      await runner.close();
      expect(terminate).toHaveBeenCalledTimes(3);
    } finally {
      terminate.mockRestore();
    }
  });

  it('closing a runner during a call rejects the call instead of leaving it waiting', async () => {
    const { model } = loadModel(join(dir, 'base'));
    const runner = await ParallelRunner.start(model, { trains: 'none', threads: 2 });
    const long = examples(Array.from({ length: 40 }, () => [256, ...Array.from({ length: 60 }, (_, i) => 97 + (i % 26))]));
    // the expectation is attached before close() rejects the call, so the rejection is never unhandled
    const rejected = expect(runner.loss(long)).rejects.toThrow(/closed/);
    await runner.close();
    await rejected;
  });

  it('a training run that throws closes its runner', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    try {
      await expect(
        train(opts({ threads: 2, outDir: join(dir, 'throws') }), {
          onStep: (e) => {
            if (e.step === 2) throw new Error('the UI went away');
          },
        }),
      ).rejects.toThrow('the UI went away');
      expect(terminate).toHaveBeenCalledTimes(2);
    } finally {
      terminate.mockRestore();
    }
  });
});
