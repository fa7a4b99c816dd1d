// Model and adapter folders in the Hugging Face layouts:
//   model:   config.json, model.safetensors, tokenizer.json, tokenizer_config.json, generation_config.json
//   adapter: adapter_config.json, adapter_model.safetensors (PEFT)
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CHAT_TEMPLATE_JINJA } from './chat.js';
import { configToJson, readConfig, type LlamaConfig } from './config.js';
import { ADAPTER_HINT, MODEL_HINT, ModelFileError, readJsonObject, withHint } from './errors.js';
import { LoraAdapter, loraEntries, loraModules, PEFT_PREFIX, type LoraConfig } from './lora.js';
import { LlamaModel } from './model.js';
import { quantizeNF4, type NF4Tensor } from './nf4.js';
import { llamaParamEntries, ParamSet, PROJECTIONS, type Projection } from './params.js';
import { readSafetensors, writeSafetensors, type TensorMap } from './safetensors.js';
import { loadTokenizer, specialTokensConfig } from './special-tokens.js';
import type { Tokenizer } from './tokenizer.js';

// Every fault of a model or adapter folder is a ModelFileError (safetensors, config and tokenizer errors
// are subclasses) whose message names the file; the loaders add the hint for the flag that named the folder.
export { ModelFileError };

export interface LoadedModel {
  dir: string;
  model: LlamaModel;
  tokenizer: Tokenizer;
}

/** How a model's projections are held: fp32, or NF4 (QLoRA) with the absmax scales fp32 or double-quantised. */
export interface QuantizeOptions {
  quantize?: boolean;
  doubleQuant?: boolean;
}

export function loadModel(dir: string, opts: QuantizeOptions = {}): LoadedModel {
  try {
    return readModelFolder(resolve(dir), opts);
  } catch (e) {
    throw withHint(e, MODEL_HINT);
  }
}

/** Cheap first check that `dir` holds the files of a model folder (ModelFileError with the --model hint). */
export function checkModelFolder(dir: string): void {
  const d = resolve(dir);
  for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) {
    if (!existsSync(join(d, f)))
      throw new ModelFileError(`${d}: missing ${f} (a model folder holds config.json, model.safetensors and tokenizer.json)`, MODEL_HINT);
  }
}

/** Cheap first check that `dir` holds the files of a PEFT adapter folder (ModelFileError with the --adapter hint). */
export function checkAdapterFolder(dir: string): void {
  const d = resolve(dir);
  if (!existsSync(join(d, 'adapter_config.json')))
    throw new ModelFileError(
      `${d}: missing adapter_config.json (a PEFT adapter folder holds adapter_config.json and adapter_model.safetensors)`,
      ADAPTER_HINT,
    );
  if (!existsSync(join(d, 'adapter_model.safetensors'))) throw new ModelFileError(`${d}: missing adapter_model.safetensors`, ADAPTER_HINT);
}

