// All weights of a model live in one Float32Array; each named tensor is a view into it (llm.c's
// ParameterTensors). Gradients and optimizer moments use the same layout, so updates are one loop.
import type { LlamaConfig } from './config.js';

export interface ParamSpec {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

export class ParamSet {
  readonly specs: ParamSpec[] = [];
  readonly byName = new Map<string, ParamSpec>();
  readonly data: Float32Array;

  constructor(entries: Array<[string, number[]]>, data?: Float32Array) {
    let offset = 0;
    for (const [name, shape] of entries) {
      const size = shape.reduce((a, b) => a * b, 1);
      const spec = { name, shape, offset, size };
      this.specs.push(spec);
      this.byName.set(name, spec);
      offset += size;
    }
    if (data && data.length !== offset) throw new Error(`parameter buffer has ${data.length} values, layout needs ${offset}`);
    this.data = data ?? new Float32Array(offset);
  }

  get size(): number {
    return this.data.length;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  view(name: string, buf: Float32Array = this.data): Float32Array {
    const s = this.byName.get(name);
    if (!s) throw new Error(`no parameter named ${name}`);
    return buf.subarray(s.offset, s.offset + s.size);
  }

  /** A second buffer with the same layout (gradients, Adam moments). */
  zerosLike(): Float32Array {
    return new Float32Array(this.data.length);
  }
}

export const PROJECTIONS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type Projection = (typeof PROJECTIONS)[number];

/** HF module path of a projection in layer `l` (without `.weight`). */
export function projectionPath(l: number, p: Projection): string {
  const block = p === 'gate_proj' || p === 'up_proj' || p === 'down_proj' ? 'mlp' : 'self_attn';
  return `model.layers.${l}.${block}.${p}`;
}

/** [out, in] shape of a projection (HF nn.Linear weight layout). */
export function projectionShape(c: LlamaConfig, p: Projection): [number, number] {
  const C = c.hiddenSize;
  const qDim = c.numHeads * c.headDim;
  const kvDim = c.numKvHeads * c.headDim;
  switch (p) {
    case 'q_proj':
      return [qDim, C];
    case 'k_proj':
    case 'v_proj':
      return [kvDim, C];
    case 'o_proj':
      return [C, qDim];
    case 'gate_proj':
    case 'up_proj':
      return [c.intermediateSize, C];
    case 'down_proj':
      return [C, c.intermediateSize];
  }
}

/** The HF LlamaForCausalLM tensor names and shapes, in a fixed order. */
export function llamaParamEntries(c: LlamaConfig): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [['model.embed_tokens.weight', [c.vocabSize, c.hiddenSize]]];
  for (let l = 0; l < c.numLayers; l++) {
    out.push([`model.layers.${l}.input_layernorm.weight`, [c.hiddenSize]]);
    for (const p of ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as const) out.push([`${projectionPath(l, p)}.weight`, projectionShape(c, p)]);
    out.push([`model.layers.${l}.post_attention_layernorm.weight`, [c.hiddenSize]]);
    for (const p of ['gate_proj', 'up_proj', 'down_proj'] as const) out.push([`${projectionPath(l, p)}.weight`, projectionShape(c, p)]);
  }
  out.push(['model.norm.weight', [c.hiddenSize]]);
  if (!c.tieWordEmbeddings) out.push(['lm_head.weight', [c.vocabSize, c.hiddenSize]]);
  return out;
}
