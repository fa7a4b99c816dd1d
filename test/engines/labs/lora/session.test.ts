// The LoRA lab's session against the real CLI: a tiny training run (parsed JSON lines, PEFT line,
// summary, before/after held-out scores, comparison row) and a run stopped with SIGINT (checkpoint).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LoraLabSession, estimateEta, meanRougeL, trainArgs, trainingMemoryBytes, DEFAULT_CONFIG } from '../../../../src/engines/labs/lora/session.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
let session: LoraLabSession | undefined;
afterEach(async () => {
  await session?.dispose();
  session = undefined;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// Small micro-batches and a 4-ticket validation file keep each step (and each validation) to a
// fraction of a second on a CPU.
const scratch = mkdtempSync(join(tmpdir(), 'ftlab-lora-session-test-'));
const smallVal = join(scratch, 'val.jsonl');
writeFileSync(smallVal, readFileSync(join(root, 'labs/lora/data/val.jsonl'), 'utf8').split('\n').slice(0, 4).join('\n') + '\n');
const tiny = ['--batch', '2', '--eval-every', '1', '--warmup', '0', '--val', smallVal];

describe('pure helpers', () => {
  it('estimates the time left from the pace so far', () => {
    expect(estimateEta(10, 5, 20)).toBe(30);
    expect(estimateEta(0, 0, 20)).toBeNull();
    expect(estimateEta(4, 4, 4)).toBe(0);
  });
  it('scores ROUGE-L against the reference answers', () => {
    expect(meanRougeL([{ output: 'category: billing\npriority: high', expected: 'category: billing\npriority: high' }])).toBe(1);
    const partial = meanRougeL([{ output: 'category: billing', expected: 'category: billing\npriority: high' }]);
    expect(partial).toBeGreaterThan(0.5);
    expect(partial).toBeLessThan(1);
    expect(meanRougeL([{ output: 'nothing alike', expected: 'category: billing' }])).toBe(0);
  });
  it('counts weights, gradients and AdamW moments for the memory column', () => {
    expect(trainingMemoryBytes('lora', 1000, 10)).toBe(1000 + 10 * 16);
    expect(trainingMemoryBytes('full', 1000, 250)).toBe(1000 + 250 * 12);
  });
  it('passes the picked hyperparameters to ftlab train', () => {
    expect(trainArgs(DEFAULT_CONFIG, '/o')).toEqual(['--method', 'lora', '--rank', '8', '--alpha', '16', '--targets', 'q_proj,v_proj', '--lr', '0.01', '--steps', '150', '--out', '/o']);
  });
});

describe('LoraLabSession', () => {
  it('trains, parses the progress, and scores the held-out tickets before and after', async () => {
    session = new LoraLabSession({ contentRoot: root, evalLimit: 1, extraTrainArgs: tiny });
    const seen: number[] = [];
    session.on('change', (s) => {
      const p = s.run?.points.at(-1);
      if (p && seen.at(-1) !== p.step) seen.push(p.step);
    });
    session.setConfig({ steps: 3, rank: 4 });
    await session.evaluateBase();
    const base = session.state.base!;
    expect(base.n).toBe(1);
    expect(base.samples[0].prompt.length).toBeGreaterThan(10);
    expect(base.rouge_l).toBeGreaterThanOrEqual(0);

    const run = (await session.start())!;
    expect(run.status).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
    expect(run.points.every((p) => p.val_loss !== undefined && p.tokens_per_s > 0)).toBe(true);
    expect(run.peftLine).toMatch(/^trainable params: [\d,]+ \|\| all params: [\d,]+ \|\| trainable%: [\d.]+$/);
    const s = run.summary!;
    // r=4 on q (hidden → heads·head_dim) and v (hidden → kv_heads·head_dim), every layer
    const c = JSON.parse(readFileSync(join(root, 'labs/lora/base/config.json'), 'utf8'));
    const hd = c.head_dim ?? c.hidden_size / c.num_attention_heads;
    expect(s.trainable_params).toBe(c.num_hidden_layers * (4 * (c.hidden_size + c.num_attention_heads * hd) + 4 * (c.hidden_size + c.num_key_value_heads * hd)));
    expect(s.peak_rss_bytes).toBeGreaterThan(s.base_memory_bytes);
    expect(s.adapter_bytes).toBeLessThan(s.base_bytes / 10);
    expect(existsSync(join(run.out, 'adapter_config.json'))).toBe(true);
    expect(run.after!.n).toBe(1);
    expect(session.state.comparison).toHaveLength(1);
    expect(session.state.comparison[0]).toMatchObject({ method: 'lora', trainable_params: s.trainable_params, val_loss: s.val_loss_after });
  }, 60_000);

  it('stops a run with SIGINT and the CLI leaves a checkpoint', async () => {
    session = new LoraLabSession({ contentRoot: root, evalLimit: 1, extraTrainArgs: tiny });
    session.setConfig({ steps: 300 });
    session.on('change', (s) => {
      if (s.run?.status === 'training' && s.run.points.length >= 1) session!.stop();
    });
    const run = (await session.start())!;
    expect(run.status).toBe('interrupted');
    expect(run.summary!.interrupted).toBe(true);
    expect(run.summary!.steps).toBeLessThan(300);
    expect(existsSync(join(run.out, 'checkpoint'))).toBe(true);
    expect(session.state.comparison).toHaveLength(0);
  }, 60_000);

  it('x then t with the same settings resumes from the checkpoint; changed settings start a new run and say so', async () => {
    session = new LoraLabSession({ contentRoot: root, evalLimit: 1, extraTrainArgs: tiny });
    session.setConfig({ steps: 12 });
    const stopAtFirstStep = (s: { run?: { status: string; points: unknown[] } }) => {
      if (s.run?.status === 'training' && s.run.points.length >= 1) session!.stop();
    };
    session.on('change', stopAtFirstStep);
    const stopped = (await session.start())!;
    session.off('change', stopAtFirstStep);
    expect(stopped.status).toBe('interrupted');
    const at = stopped.summary!.steps;
    expect(at).toBeLessThan(12);

    const resumed = (await session.start())!;
    expect(resumed.resumedFrom).toBe(at);
    expect(resumed.out).toBe(stopped.out);
    expect(resumed.status).toBe('done');
    expect(resumed.summary!.resumed_from_step).toBe(at);
    expect(resumed.summary!.steps).toBe(12);
    // the chart continues: the stopped run's points, then this run's, one per step
    expect(resumed.points.map((p) => p.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));

    // stop again, change a setting: the next run starts from step 0 in a new folder
    session.setConfig({ steps: 300 });
    session.on('change', stopAtFirstStep);
    const again = (await session.start())!;
    expect(again.status).toBe('interrupted');
    session.setConfig({ rank: 4 });
    const fresh = session.start();
    await new Promise<void>((ok) => {
      const seen = () => {
        if (session!.state.run?.points.length) {
          session!.off('change', seen);
          ok();
        }
      };
      session!.on('change', seen);
    });
    expect(session.state.run!.freshAfterStop).toBe(again.summary!.steps);
    expect(session.state.run!.resumedFrom).toBeUndefined();
    expect(session.state.run!.out).not.toBe(again.out);
    expect(session.state.run!.points[0].step).toBe(1);
    const last = (await fresh)!;
    expect(last.status).toBe('interrupted'); // stopAtFirstStep is still listening
  }, 120_000);
});
