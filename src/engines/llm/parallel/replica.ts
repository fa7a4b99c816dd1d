// One thread's copy of the model for data-parallel training and evaluation, and the canonical
// per-example computation every thread runs.
//
// Why this makes results independent of the thread count: a batch is cut into fixed shards — one
// example each, at its own length (no padding) — and every shard is computed by the same code on a
// replica holding the same weights, whichever thread runs it. Shard gradients are then added into
// the step's gradient in shard order (0 + g₀ + g₁ + …) and shard losses summed in shard order, so the
// floating-point sums never depend on how many threads there were or which one took which shard.
import type { LlamaConfig } from '../config.js';
import type { Example } from '../data.js';
import { arena, type Arena } from '../kernels/index.js';
import { IGNORE } from '../kernels/ops.js';
import { LoraAdapter, type LoraConfig } from '../lora.js';
import { LlamaModel } from '../model.js';
import { blockAbsmax, type NF4Tensor } from '../nf4.js';
import { llamaParamEntries, ParamSet, PROJECTIONS } from '../params.js';
import { Rng } from '../rng.js';

/** What a replica is built from (plain data and typed arrays, so it can be posted to a worker). */
export interface ReplicaSpec {
  config: LlamaConfig;
  /** The fp32 tensors of llamaParamEntries(config), minus the NF4 ones, in that order. */
  params: Float32Array;
  /** Projection weights held as NF4 (QLoRA), by tensor name. */
  quantized: Array<[string, NF4Tensor]> | null;
  adapter: { config: LoraConfig; params: Float32Array } | null;
  /** What gets gradients: the adapter, every base tensor, or nothing (evaluation only). */
  trains: 'adapter' | 'base' | 'none';
}

/** A spec for `model` as it is now (weights are referenced, not copied). */
export function replicaSpec(model: LlamaModel, trains: ReplicaSpec['trains']): ReplicaSpec {
  return {
    config: model.config,
    params: model.params.data,
    quantized: model.quantized ? [...model.quantized] : null,
    adapter: model.adapter ? { config: model.adapter.config, params: model.adapter.params.data } : null,
    trains,
  };
}

/** One example as a batch of one: tokens, next-token targets (IGNORE where not trained on). */
export function exampleBatch(e: Example): { tokens: Int32Array; targets: Int32Array; T: number; count: number } {
  const T = e.ids.length;
  const tokens = Int32Array.from(e.ids);
  const targets = new Int32Array(T).fill(IGNORE);
  let count = 0;
  for (let t = 0; t + 1 < T; t++)
    if (e.mask[t + 1]) {
      targets[t] = e.ids[t + 1];
      count++;
    }
  return { tokens, targets, T, count };
}

export interface ShardInput {
  tokens: Int32Array;
  targets: Int32Array;
  /** Seed of the shard's dropout masks (training with LoRA dropout only). */
  seed?: number;
}

export class Replica {
  readonly model: LlamaModel;
  /** The buffer that trains (adapter or base parameters) and its gradient; null for evaluation. */
  readonly trainable: Float32Array | null;
  readonly grads: Float32Array | null;
  private mem: Arena;

  constructor(spec: ReplicaSpec) {
    // Weights are copied into the kernels' memory (no per-call copies); freed by dispose().
    this.mem = arena();
    const m = this.mem;
    const copy = (a: Float32Array) => {
      const v = m.f32(a.length);
      v.set(a);
      return v;
    };
    const entries = llamaParamEntries(spec.config);
    const q = spec.quantized ? new Map(spec.quantized) : null;
    const params = new ParamSet(
      entries.filter(([name]) => !q?.has(name)),
      copy(spec.params),
    );
    let quantized: Map<string, NF4Tensor> | null = null;
    if (q) {
      quantized = new Map();
      for (const [name, t] of q) {
        // the absmax values as the dequantisation uses them (decoded once when double-quantised)
        const packed = m.u8(t.packed.length);
        packed.set(t.packed);
        quantized.set(name, { shape: t.shape, length: t.length, packed, absmax: copy(blockAbsmax(t)), dq: null });
      }
      if (![...quantized.keys()].every((n) => PROJECTIONS.some((p) => n.endsWith(`${p}.weight`))))
        throw new Error('only projection weights can be held as NF4');
    }
    this.model = new LlamaModel(spec.config, params, quantized);
    if (spec.adapter) this.model.adapter = new LoraAdapter(spec.config, spec.adapter.config, copy(spec.adapter.params));
    if (spec.trains === 'adapter') {
      if (!this.model.adapter) throw new Error('a replica that trains the adapter needs one');
      this.trainable = this.model.adapter.params.data;
      this.grads = this.model.adapterGrads = m.f32(this.trainable.length);
    } else if (spec.trains === 'base') {
      this.trainable = params.data;
      this.grads = this.model.grads = m.f32(params.size);
    } else {
      this.trainable = null;
      this.grads = null;
    }
  }

  /** New values of the trainable buffer (after an optimizer step). */
  setTrainable(values: Float32Array): void {
    if (!this.trainable) throw new Error('this replica does not train');
    this.trainable.set(values);
  }

  /**
   * Loss of one shard, and (when `scale` is given) the gradient of scale·(summed loss) in `grads`,
   * which are zeroed first. `dropout` runs the adapter's dropout with the shard's own seed.
   */
  run(s: ShardInput, scale: number | null, dropout: boolean): { sum: number; count: number } {
    const T = s.tokens.length;
    const train = dropout && s.seed !== undefined;
    const r = this.model.forward(s.tokens, s.targets, 1, T, train ? { train: true, rng: new Rng(s.seed!) } : {});
    if (scale !== null) {
      if (!this.grads) throw new Error('this replica does not train');
      this.grads.fill(0);
      this.model.backward(scale);
    }
    return { sum: r.sum, count: r.count };
  }

  dispose(): void {
    this.model.dispose();
    this.mem.release();
  }
}

/** acc += g, element by element (the one reduction step, the same on every thread). */
export function addInto(acc: Float32Array, g: Float32Array): void {
  for (let i = 0; i < g.length; i++) acc[i] += g[i];
}

/** Number of tokens of `e` that are prediction targets (what its loss is averaged over). */
export function targetCount(e: Example): number {
  let n = 0;
  for (let t = 1; t < e.mask.length; t++) if (e.mask[t]) n++;
  return n;
}