function readModelFolder(d: string, opts: QuantizeOptions): LoadedModel {
  checkModelFolder(d);
  const config = readConfig(join(d, 'config.json'));
  // tokenizer.json plus the files that name its special tokens (tokenizer_config.json, special_tokens_map.json)
  const tokenizer = loadTokenizer(d);
  if (tokenizer.vocabSize > config.vocabSize)
    throw new ModelFileError(
      `${d}/tokenizer.json: has ${tokenizer.vocabSize} tokens, more than config.json's vocab_size ${config.vocabSize}`,
    );
  const { tensors } = readSafetensors(join(d, 'model.safetensors'));
  const entries = llamaParamEntries(config);
  // Every tensor is checked against config.json before the parameter buffer is allocated: a config with
  // absurd sizes then fails on a shape, not as an allocation error.
  for (const [name, shape] of entries) {
    const t = tensors.get(name);
    if (!t) throw new ModelFileError(`${d}/model.safetensors: missing tensor ${name} (config.json implies it)`);
    if (t.shape.join(',') !== shape.join(','))
      throw new ModelFileError(`${d}/model.safetensors: ${name} has shape [${t.shape}], config.json implies [${shape}]`);
  }
  const projNames = new Set<string>();
  for (const [name] of entries) if (PROJECTIONS.some((p) => name.endsWith(`.${p}.weight`))) projNames.add(name);
  const quantized = opts.quantize ? new Map<string, NF4Tensor>() : null;
  const kept = entries.filter(([name]) => !(quantized && projNames.has(name)));
  const params = new ParamSet(kept);
  for (const [name, shape] of entries) {
    const t = tensors.get(name)!;
    if (quantized && projNames.has(name)) quantized.set(name, quantizeNF4(t.data, shape, { doubleQuant: opts.doubleQuant }));
    else params.view(name).set(t.data);
  }
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
    JSON.stringify(
      {
        tokenizer_class: 'PreTrainedTokenizerFast',
        ...specialTokensConfig(tokenizer),
        model_max_length: model.config.maxPositions,
        chat_template: CHAT_TEMPLATE_JINJA,
      },
      null,
      2,
    ) + '\n',
  );
  writeFileSync(
    join(dir, 'generation_config.json'),
    JSON.stringify(
      {
        bos_token_id: model.config.bosTokenId,
        // every id that ends generation (Llama-3-Instruct-style folders have several)
        eos_token_id: tokenizer.stopIds.length > 1 ? tokenizer.stopIds : model.config.eosTokenId,
      },
      null,
      2,
    ) + '\n',
  );
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

/**
 * How a file in `fromDir` names the base folder: its path relative to `fromDir`, with forward slashes
 * (Ollama resolves a Modelfile's paths against the Modelfile's folder), never an absolute path of the
 * training machine. A base on another drive (Windows) is named by its folder name alone.
 */
export function baseReference(fromDir: string, baseDir: string): string {
  const rel = relative(resolve(fromDir), resolve(baseDir));
  if (isAbsolute(rel)) return basename(resolve(baseDir));
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/**
 * The safetensors metadata key that records which base an adapter was trained against: "nf4" or
 * "nf4-double-quant" for QLoRA (the frozen base was NF4, so eval-model and generate quantise it the same
 * way by default); absent for LoRA on the fp32 base. PEFT ignores it.
 */
export const BASE_QUANTIZATION_KEY = 'base_quantization';

export function quantizationTag(q: QuantizeOptions): string | null {
  return q.quantize ? (q.doubleQuant ? 'nf4-double-quant' : 'nf4') : null;
}

export function parseQuantizationTag(tag: string | undefined): QuantizeOptions | null {
  if (tag === 'nf4') return { quantize: true, doubleQuant: false };
  if (tag === 'nf4-double-quant') return { quantize: true, doubleQuant: true };
  return null;
}

/**
 * Saves adapter_config.json + adapter_model.safetensors; returns the safetensors size in bytes.
 * `baseDir` is written relative to the adapter folder (base_model_name_or_path); `base` records a
 * quantised base (QLoRA) in the safetensors metadata.
 */
export function saveAdapter(dir: string, adapter: LoraAdapter, baseDir: string, base: QuantizeOptions = {}): number {
  mkdirSync(dir, { recursive: true });
  const tensors: TensorMap = new Map();
  for (const s of adapter.params.specs) tensors.set(s.name, { shape: s.shape, data: adapter.params.view(s.name) });
  const tag = quantizationTag(base);
  const meta = { format: 'pt', ...(tag ? { [BASE_QUANTIZATION_KEY]: tag } : {}) };
  const bytes = writeSafetensors(join(dir, 'adapter_model.safetensors'), tensors, meta);
  const config = peftConfigJson(adapter.config, baseReference(dir, baseDir));
  writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify(config, null, 2) + '\n');
  return bytes;
}

/** ftlab's chat template (chat.ts) in Ollama's Go-template syntax: System/User lines, then "Assistant: ". */
export const OLLAMA_TEMPLATE = '{{ if .System }}System: {{ .System }}\n{{ end }}User: {{ .Prompt }}\nAssistant: ';

