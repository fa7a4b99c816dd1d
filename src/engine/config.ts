// The model configuration, read from and written to a Hugging Face LlamaConfig `config.json`.
import { readFileSync } from 'node:fs';

export interface LlamaConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  maxPositions: number;
  rmsNormEps: number;
  ropeTheta: number;
  tieWordEmbeddings: boolean;
  bosTokenId: number;
  eosTokenId: number;
}

export class ConfigError extends Error {}

export function configFromJson(j: Record<string, unknown>, where = 'config.json'): LlamaConfig {
  const num = (key: string, fallback?: number): number => {
    const v = j[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new ConfigError(`${where}: missing "${key}"`);
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${where}: "${key}" must be a number`);
    return v;
  };
  if (j.model_type !== undefined && j.model_type !== 'llama') throw new ConfigError(`${where}: model_type is "${String(j.model_type)}", only "llama" is supported`);
  if (j.hidden_act !== undefined && j.hidden_act !== 'silu') throw new ConfigError(`${where}: hidden_act "${String(j.hidden_act)}" is not supported (silu only)`);
  if (j.attention_bias === true || j.mlp_bias === true) throw new ConfigError(`${where}: biases are not supported`);
  if (j.rope_scaling) throw new ConfigError(`${where}: rope_scaling is not supported`);
  const hiddenSize = num('hidden_size');
  const numHeads = num('num_attention_heads');
  const numKvHeads = num('num_key_value_heads', numHeads);
  const headDim = num('head_dim', hiddenSize / numHeads);
  if (!Number.isInteger(headDim) || headDim % 2) throw new ConfigError(`${where}: head_dim must be an even integer`);
  if (numHeads % numKvHeads) throw new ConfigError(`${where}: num_attention_heads must be a multiple of num_key_value_heads`);
  const eos = j.eos_token_id;
  return {
    vocabSize: num('vocab_size'),
    hiddenSize,
    intermediateSize: num('intermediate_size'),
    numLayers: num('num_hidden_layers'),
    numHeads,
    numKvHeads,
    headDim,
    maxPositions: num('max_position_embeddings', 2048),
    rmsNormEps: num('rms_norm_eps', 1e-6),
    ropeTheta: num('rope_theta', 10000),
    tieWordEmbeddings: j.tie_word_embeddings === undefined ? true : Boolean(j.tie_word_embeddings),
    bosTokenId: num('bos_token_id', 1),
    eosTokenId: Array.isArray(eos) ? Number(eos[0]) : num('eos_token_id', 2),
  };
}

export function configToJson(c: LlamaConfig): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    intermediate_size: c.intermediateSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    num_key_value_heads: c.numKvHeads,
    head_dim: c.headDim,
    max_position_embeddings: c.maxPositions,
    rms_norm_eps: c.rmsNormEps,
    rope_theta: c.ropeTheta,
    rope_scaling: null,
    tie_word_embeddings: c.tieWordEmbeddings,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    hidden_act: 'silu',
    attention_bias: false,
    attention_dropout: 0.0,
    mlp_bias: false,
    initializer_range: 0.02,
    torch_dtype: 'float32',
    use_cache: true,
  };
}

export function readConfig(path: string): LlamaConfig {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${path}: ${(e as Error).message}`);
  }
  return configFromJson(j, path);
}
