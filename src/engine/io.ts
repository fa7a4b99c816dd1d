// Model and adapter folders in the Hugging Face layouts:
//   model:   config.json, model.safetensors, tokenizer.json, tokenizer_config.json, generation_config.json
//   adapter: adapter_config.json, adapter_model.safetensors (PEFT)
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CHAT_TEMPLATE_JINJA } from './chat.js';
import { configToJson, readConfig, type LlamaConfig } from './config.js';
import { LoraAdapter, PEFT_PREFIX, type LoraConfig } from './lora.js';
import { LlamaModel } from './model.js';
import { quantizeNF4, type NF4Tensor } from './nf4.js';
import { llamaParamEntries, ParamSet, PROJECTIONS, type Projection } from './params.js';
import { readSafetensors, writeSafetensors, type TensorMap } from './safetensors.js';
import { Tokenizer } from './tokenizer.js';

export class ModelFileError extends Error {}

export interface LoadedModel {
  dir: string;
  model: LlamaModel;
  tokenizer: Tokenizer;
}

export function loadModel(dir: string, opts: { quantize?: boolean } = {}): LoadedModel {
  const d = resolve(dir);
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) {
    if (!existsSync(join(d, f))) throw new ModelFileError(`${d}: missing ${f} (a model folder holds config.json, model.safetensors and tokenizer.json)`);
  }
  let config: LlamaConfig;
  try {
    config = readConfig(join(d, 'config.json'));
  } catch (e) {
    throw new ModelFileError((e as Error).message);
  }
  const { tensors } = readSafetensors(join(d, 'model.safetensors'));
  const entries = llamaParamEntries(config);
  const projNames = new Set<string>();
  for (const [name] of entries) if (PROJECTIONS.some((p) => name.endsWith(`.${p}.weight`))) projNames.add(name);
  const quantized = opts.quantize ? new Map<string, NF4Tensor>() : null;
  const kept = entries.filter(([name]) => !(quantized && projNames.has(name)));
  const params = new ParamSet(kept);
  for (const [name, shape] of entries) {
    const t = tensors.get(name);
    if (!t) throw new ModelFileError(`${d}/model.safetensors: missing tensor ${name}`);
    if (t.shape.join(',') !== shape.join(',')) throw new ModelFileError(`${d}/model.safetensors: ${name} has shape [${t.shape}], config.json implies [${shape}]`);
    if (quantized && projNames.has(name)) quantized.set(name, quantizeNF4(t.data, shape));
    else params.view(name).set(t.data);
  }
  let tokenizer: Tokenizer;
  try {
    tokenizer = Tokenizer.fromFile(join(d, 'tokenizer.json'));
  } catch (e) {
    throw new ModelFileError(`${d}/tokenizer.json: ${(e as Error).message}`);
  }
  if (tokenizer.vocabSize > config.vocabSize) throw new ModelFileError(`${d}: tokenizer has ${tokenizer.vocabSize} tokens, config.json vocab_size is ${config.vocabSize}`);
  return { dir: d, model: new LlamaModel(config, params, quantized), tokenizer };
}

/** Writes a complete HF model folder; returns the size of model.safetensors in bytes. */
export function saveModel(dir: string, model: LlamaModel, tokenizer: Tokenizer, metadata: Record<string, string> = {}): number {
  if (model.quantized) throw new ModelFileError('cannot save a quantised model as fp32 safetensors');
  mkdirSync(dir, { recursive: true });
  const tensors: TensorMap = new Map();
  for (const s of model.params.specs) tensors.set(s.name, { shape: s.shape, data: model.params.view(s.name) });
  const bytes = writeSafetensors(join(dir, 'model.safetensors'), tensors, { format: 'pt', ...metadata });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(configToJson(model.config), null, 2) + '\n');
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer.json) + '\n');
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast', bos_token: '<s>', eos_token: '</s>', pad_token: '</s>', add_bos_token: true, model_max_length: model.config.maxPositions, chat_template: CHAT_TEMPLATE_JINJA }, null, 2) + '\n',
  );
  writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ bos_token_id: model.config.bosTokenId, eos_token_id: model.config.eosTokenId }, null, 2) + '\n');
  return bytes;
}

// ---- PEFT adapters ---------------------------------------------------------------------------

export function peftConfigJson(c: LoraConfig, baseModel: string): Record<string, unknown> {
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: c.r,
    lora_alpha: c.alpha,
    lora_dropout: c.dropout,
    target_modules: c.targets,
    layers_to_transform: c.layers,
    bias: 'none',
    fan_in_fan_out: false,
    use_rslora: c.useRslora,
    use_dora: false,
    init_lora_weights: true,
    modules_to_save: null,
    rank_pattern: {},
    alpha_pattern: {},
    inference_mode: true,
    base_model_name_or_path: baseModel,
  };
}

/** Saves adapter_config.json + adapter_model.safetensors; returns the safetensors size in bytes. */
export function saveAdapter(dir: string, adapter: LoraAdapter, baseModel: string): number {
  mkdirSync(dir, { recursive: true });
  const tensors: TensorMap = new Map();
  for (const s of adapter.params.specs) tensors.set(s.name, { shape: s.shape, data: adapter.params.view(s.name) });
  const bytes = writeSafetensors(join(dir, 'adapter_model.safetensors'), tensors, { format: 'pt' });
  writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify(peftConfigJson(adapter.config, baseModel), null, 2) + '\n');
  return bytes;
}

