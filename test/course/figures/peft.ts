// Worked figures of the PEFT module, recomputed with test/course/formulas.ts.
import { join } from 'node:path';
import {
  GB,
  adapterTrainingBytes,
  baseWithAdaptersBytes,
  bottleneckAdapterParams,
  denseParams,
  fmtFixed,
  fmtInt,
  fullCopiesBytes,
  loraLayerParams,
  loraModelParams,
  loraScaling,
  percentOf,
  prefixTuningParams,
  promptTuningParams,
  quantConstantBitsPerParam,
  weightBytes,
} from '../formulas.js';
import { readConfig, type LlamaConfig } from '../../../src/engines/llm/config.js';
import { LoraAdapter } from '../../../src/engines/llm/lora.js';
import { NF4_BLOCK, nf4Bytes, quantizeNF4 } from '../../../src/engines/llm/nf4.js';
import { llamaParamEntries } from '../../../src/engines/llm/params.js';
import { repoRoot, type Figure } from '../load.js';

// The same figures cross-checked against ftlab's training engine: a Llama-2-7B-shaped configuration
// (no weights are allocated for the base; only the LoRA parameter buffers are).
const llama2_7b: LlamaConfig = {
  vocabSize: 32000,
  hiddenSize: 4096,
  intermediateSize: 11008,
  numLayers: 32,
  numHeads: 32,
  numKvHeads: 32,
  headDim: 128,
  maxPositions: 4096,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: false,
  bosTokenId: 1,
  eosTokenId: 2,
};
const engineBaseParams = (): number => llamaParamEntries(llama2_7b).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
const engineLoraParams = (r: number, targets: LoraAdapter['config']['targets']): number =>
  new LoraAdapter(llama2_7b, { r, alpha: 2 * r, dropout: 0, targets, layers: null, useRslora: false }).params.size;
/** Bits per weight the engine's NF4 storage really uses (packed 4-bit codes + fp32 absmax per block). */
const engineNf4BitsPerWeight = (): number => {
  const n = 64 * NF4_BLOCK;
  const w = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
  return (nf4Bytes(quantizeNF4(w, [64, NF4_BLOCK])) * 8) / n;
};

const LLAMA2_7B_PARAMS = 6_738_415_616;
const attn = { in: 4096, out: 4096 };
const mlpUp = { in: 4096, out: 11008 };
const mlpDown = { in: 11008, out: 4096 };
const qv8 = loraModelParams(32, [attn, attn], 8);
const qkv8 = loraModelParams(32, [attn, attn, attn], 8);
const allLinear16 = loraModelParams(32, [attn, attn, attn, attn, mlpUp, mlpUp, mlpDown], 16);
const MB = 1e6;

// The LoRA lab's shipped micro model: what `ftlab train` prints for it.
const micro = (): LlamaConfig => readConfig(join(repoRoot, 'labs/lora/base/config.json'));
const microBase = (): number => llamaParamEntries(micro()).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
const microLora = (r: number): number =>
  new LoraAdapter(micro(), { r, alpha: 2 * r, dropout: 0, targets: ['q_proj', 'v_proj'], layers: null, useRslora: false }).params.size;