/**
 * An Ollama Modelfile next to a trained adapter (FROM the base folder, ADAPTER this folder) or model
 * (FROM this folder), so `ollama create NAME -f DIR/Modelfile` imports it. Paths are relative to the
 * Modelfile, as Ollama reads them. TEMPLATE is the chat template the model was trained with (Ollama
 * cannot derive it from this tokenizer_config.json's custom template). Returns the file's path.
 */
export function writeModelfile(dir: string, opts: { baseDir?: string; adapter: boolean }): string {
  const from = opts.adapter && opts.baseDir ? baseReference(dir, opts.baseDir) : '.';
  const text = [
    '# Written by ftlab train. Import into Ollama with:  ollama create my-model -f Modelfile',
    '# (paths are relative to this file; see docs/engine.md, "Taking the files elsewhere")',
    `FROM ${from}`,
    ...(opts.adapter ? ['ADAPTER .'] : []),
    `TEMPLATE """${OLLAMA_TEMPLATE}"""`,
    '',
  ].join('\n');
  const path = join(dir, 'Modelfile');
  writeFileSync(path, text);
  return path;
}

/** The metadata of a safetensors file, read from its header alone (an adapter's base quantisation). */
export function readSafetensorsMetadata(path: string): Record<string, string> {
  const fd = openSync(path, 'r');
  try {
    const len = Buffer.alloc(8);
    if (readSync(fd, len, 0, 8, 0) < 8) return {};
    const n = Number(len.readBigUInt64LE(0));
    if (!(n > 0 && n <= 100_000_000)) return {};
    const header = Buffer.alloc(n);
    readSync(fd, header, 0, n, 8);
    const meta = (JSON.parse(header.toString('utf8')) as { __metadata__?: unknown }).__metadata__;
    return meta && typeof meta === 'object' ? (meta as Record<string, string>) : {};
  } catch {
    return {}; // loadAdapter reports a damaged file properly
  } finally {
    closeSync(fd);
  }
}

/** The base quantisation an adapter folder records (QLoRA), or null for an fp32 base or no such folder. */
export function adapterBaseQuantization(dir: string): QuantizeOptions | null {
  const p = join(resolve(dir), 'adapter_model.safetensors');
  if (!existsSync(p)) return null;
  return parseQuantizationTag(readSafetensorsMetadata(p)[BASE_QUANTIZATION_KEY]);
}

