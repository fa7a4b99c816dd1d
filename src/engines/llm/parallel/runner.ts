// Data-parallel training and evaluation on every core: the examples of a step are shards (one example
// each, replica.ts), taken by `threads` worker threads (engine.worker.ts) that each hold a replica of
// the model in their own WebAssembly memory. Gradients meet in one SharedArrayBuffer, added in shard
// order; losses are summed in shard order. A run gives the same bits with 1, 2 or 16 threads.
// With one thread there are no workers: the main thread runs the same shard loop on its own replica.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../../../shared/paths.js';
import type { Example } from '../data.js';
import type { LlamaModel } from '../model.js';
import { CTRL, type WorkerInit, type WorkerMessage, type WorkRequest } from './protocol.js';
import { exampleBatch, Replica, replicaSpec, type ReplicaSpec } from './replica.js';
import { runShards } from './shards.js';

export interface RunnerOptions {
  /** Worker threads (default: os.availableParallelism()); 1 runs everything on the calling thread. */
  threads?: number;
  /** What trains: the adapter, the base model's tensors, or nothing (evaluation only). */
  trains: ReplicaSpec['trains'];
  /** The bundled worker (default: dist/engine.worker.js of the package). */
  workerScript?: string;
  onNote?(message: string): void;
}

export function defaultThreads(): number {
  return availableParallelism();
}

export function engineWorkerScript(): string {
  return join(packageRoot(), 'dist', 'engine.worker.js');
}

export interface ShardResult {
  /** Summed loss over the counted targets, and their number. */
  sum: number;
  count: number;
}

interface Slot {
  worker: Worker;
  exited: boolean;
}

export class ParallelRunner {
  private slots: Slot[] = [];
  private local: Replica | null = null;
  private ctrl: Int32Array;
  private acc: Float32Array;
  private shared: Float32Array;
  private nextId = 1;
  private broken: Error | null = null;
  private pending: { id: number; left: Set<Slot>; errors: Array<{ message: string; stack?: string }>; done: () => void } | null = null;

  private constructor(
    readonly threads: number,
    private readonly trainable: Float32Array | null,
  ) {
    const n = trainable?.length ?? 0;
    this.ctrl = new Int32Array(new SharedArrayBuffer(CTRL.SIZE * 4));
    this.acc = new Float32Array(new SharedArrayBuffer(n * 4));
    this.shared = new Float32Array(new SharedArrayBuffer(n * 4));
  }

