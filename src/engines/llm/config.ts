// The model configuration, read from and written to a Hugging Face LlamaConfig `config.json`.
import { ModelFileError, readJsonObject } from './errors.js';

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

/** A config.json the engine cannot use; the message starts with the file's path. */
export class ConfigError extends ModelFileError {}

/** Longest context accepted: generation allocates its KV cache from it. */
const MAX_POSITIONS = 1 << 20;
/** Most layers accepted: tensor lists are built per layer before any file is checked (real Llamas have ≤ 126). */
const MAX_LAYERS = 1024;

export function configFromJson(j: Record<string, unknown>, where = 'config.json'): LlamaConfig {
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new ConfigError(`${where}: expected a JSON object`);
  const num = (key: string, fallback?: number, v: unknown = j[key]): number => {
    if (v === undefined || v === null) {
      if (fallback === undefined) throw new ConfigError(`${where}: missing "${key}"`);
      return fallback;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${where}: "${key}" must be a number`);
    return v;
  };
  // Sizes feed allocations and loops: anything but a positive integer is a damaged file, caught here
  // rather than as a RangeError deep in the model.
  const size = (key: string, fallback?: number, max = 2 ** 31): number => {
    const v = num(key, fallback);
    if (!Number.isInteger(v) || v < 1 || v > max)
      throw new ConfigError(`${where}: "${key}" must be a positive integer${max < 2 ** 31 ? ` up to ${max}` : ''} (got ${v})`);
    return v;
  };
  if (j.model_type !== undefined && j.model_type !== 'llama')
    throw new ConfigError(`${where}: model_type is ${JSON.stringify(j.model_type)}, only "llama" is supported`);
  if (j.hidden_act !== undefined && j.hidden_act !== 'silu')
    throw new ConfigError(`${where}: hidden_act ${JSON.stringify(j.hidden_act)} is not supported (silu only)`);
  if (j.attention_bias === true || j.mlp_bias === true) throw new ConfigError(`${where}: biases are not supported`);
  if (j.rope_scaling) throw new ConfigError(`${where}: rope_scaling is not supported`);
  const vocabSize = size('vocab_size');
  const hiddenSize = size('hidden_size');
  const numHeads = size('num_attention_heads');
  const numKvHeads = size('num_key_value_heads', numHeads);
  const headDim = num('head_dim', hiddenSize / numHeads);
  if (!Number.isInteger(headDim) || headDim < 2 || headDim % 2)
    throw new ConfigError(
      `${where}: head_dim must be an even positive integer (hidden_size / num_attention_heads when absent; got ${headDim})`,
    );
  if (numHeads % numKvHeads) throw new ConfigError(`${where}: num_attention_heads must be a multiple of num_key_value_heads`);
  const positive = (key: string, fallback: number): number => {
    const v = num(key, fallback);
    if (!(v > 0)) throw new ConfigError(`${where}: "${key}" must be positive (got ${v})`);
    return v;
  };
  const tokenId = (key: string, fallback: number, v: unknown = j[key]): number => {
    const id = num(key, fallback, v);
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      throw new ConfigError(`${where}: "${key}" must be a token id below vocab_size ${vocabSize} (got ${id})`);
    return id;
  };
  const eos = j.eos_token_id;
  return {
    vocabSize,
    hiddenSize,
    intermediateSize: size('intermediate_size'),
    numLayers: size('num_hidden_layers', undefined, MAX_LAYERS),
    numHeads,
    numKvHeads,
    headDim,
    maxPositions: size('max_position_embeddings', 2048, MAX_POSITIONS),
    rmsNormEps: positive('rms_norm_eps', 1e-6),
    ropeTheta: positive('rope_theta', 10000),
    tieWordEmbeddings: j.tie_word_embeddings === undefined ? true : Boolean(j.tie_word_embeddings),
    bosTokenId: tokenId('bos_token_id', 1),
    eosTokenId: Array.isArray(eos) ? tokenId('eos_token_id', 2, eos[0]) : tokenId('eos_token_id', 2),
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
  return configFromJson(readJsonObject(path), path);
}
