// LoRA adapters: for a frozen projection W[out,in], y = x·Wᵀ + (alpha/r)·(dropout(x)·Aᵀ)·Bᵀ with
// A[r,in] and B[out,r] trainable. A starts as PEFT initialises it (kaiming_uniform_ with a=√5, which
// is U(−1/√in, 1/√in)) and B at zero, so training starts exactly at the base model.
import type { LlamaConfig } from './config.js';
import { ParamSet, PROJECTIONS, projectionPath, projectionShape, type Projection } from './params.js';
import type { Rng } from './rng.js';

export interface LoraConfig {
  r: number;
  alpha: number;
  dropout: number;
  targets: Projection[];
  /** Layer indices to adapt (null = all), PEFT's layers_to_transform. */
  layers: number[] | null;
  /** rsLoRA scaling alpha/√r instead of alpha/r (PEFT's use_rslora). */
  useRslora: boolean;
}

export interface LoraModule {
  path: string; // HF module path, e.g. model.layers.0.self_attn.q_proj
  layer: number;
  proj: Projection;
  inF: number;
  outF: number;
  aName: string;
  bName: string;
}

export const PEFT_PREFIX = 'base_model.model.';

export class LoraAdapter {
  readonly params: ParamSet;
  readonly modules: LoraModule[];
  readonly scaling: number;

  constructor(
    readonly model: LlamaConfig,
    readonly config: LoraConfig,
    data?: Float32Array,
  ) {
    validateLoraConfig(config, model);
    this.modules = loraModules(model, config);
    this.params = new ParamSet(loraEntries(this.modules, config.r), data);
    this.scaling = config.useRslora ? config.alpha / Math.sqrt(config.r) : config.alpha / config.r;
  }

  /** PEFT's initialisation: A ~ U(−1/√in, 1/√in) (kaiming uniform, a=√5), B = 0. */
  static create(model: LlamaConfig, config: LoraConfig, rng: Rng): LoraAdapter {
    const ad = new LoraAdapter(model, config);
    for (const m of ad.modules) {
      const a = ad.params.view(m.aName);
      const bound = 1 / Math.sqrt(m.inF);
      for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-bound, bound);
    }
    return ad;
  }

  module(layer: number, proj: Projection): LoraModule | undefined {
    return this.modules.find((m) => m.layer === layer && m.proj === proj);
  }
}

/** The adapted projections of a config, in the fixed order of the tensors. */
export function loraModules(model: LlamaConfig, config: LoraConfig): LoraModule[] {
  const modules: LoraModule[] = [];
  for (let l = 0; l < model.numLayers; l++) {
    if (config.layers && !config.layers.includes(l)) continue;
    for (const p of PROJECTIONS) {
      if (!config.targets.includes(p)) continue;
      const [outF, inF] = projectionShape(model, p);
      const path = projectionPath(l, p);
      modules.push({
        path,
        layer: l,
        proj: p,
        inF,
        outF,
        aName: `${PEFT_PREFIX}${path}.lora_A.weight`,
        bName: `${PEFT_PREFIX}${path}.lora_B.weight`,
      });
    }
  }
  return modules;
}

/** Tensor names and shapes (A is [r, in], B is [out, r]); computed without allocating, so a loader can check a file first. */
export function loraEntries(modules: LoraModule[], r: number): Array<[string, number[]]> {
  return modules.flatMap((m): Array<[string, number[]]> => [
    [m.aName, [r, m.inF]],
    [m.bName, [m.outF, r]],
  ]);
}

export function validateLoraConfig(c: LoraConfig, model: LlamaConfig): void {
  if (!Number.isInteger(c.r) || c.r < 1) throw new Error(`LoRA rank must be a positive integer (got ${c.r})`);
  if (!(c.alpha > 0)) throw new Error(`LoRA alpha must be positive (got ${c.alpha})`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new Error(`LoRA dropout must be in [0, 1) (got ${c.dropout})`);
  if (!c.targets.length) throw new Error('LoRA needs at least one target module');
  for (const t of c.targets)
    if (!PROJECTIONS.includes(t)) throw new Error(`unknown LoRA target "${t}" (choose from ${PROJECTIONS.join(', ')})`);
  for (const l of c.layers ?? [])
    if (!Number.isInteger(l) || l < 0 || l >= model.numLayers)
      throw new Error(`layer ${l} does not exist (the model has ${model.numLayers})`);
}

/**
 * W' = W + s·B·A for every adapted projection: returns merged copies of the base tensors, keyed by
 * their HF weight name. The base buffer itself is not touched.
 */
export function mergedWeights(adapter: LoraAdapter, baseWeight: (name: string) => Float32Array): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const r = adapter.config.r;
  const s = adapter.scaling;
  for (const m of adapter.modules) {
    const name = `${m.path}.weight`;
    const w = Float32Array.from(baseWeight(name));
    const A = adapter.params.view(m.aName);
    const B = adapter.params.view(m.bName);
    for (let o = 0; o < m.outF; o++)
      for (let k = 0; k < r; k++) {
        const b = s * B[o * r + k];
        if (b === 0) continue;
        const ao = k * m.inF;
        const wo = o * m.inF;
        for (let i = 0; i < m.inF; i++) w[wo + i] += b * A[ao + i];
      }
    out.set(name, w);
  }
  return out;
}