  /**
   * A runner for `model` as it is now: its weights, adapter and NF4 tensors are copied into each
   * thread's replica. Later changes to the trainable buffer (the adapter's or the model's parameters)
   * are picked up by every call; other changes are not.
   */
  static async start(model: LlamaModel, o: RunnerOptions): Promise<ParallelRunner> {
    let threads = Math.max(1, Math.floor(o.threads ?? defaultThreads()));
    const script = o.workerScript ?? engineWorkerScript();
    if (threads > 1 && !existsSync(script)) {
      o.onNote?.(`${script} is missing (run \`npm run build\`): using 1 thread`);
      threads = 1;
    }
    const spec = replicaSpec(model, o.trains);
    const trainable = o.trains === 'adapter' ? model.adapter!.params.data : o.trains === 'base' ? model.params.data : null;
    const r = new ParallelRunner(threads, trainable);
    if (threads === 1) {
      r.local = new Replica(spec);
      return r;
    }
    const init: WorkerInit = { spec, ctrl: r.ctrl, acc: r.acc, trainable: r.shared };
    const ready: Array<Promise<void>> = [];
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(script, { workerData: init });
      const slot: Slot = { worker, exited: false };
      r.slots.push(slot);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onFirst = (m: WorkerMessage) => {
            worker.off('message', onFirst);
            if (m.type === 'ready') resolve();
            else reject(new Error(`an engine worker could not start: ${m.type === 'error' ? m.message : m.type}`));
          };
          worker.on('message', onFirst);
          worker.once('exit', (code) => reject(new Error(`an engine worker exited with code ${code} while starting`)));
          worker.once('error', reject);
        }),
      );
      worker.on('message', (m: WorkerMessage) => r.onMessage(slot, m));
      worker.on('error', (e) => r.onGone(slot, e));
      worker.on('exit', (code) => r.onGone(slot, new Error(`an engine worker exited with code ${code}`)));
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await r.close();
      throw e;
    }
    for (const s of r.slots) s.worker.unref(); // an idle runner never keeps the process alive
    return r;
  }

  /**
   * Loss and gradient of one optimizer step. Each example is a shard; `grads` (the trainable
   * buffer's layout) receives Σ_shards ∂(scale·loss_shard), added in shard order. `seeds` (one per
   * example) turn on LoRA dropout with each shard's own masks.
   */
  async lossAndGrad(examples: Example[], scale: number, grads: Float32Array, seeds: number[] | null = null): Promise<ShardResult> {
    if (!this.trainable) throw new Error('this runner evaluates only');
    const out = await this.run(examples, scale, seeds);
    grads.set(this.acc);
    return out;
  }

  /** Summed loss and target count over the examples (each one a shard, summed in order). */
  async loss(examples: Example[]): Promise<ShardResult> {
    return this.run(examples, null, null);
  }

  private async run(examples: Example[], scale: number | null, seeds: number[] | null): Promise<ShardResult> {
    if (this.broken) throw this.broken;
    const shards = examples.map((e, i) => {
      const b = exampleBatch(e);
      return { tokens: b.tokens, targets: b.targets, ...(seeds ? { seed: seeds[i] } : {}) };
    });
    const results = new Float64Array(new SharedArrayBuffer(Math.max(1, shards.length) * 16));
    const sync = this.trainable !== null;
    if (sync) this.shared.set(this.trainable!);
    this.acc.fill(0);
    Atomics.store(this.ctrl, CTRL.NEXT, 0);
    Atomics.store(this.ctrl, CTRL.TURN, 0);
    Atomics.store(this.ctrl, CTRL.ABORT, 0);
    const work = { shards, scale, dropout: seeds !== null, results };
    if (this.local) {
      if (sync) this.local.setTrainable(this.shared);
      runShards(this.local, work, this.ctrl, this.acc);
    } else await this.dispatch({ id: this.nextId++, sync, ...work });
    let sum = 0;
    let count = 0;
    for (let s = 0; s < shards.length; s++) {
      sum += results[2 * s];
      count += results[2 * s + 1];
    }
    return { sum, count };
  }

  private dispatch(req: WorkRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const left = new Set(this.slots);
      this.pending = {
        id: req.id,
        left,
        errors: [],
        done: () => {
          const p = this.pending!;
          this.pending = null;
          for (const s of this.slots) s.worker.unref();
          if (!p.errors.length) return resolve();
          // the first real failure, not the "another thread failed" of the others
          const e = p.errors.find((x) => x.stack) ?? p.errors[0];
          const err = new Error(e.message);
          if (e.stack) err.stack = e.stack;
          this.broken = err;
          void this.close();
          reject(err);
        },
      };
      for (const s of this.slots) {
        s.worker.ref();
        s.worker.postMessage(req);
      }
    });
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    const p = this.pending;
    if (!p || m.type === 'ready' || m.id !== p.id) return;
    if (m.type === 'error') p.errors.push({ message: m.message, stack: m.stack });
    p.left.delete(slot);
    if (!p.left.size) p.done();
  }

  private onGone(slot: Slot, e: Error): void {
    if (slot.exited) return;
    slot.exited = true;
    this.broken ??= e;
    Atomics.store(this.ctrl, CTRL.ABORT, 1);
    Atomics.notify(this.ctrl, CTRL.TURN);
    const p = this.pending;
    if (p?.left.delete(slot)) {
      p.errors.push({ message: e.message, stack: e.stack });
      if (!p.left.size) p.done();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Stops the workers (or frees the local replica). The runner cannot be used afterwards. */
  async close(): Promise<void> {
    this.broken ??= new Error('the runner is closed');
    Atomics.store(this.ctrl, CTRL.ABORT, 1);
    Atomics.notify(this.ctrl, CTRL.TURN);
    this.local?.dispose();
    this.local = null;
    const slots = this.slots;
    this.slots = [];
    // a call in flight fails instead of waiting for workers that are going away
    const p = this.pending;
    if (p) {
      p.errors.push({ message: 'the runner was closed during a call' });
      p.left.clear();
      p.done();
    }
    await Promise.all(
      slots.map((s) => {
        s.exited = true;
        return s.worker.terminate();
      }),
    );
  }
}