export const figures: Figure[] = [
  { lesson: 'peft-lora', expect: '= 14,336 trainable parameters', compute: () => `= ${fmtInt(microLora(8))} trainable parameters` },
  { lesson: 'peft-lora', expect: 'to 1,049,728 base parameters', compute: () => `to ${fmtInt(microBase())} base parameters` },
  {
    lesson: 'peft-lora',
    expect: 'trainable params: 14,336 || all params: 1,064,064 || trainable%: 1.3473',
    compute: () => {
      const t = microLora(8);
      const all = microBase() + t;
      return `trainable params: ${fmtInt(t)} || all params: ${fmtInt(all)} || trainable%: ${fmtFixed(percentOf(t, all), 4)}`;
    },
  },
  { lesson: 'peft-lora', expect: 'doubles the count (28,672)', compute: () => `doubles the count (${fmtInt(microLora(16))})` },
  {
    lesson: 'peft-lora',
    expect: '4 × (8 × (128 + 128) + 8 × (128 + 64)) = 14,336',
    compute: () => {
      const c = micro();
      const kv = c.numKvHeads * c.headDim;
      const n = c.numLayers * (loraLayerParams(c.hiddenSize, c.numHeads * c.headDim, 8) + loraLayerParams(c.hiddenSize, kv, 8));
      return `${c.numLayers} × (8 × (${c.hiddenSize} + ${c.numHeads * c.headDim}) + 8 × (${c.hiddenSize} + ${kv})) = ${fmtInt(n)}`;
    },
  },
  // peft-lora
  { lesson: 'peft-lora', expect: '16,777,216', compute: () => fmtInt(denseParams(4096, 4096)) },
  { lesson: 'peft-lora', expect: '| A | 8 × 4096 | 32,768 |', compute: () => `| A | 8 × 4096 | ${fmtInt(8 * 4096)} |` },
  { lesson: 'peft-lora', expect: '| A + B | | 65,536 |', compute: () => `| A + B | | ${fmtInt(loraLayerParams(4096, 4096, 8))} |` },
  {
    lesson: 'peft-lora',
    expect: '0.39 %',
    compute: () => `${fmtFixed(percentOf(loraLayerParams(4096, 4096, 8), denseParams(4096, 4096)), 2)} %`,
  },
  { lesson: 'peft-lora', expect: '32 × 2 × 65,536 = 4,194,304', compute: () => `32 × 2 × 65,536 = ${fmtInt(qv8)}` },
  { lesson: 'peft-lora', expect: 'all params: 6,742,609,920', compute: () => `all params: ${fmtInt(LLAMA2_7B_PARAMS + qv8)}` },
  {
    lesson: 'peft-lora',
    expect: 'trainable%: 0.0622',
    compute: () => `trainable%: ${fmtFixed(percentOf(qv8, LLAMA2_7B_PARAMS + qv8), 4)}`,
  },
  {
    lesson: 'peft-lora',
    expect: '39,976,960 parameters, 0.59 %',
    compute: () => `${fmtInt(allLinear16)} parameters, ${fmtFixed(percentOf(allLinear16, LLAMA2_7B_PARAMS + allLinear16), 2)} %`,
  },
  { lesson: 'peft-lora', expect: 'about 80 MB', compute: () => `about ${Math.round(weightBytes(allLinear16, 16) / MB)} MB` },
  { lesson: 'peft-lora', expect: 'about 13.5 GB', compute: () => `about ${fmtFixed(weightBytes(LLAMA2_7B_PARAMS, 16) / GB, 1)} GB` },
  { lesson: 'peft-lora', expect: 'the scale is 2', compute: () => `the scale is ${loraScaling(16, 8)}` },
  { lesson: 'peft-lora', expect: 'and 6,738,415,616 parameters', compute: () => `and ${fmtInt(engineBaseParams())} parameters` },
  {
    lesson: 'peft-lora',
    expect: '4,194,304 trainable parameters',
    compute: () => `${fmtInt(engineLoraParams(8, ['q_proj', 'v_proj']))} trainable parameters`,
  },
  {
    lesson: 'peft-lora',
    expect: 'grows to 39,976,960 parameters',
    compute: () =>
      `grows to ${fmtInt(engineLoraParams(16, ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']))} parameters`,
  },
  // peft-qlora
  { lesson: 'peft-qlora', expect: '= 0.5 extra bits per weight', compute: () => `= ${engineNf4BitsPerWeight() - 4} extra bits per weight` },
  {
    lesson: 'peft-qlora',
    expect: '(64-value blocks) | 3.94 GB',
    compute: () => `(64-value blocks) | ${fmtFixed(weightBytes(7e9, engineNf4BitsPerWeight()) / GB, 2)} GB`,
  },
  { lesson: 'peft-qlora', expect: 'about 14 GB', compute: () => `about ${weightBytes(7e9, 16) / GB} GB` },
  {
    lesson: 'peft-qlora',
    expect: '32 / 64 = 0.5 extra bits',
    compute: () => `32 / 64 = ${quantConstantBitsPerParam(64, false)} extra bits`,
  },
  { lesson: 'peft-qlora', expect: 'about 0.127 bits', compute: () => `about ${fmtFixed(quantConstantBitsPerParam(64, true), 3)} bits` },
  { lesson: 'peft-qlora', expect: '| bf16 (16 bits) | 14 GB |', compute: () => `| bf16 (16 bits) | ${weightBytes(7e9, 16) / GB} GB |` },
  {
    lesson: 'peft-qlora',
    expect: '| 4-bit values only | 3.5 GB |',
    compute: () => `| 4-bit values only | ${weightBytes(7e9, 4) / GB} GB |`,
  },
  {
    lesson: 'peft-qlora',
    expect: '3.94 GB',
    compute: () => `${fmtFixed(weightBytes(7e9, 4 + quantConstantBitsPerParam(64, false)) / GB, 2)} GB`,
  },
  {
    lesson: 'peft-qlora',
    expect: '3.61 GB',
    compute: () => `${fmtFixed(weightBytes(7e9, 4 + quantConstantBitsPerParam(64, true)) / GB, 2)} GB`,
  },
  { lesson: 'peft-qlora', expect: '4,194,304 parameters', compute: () => `${fmtInt(qv8)} parameters` },
  { lesson: 'peft-qlora', expect: '14.07 GB', compute: () => `${fmtFixed(adapterTrainingBytes(7e9, 16, qv8) / GB, 2)} GB` },
  { lesson: 'peft-qlora', expect: '3.57 GB', compute: () => `${fmtFixed(adapterTrainingBytes(7e9, 4, qv8) / GB, 2)} GB` },
  {
    lesson: 'peft-qlora',
    expect: 'about 33.5 GB instead of 130 GB at 4.127 bits',
    compute: () =>
      `about ${fmtFixed(weightBytes(65e9, 4 + quantConstantBitsPerParam(64, true)) / GB, 1)} GB instead of ${weightBytes(65e9, 16) / GB} GB at ${fmtFixed(4 + quantConstantBitsPerParam(64, true), 3)} bits`,
  },
  {
    lesson: 'peft-qlora',
    expect: 'about 0.11 GB',
    compute: () => `about ${fmtFixed(weightBytes(7e9, quantConstantBitsPerParam(64, true)) / GB, 2)} GB`,
  },
  // peft-other-methods
  { lesson: 'peft-other-methods', expect: 'that is 81,920', compute: () => `that is ${fmtInt(promptTuningParams(20, 4096))}` },
  { lesson: 'peft-other-methods', expect: '5,242,880 parameters', compute: () => `${fmtInt(prefixTuningParams(32, 20, 4096))} parameters` },
  {
    lesson: 'peft-other-methods',
    expect: '98,304 weights + 832 biases = 99,136 parameters',
    compute: () =>
      `${fmtInt(bottleneckAdapterParams(768, 64, false))} weights + ${fmtInt(bottleneckAdapterParams(768, 64) - bottleneckAdapterParams(768, 64, false))} biases = ${fmtInt(bottleneckAdapterParams(768, 64))} parameters`,
  },
  {
    lesson: 'peft-other-methods',
    expect: '| 5 full fine-tuned copies | 70 GB |',
    compute: () => `| 5 full fine-tuned copies | ${fullCopiesBytes(5, 14 * GB) / GB} GB |`,
  },
  {
    lesson: 'peft-other-methods',
    expect: '| 1 base + 5 adapters of 50 MB | 14.25 GB |',
    compute: () => `| 1 base + 5 adapters of 50 MB | ${baseWithAdaptersBytes(14 * GB, 5, 50 * MB) / GB} GB |`,
  },
  // questions
  { question: 'peft-lora-q01', expect: 241664, compute: () => loraLayerParams(4096, 11008, 16) },
  { question: 'peft-lora-q02', expect: 8388608, compute: () => loraModelParams(32, [attn, attn], 16) },
  {
    question: 'peft-lora-q03',
    expect: 0.195,
    compute: () => Number(fmtFixed(percentOf(loraLayerParams(4096, 4096, 4), denseParams(4096, 4096)), 3)),
  },
  { question: 'peft-lora-q04', expect: 2, compute: () => loraScaling(32, 16) },
  { question: 'peft-lora-q10a', expect: 6291456, compute: () => qkv8 },
  { question: 'peft-lora-q10b', expect: 0.0933, compute: () => Number(fmtFixed(percentOf(qkv8, LLAMA2_7B_PARAMS + qkv8), 4)) },
  {
    question: 'peft-qlora-q03',
    expect: 33.53,
    compute: () => Number(fmtFixed(weightBytes(65e9, 4 + quantConstantBitsPerParam(64, true)) / GB, 2)),
  },
  { question: 'peft-qlora-q04', expect: 0.5, compute: () => quantConstantBitsPerParam(64, false) },
  { question: 'peft-qlora-q10a', expect: 14, compute: () => weightBytes(7e9, 16) / GB },
  { question: 'peft-other-methods-q01', expect: 132160, compute: () => bottleneckAdapterParams(1024, 64) },
  { question: 'peft-other-methods-q02', expect: 983040, compute: () => prefixTuningParams(24, 10, 2048) },
  { question: 'peft-other-methods-q05', expect: 14.5, compute: () => baseWithAdaptersBytes(14 * GB, 10, 50 * MB) / GB },
];