/** Reads the PEFT config keys we honour, rejecting the ones that would change the maths silently. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
export function parsePeftConfig(j: Record<string, any>, model: LlamaConfig, where: string): LoraConfig {
  const problems: string[] = [];
  if (j.peft_type !== 'LORA') problems.push(`peft_type is ${JSON.stringify(j.peft_type)}, expected "LORA"`);
  if (j.task_type !== undefined && j.task_type !== null && j.task_type !== 'CAUSAL_LM')
    problems.push(`task_type is ${JSON.stringify(j.task_type)}, expected "CAUSAL_LM"`);
  if (!Number.isInteger(j.r) || j.r < 1) problems.push('"r" must be a positive integer');
  if (typeof j.lora_alpha !== 'number' || !(j.lora_alpha > 0) || !Number.isFinite(j.lora_alpha))
    problems.push('"lora_alpha" must be a positive number');
  const dropout = j.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) problems.push('"lora_dropout" must be a number in [0, 1)');
  // JSON.stringify, not String(): a JSON object with a "toString" key cannot be converted to a string
  if (j.bias !== undefined && j.bias !== 'none') problems.push(`bias ${JSON.stringify(j.bias)} is not supported (only "none")`);
  if (j.fan_in_fan_out) problems.push('fan_in_fan_out=true does not apply to Llama linear layers');
  if (j.use_dora) problems.push('DoRA adapters are not supported');
  if (j.rank_pattern && Object.keys(j.rank_pattern).length) problems.push('rank_pattern is not supported');
  if (j.alpha_pattern && Object.keys(j.alpha_pattern).length) problems.push('alpha_pattern is not supported');
  if (j.modules_to_save && (!Array.isArray(j.modules_to_save) || j.modules_to_save.length))
    problems.push('modules_to_save is not supported');
  let targets: Projection[] = [];
  if (Array.isArray(j.target_modules)) {
    for (const t of j.target_modules) {
      const short = (typeof t === 'string' ? t.split('.').pop() : undefined) as Projection;
      if (!PROJECTIONS.includes(short)) problems.push(`target module ${JSON.stringify(t)} is not one of ${PROJECTIONS.join(', ')}`);
      else if (!targets.includes(short)) targets.push(short);
    }
  } else if (typeof j.target_modules === 'string') {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${j.target_modules})$`);
    } catch {
      throw new ModelFileError(`${where}: target_modules ${JSON.stringify(j.target_modules)} is not a valid regular expression`);
    }
    targets = PROJECTIONS.filter((p) =>
      Array.from({ length: model.numLayers }, (_, l) => l).some((l) =>
        re.test(`model.layers.${l}.${p.endsWith('_proj') && ['gate_proj', 'up_proj', 'down_proj'].includes(p) ? 'mlp' : 'self_attn'}.${p}`),
      ),
    );
    if (!targets.length) problems.push(`target_modules regex ${JSON.stringify(j.target_modules)} matches no projection`);
  } else problems.push('"target_modules" must be a list of module names');
  const layers =
    j.layers_to_transform === null || j.layers_to_transform === undefined ? null : ([] as unknown[]).concat(j.layers_to_transform);
  const badLayer = layers?.find((l) => !Number.isInteger(l) || (l as number) < 0 || (l as number) >= model.numLayers);
  if (badLayer !== undefined)
    problems.push(
      `layers_to_transform: layer ${JSON.stringify(badLayer)} does not exist (the model has ${model.numLayers}, numbered from 0)`,
    );
  if (problems.length) throw new ModelFileError(`${where}: ${problems.join('; ')}`);
  return { r: j.r, alpha: j.lora_alpha, dropout, targets, layers: layers as number[] | null, useRslora: Boolean(j.use_rslora) };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
export function loadAdapter(dir: string, model: LlamaConfig): { adapter: LoraAdapter; raw: Record<string, any>; bytes: number } {
  try {
    return readAdapterFolder(resolve(dir), model);
  } catch (e) {
    throw withHint(e, ADAPTER_HINT);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
function readAdapterFolder(d: string, model: LlamaConfig): { adapter: LoraAdapter; raw: Record<string, any>; bytes: number } {
  const cfgPath = join(d, 'adapter_config.json');
  const wPath = join(d, 'adapter_model.safetensors');
  checkAdapterFolder(d);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON from a model folder; each field is checked before use
  const raw = readJsonObject(cfgPath) as Record<string, any>;
  const config = parsePeftConfig(raw, model, cfgPath);
  const { tensors } = readSafetensors(wPath);
  // Shapes are checked before the adapter is allocated, so a huge "r" fails on a shape, not on memory.
  const modules = loraModules(model, config);
  const entries = loraEntries(modules, config.r);
  const found = new Map<string, Float32Array>();
  for (const [name, shape] of entries) {
    // PEFT strips the adapter name on save; accept files that kept ".default" too.
    const t = tensors.get(name) ?? tensors.get(name.replace(/\.weight$/, '.default.weight'));
    if (!t) throw new ModelFileError(`${wPath}: missing tensor ${name} (adapter_config.json implies it)`);
    if (t.shape.join(',') !== shape.join(','))
      throw new ModelFileError(
        `${wPath}: ${name} has shape [${t.shape}], adapter_config.json (r=${config.r}) and the model imply [${shape}]`,
      );
    found.set(name, t.data);
  }
  for (const name of tensors.keys()) {
    const norm = name.replace(/\.default\.weight$/, '.weight');
    if (!found.has(norm))
      throw new ModelFileError(
        `${wPath}: unexpected tensor ${name} (not a LoRA matrix of the target modules in adapter_config.json${name.startsWith(PEFT_PREFIX) ? '' : `; keys start with ${PEFT_PREFIX}`})`,
      );
  }
  const adapter = new LoraAdapter(model, config);
  for (const [name, data] of found) adapter.params.view(name).set(data);
  return { adapter, raw, bytes: statSync(wPath).size };
}