/** Reads the PEFT config keys we honour, rejecting the ones that would change the maths silently. */
export function parsePeftConfig(j: Record<string, any>, model: LlamaConfig, where: string): LoraConfig {
  const problems: string[] = [];
  if (j.peft_type !== 'LORA') problems.push(`peft_type is ${JSON.stringify(j.peft_type)}, expected "LORA"`);
  if (j.task_type !== undefined && j.task_type !== null && j.task_type !== 'CAUSAL_LM') problems.push(`task_type is ${JSON.stringify(j.task_type)}, expected "CAUSAL_LM"`);
  if (!Number.isInteger(j.r) || j.r < 1) problems.push('"r" must be a positive integer');
  if (typeof j.lora_alpha !== 'number') problems.push('"lora_alpha" must be a number');
  if (j.bias !== undefined && j.bias !== 'none') problems.push(`bias "${j.bias}" is not supported (only "none")`);
  if (j.fan_in_fan_out) problems.push('fan_in_fan_out=true does not apply to Llama linear layers');
  if (j.use_dora) problems.push('DoRA adapters are not supported');
  if (j.rank_pattern && Object.keys(j.rank_pattern).length) problems.push('rank_pattern is not supported');
  if (j.alpha_pattern && Object.keys(j.alpha_pattern).length) problems.push('alpha_pattern is not supported');
  if (j.modules_to_save && j.modules_to_save.length) problems.push('modules_to_save is not supported');
  let targets: Projection[] = [];
  if (Array.isArray(j.target_modules)) {
    for (const t of j.target_modules) {
      const short = String(t).split('.').pop() as Projection;
      if (!PROJECTIONS.includes(short)) problems.push(`target module "${t}" is not one of ${PROJECTIONS.join(', ')}`);
      else if (!targets.includes(short)) targets.push(short);
    }
  } else if (typeof j.target_modules === 'string') {
    const re = new RegExp(`^(?:${j.target_modules})$`);
    targets = PROJECTIONS.filter((p) => Array.from({ length: model.numLayers }, (_, l) => l).some((l) => re.test(`model.layers.${l}.${p.endsWith('_proj') && ['gate_proj', 'up_proj', 'down_proj'].includes(p) ? 'mlp' : 'self_attn'}.${p}`)));
    if (!targets.length) problems.push(`target_modules regex ${JSON.stringify(j.target_modules)} matches no projection`);
  } else problems.push('"target_modules" must be a list of module names');
  if (problems.length) throw new ModelFileError(`${where}: ${problems.join('; ')}`);
  const layers = j.layers_to_transform === null || j.layers_to_transform === undefined ? null : ([] as number[]).concat(j.layers_to_transform);
  return { r: j.r, alpha: j.lora_alpha, dropout: Number(j.lora_dropout ?? 0), targets, layers, useRslora: Boolean(j.use_rslora) };
}

export function loadAdapter(dir: string, model: LlamaConfig): { adapter: LoraAdapter; raw: Record<string, any>; bytes: number } {
  const d = resolve(dir);
  const cfgPath = join(d, 'adapter_config.json');
  const wPath = join(d, 'adapter_model.safetensors');
  if (!existsSync(cfgPath)) throw new ModelFileError(`${d}: missing adapter_config.json (a PEFT adapter folder holds adapter_config.json and adapter_model.safetensors)`);
  if (!existsSync(wPath)) throw new ModelFileError(`${d}: missing adapter_model.safetensors`);
  let raw: Record<string, any>;
  try {
    raw = JSON.parse(readFileSync(cfgPath, 'utf8'));
  } catch (e) {
    throw new ModelFileError(`${cfgPath}: ${(e as Error).message}`);
  }
  const config = parsePeftConfig(raw, model, cfgPath);
  const adapter = new LoraAdapter(model, config);
  const { tensors } = readSafetensors(wPath);
  const expected = new Set(adapter.params.specs.map((s) => s.name));
  for (const s of adapter.params.specs) {
    // PEFT strips the adapter name on save; accept files that kept ".default" too.
    const t = tensors.get(s.name) ?? tensors.get(s.name.replace(/\.weight$/, '.default.weight'));
    if (!t) throw new ModelFileError(`${wPath}: missing tensor ${s.name}`);
    if (t.shape.join(',') !== s.shape.join(',')) throw new ModelFileError(`${wPath}: ${s.name} has shape [${t.shape}], expected [${s.shape}] for r=${config.r}`);
    adapter.params.view(s.name).set(t.data);
  }
  for (const name of tensors.keys()) {
    const norm = name.replace(/\.default\.weight$/, '.weight');
    if (!expected.has(norm)) throw new ModelFileError(`${wPath}: unexpected tensor ${name} (not a LoRA matrix of the configured target modules${name.startsWith(PEFT_PREFIX) ? '' : `; keys start with ${PEFT_PREFIX}`})`);
  }
  return { adapter, raw, bytes: statSync(wPath).size };
}
