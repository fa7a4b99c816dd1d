// Model management on `ftlab backend`, as Ollama's API has it: POST /api/create, POST /api/copy,
// DELETE /api/delete. A created model is a base model folder, optionally with one PEFT adapter folder merged
// in, plus its own SYSTEM prompt and sampling PARAMETERs; it is served by name like the models given on the
// command line (/api/tags, /api/show, /api/ps, /v1/models, generate, chat, embed).
//
// Where Ollama stores uploaded blobs, this server reads folders on its own disk (it is a local server for
// the labs): `from` names a served model or a folder (a model folder, an adapter folder, or a folder with a
// Modelfile such as the one `ftlab train` writes next to an adapter), and `adapters` maps any key to an
// adapter folder's path. The older Ollama API's `modelfile` (text) and `path` (of a Modelfile) work too;
// relative paths in a Modelfile are taken from its folder. Blob digests ("sha256:…"), `files`, `quantize`,
// TEMPLATE and MESSAGE are refused with a 400 that says why, never ignored.
//
// Persistence: created and copied models are kept in a registry file (`registryFile`, which `ftlab backend`
// puts in the progress folder: <home>/backend/models.json), so that they are there again after a restart,
// as Ollama's are. Only names, folder paths and the model's own lines are stored, never weights; an entry
// whose folders are gone or no longer load is skipped at start with a note. Deleting a model given on the
// command line lasts until the server stops (the command line names it again).
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { keepBadCopy, writeFileAtomic } from '../../../core/store/atomic.js';
import { withLock } from '../../../core/store/lock.js';
import { readConfig } from '../../llm/config.js';
import { checkAdapterFolder, checkModelFolder, loadAdapter, loadModel, ModelFileError, OLLAMA_TEMPLATE } from '../../llm/io.js';
import { CompatError } from '../openai-compat.js';
import type { BackendContext } from './context.js';
import { parseModelfile, ModelfileError, type ParsedModelfile } from './modelfile.js';
import { describeAdapter, describeBase, withTag, type ModelInfo } from './models.js';
import type { SamplingRequest } from './protocol.js';

/** One created or copied model, as the registry file keeps it. */
export interface RegistryEntry {
  name: string;
  modelDir: string;
  adapterDir?: string;
  system?: string;
  parameters?: SamplingRequest;
  license?: string;
  parent: string;
}

interface RegistryFile {
  version: 1;
  models: RegistryEntry[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}(\/[A-Za-z0-9][A-Za-z0-9_.-]{0,79}){0,2}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;

/** A model name as Ollama allows it ([namespace/]model[:tag]), with its tag; 400 otherwise. */
export function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !value) throw new CompatError(`${field} is required`, field);
  if (!NAME.test(value))
    throw new CompatError(
      `${field} ${JSON.stringify(value.slice(0, 100))} is not a valid model name: use letters, digits, ".", "-" and "_", optionally a namespace/ and a :tag`,
      field,
    );
  return withTag(value);
}

/** The sampling options a model may set, from the API's `parameters` object or Modelfile PARAMETER lines. */
const PARAMETERS: Record<string, 'float' | 'int' | 'stop'> = {
  temperature: 'float',
  top_p: 'float',
  top_k: 'int',
  seed: 'int',
  num_predict: 'int',
  stop: 'stop',
};

export function parametersFrom(value: Record<string, unknown>): SamplingRequest {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value)) {
    const kind = PARAMETERS[key];
    if (!kind)
      throw new CompatError(
        `parameter "${key}" is not supported by ftlab backend (it honours ${Object.keys(PARAMETERS).join(', ')})`,
        'parameters',
      );
    const values = Array.isArray(raw) ? raw : [raw];
    if (kind === 'stop') {
      if (values.some((s) => typeof s !== 'string' || !s)) throw new CompatError('parameter "stop" must be text', 'parameters');
      out.stop = values;
      continue;
    }
    if (values.length !== 1) throw new CompatError(`parameter "${key}" takes one value`, 'parameters');
    const n = typeof values[0] === 'string' && values[0].trim() ? Number(values[0]) : values[0];
    if (typeof n !== 'number' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n)))
      throw new CompatError(`parameter "${key}" must be ${kind === 'int' ? 'a whole number' : 'a number'}`, 'parameters');
    out[key] = n;
  }
  return out as SamplingRequest;
}

/** A folder's kind, for `from` / FROM / ADAPTER given as a path. */
function folderKind(dir: string): 'modelfile' | 'adapter' | 'model' | undefined {
  try {
    if (!statSync(dir).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  if (existsSync(join(dir, 'Modelfile'))) return 'modelfile';
  if (existsSync(join(dir, 'adapter_config.json'))) return 'adapter';
  if (existsSync(join(dir, 'config.json'))) return 'model';
  return undefined;
}

/** Reads a Modelfile a client named (at most 64 KiB; its text is never echoed in errors). */
function readModelfile(path: string): ParsedModelfile {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new CompatError(`${path} is not a Modelfile (it is a folder or a special file)`, 'path');
    if (st.size > 64 * 1024) throw new CompatError(`${path} is larger than a Modelfile can be (64 KiB)`, 'path');
    // At most 64 KiB + 1 byte, whatever the file claims (files under /proc report size 0).
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024 + 1);
      const n = readSync(fd, buf, 0, buf.length, 0);
      if (n > 64 * 1024) throw new CompatError(`${path} is larger than a Modelfile can be (64 KiB)`, 'path');
      text = buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof CompatError) throw err;
    throw new CompatError(`cannot read the Modelfile ${path}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, 'path');
  }
  return parseModelfileChecked(text);
}

function parseModelfileChecked(text: string): ParsedModelfile {
  try {
    return parseModelfile(text);
  } catch (err) {
    if (err instanceof ModelfileError) throw new CompatError(err.message, 'modelfile');
    throw err;
  }
}

/**
 * TEMPLATE / template: ftlab's own chat template (what `ftlab train` writes into its Modelfile, and what
 * /api/show reports) is accepted, since it changes nothing; any other is refused rather than ignored, as a
 * created model's chat and generate requests would not use it.
 */
function checkTemplate(template: unknown, field: string): void {
  if (template === undefined || template === null || template === '') return;
  if (typeof template !== 'string' || template.trim() !== OLLAMA_TEMPLATE.trim())
    throw new CompatError(
      `a custom TEMPLATE is not supported for created models: leave it out, or use ftlab's own (${JSON.stringify(OLLAMA_TEMPLATE)})`,
      field,
    );
}

interface Plan {
  from: string;
  /** Folder relative paths are resolved from. */
  dir: string;
  adapter?: string;
  system?: string;
  parameters?: SamplingRequest;
  license?: string;
}

/** The request (JSON fields, or a Modelfile's lines) as one plan; JSON fields win over Modelfile lines. */
function planOf(body: Record<string, unknown>): Plan {
  if (typeof body.quantize === 'string' && body.quantize)
    throw new CompatError('quantize is not supported: ftlab backend serves fp32 weights', 'quantize');
  if (body.files && typeof body.files === 'object' && Object.keys(body.files).length)
    throw new CompatError(
      'files (uploaded blobs) are not supported: ftlab backend reads folders on its own disk; give "from" a model folder path',
      'files',
    );
  checkTemplate(body.template, 'template');
  if (Array.isArray(body.messages) && body.messages.length)
    throw new CompatError('messages (MESSAGE) are not supported by ftlab backend', 'messages');
  for (const field of ['from', 'system', 'license', 'modelfile', 'path'] as const)
    if (body[field] !== undefined && body[field] !== null && typeof body[field] !== 'string')
      throw new CompatError(`${field} must be a string`, field);
  if (body.parameters !== undefined && body.parameters !== null && (typeof body.parameters !== 'object' || Array.isArray(body.parameters)))
    throw new CompatError('parameters must be an object such as {"temperature": 0.2}', 'parameters');

  let parsed: ParsedModelfile | undefined;
  let dir = process.cwd();
  if (typeof body.modelfile === 'string' && body.modelfile.trim()) {
    parsed = parseModelfileChecked(body.modelfile);
    if (typeof body.path === 'string' && body.path) dir = dirname(resolve(body.path));
  } else if (typeof body.path === 'string' && body.path) {
    const path = resolve(body.path);
    const file = folderKind(path) === 'modelfile' ? join(path, 'Modelfile') : path;
    parsed = readModelfile(file);
    dir = dirname(file);
  } else if (typeof body.from === 'string' && body.from && folderKind(resolve(body.from)) === 'modelfile') {
    // `from` a folder with a Modelfile (what `ftlab train` writes next to an adapter): as `ollama create` run there.
    const file = join(resolve(body.from), 'Modelfile');
    parsed = readModelfile(file);
    dir = dirname(file);
  }
  checkTemplate(parsed?.template, 'modelfile');
  if (parsed?.messages) throw new CompatError('MESSAGE is not supported by ftlab backend', 'modelfile');

  const adapters: string[] = [];
  if (body.adapters !== undefined && body.adapters !== null) {
    const values = Array.isArray(body.adapters)
      ? body.adapters
      : typeof body.adapters === 'object'
        ? Object.values(body.adapters)
        : undefined;
    if (!values || values.some((v) => typeof v !== 'string' || !v))
      throw new CompatError('adapters must map a name to an adapter folder\'s path, e.g. {"support": "/path/to/adapter"}', 'adapters');
    adapters.push(...(values as string[]));
  } else adapters.push(...(parsed?.adapters ?? []));
  if (adapters.some((a) => a.startsWith('sha256:')))
    throw new CompatError(
      'adapter blobs ("sha256:…") are not supported: ftlab backend reads adapter folders on its own disk; give the folder\'s path',
      'adapters',
    );
  if (adapters.length > 1) throw new CompatError('only one adapter per model is supported', 'adapters');

  const fromBody = typeof body.from === 'string' && body.from && !parsed ? body.from : undefined;
  const from = fromBody ?? parsed?.from;
  if (!from) throw new CompatError('from is required: a model name on this server, or a model or adapter folder', 'from');
  const parameters =
    body.parameters && typeof body.parameters === 'object' && Object.keys(body.parameters).length
      ? parametersFrom(body.parameters as Record<string, unknown>)
      : parsed && Object.keys(parsed.parameters).length
        ? parametersFrom(parsed.parameters)
        : undefined;
  return {
    from,
    dir,
    adapter: adapters[0],
    system: typeof body.system === 'string' ? body.system : parsed?.system,
    parameters,
    license: typeof body.license === 'string' ? body.license : parsed?.license,
  };
}

/**
 * The served model without adapter whose base folder is `modelDir` (so a new model on it shares its digest
 * and the workers' copy), stripped of its own SYSTEM/PARAMETER/LICENSE; undefined if none.
 */
function servedBase(models: Map<string, ModelInfo>, modelDir: string): ModelInfo | undefined {
  for (const m of models.values())
    if (!m.spec.adapterDir && resolve(m.spec.modelDir) === resolve(modelDir))
      return { ...m, license: undefined, spec: { name: m.spec.name, modelDir, revision: m.spec.revision } };
  return undefined;
}

/** The folder an ADAPTER/adapters value names (a file inside it, e.g. adapter_model.safetensors, counts). */
function adapterFolder(path: string): string {
  try {
    if (statSync(path).isFile()) return dirname(path);
  } catch {
    /* missing: reported by the folder check */
  }
  return path;
}

/** Checks the folders load (in this thread, so a bad one is a 400 here, not a worker failure). */
function checkLoads(models: Map<string, ModelInfo>, modelDir: string, adapterDir: string | undefined): void {
  try {
    if (![...models.values()].some((m) => resolve(m.spec.modelDir) === resolve(modelDir))) {
      checkModelFolder(modelDir);
      loadModel(modelDir);
    }
    if (adapterDir) {
      checkAdapterFolder(adapterDir);
      loadAdapter(adapterDir, readConfig(join(modelDir, 'config.json')));
    }
  } catch (err) {
    if (err instanceof ModelFileError) throw new CompatError(err.message.split('\n')[0], 'from');
    throw err;
  }
}

/** What a create request makes: the new model's description (nothing is served yet). */
export function planModel(models: Map<string, ModelInfo>, defaultBase: ModelInfo, name: string, body: Record<string, unknown>): ModelInfo {
  const plan = planOf(body);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(plan.dir, p));
  // What the new model is made from (a served model may carry an adapter: the new one is then a copy of it).
  let base: ModelInfo;
  let parent = '';
  let adapter: string | undefined;
  const pathLike = isAbsolute(plan.from) || /^[.~]/.test(plan.from);
  const served = pathLike ? undefined : models.get(withTag(plan.from));
  if (served) {
    base = served;
    parent = served.spec.name;
  } else {
    const path = at(plan.from);
    const kind = folderKind(path);
    if (kind === 'adapter') {
      base = defaultBase;
      parent = defaultBase.spec.name;
      adapter = path;
    } else if (kind === 'model') {
      const known = servedBase(models, path);
      base = known ?? describeBase(path, name);
      parent = known?.spec.name ?? '';
    } else
      throw new CompatError(
        `from ${JSON.stringify(plan.from)} is neither a model on this server (see /api/tags) nor a model or adapter folder`,
        'from',
      );
  }
  if (plan.adapter) {
    if (adapter || base.spec.adapterDir)
      throw new CompatError(`${plan.from} already has an adapter; create from its base model instead`, 'adapters');
    adapter = adapterFolder(at(plan.adapter));
  }
  checkLoads(models, base.spec.modelDir, adapter);
  const info: ModelInfo = adapter
    ? describeAdapter(base, name, adapter)
    : { ...base, spec: { ...base.spec, name }, modifiedAt: new Date().toISOString() };
  info.parent = parent === name ? base.parent : parent;
  // The new model keeps the defaults of the model it was made from; its own lines win.
  const system = plan.system ?? base.spec.system;
  const parameters = plan.parameters ?? base.spec.parameters;
  const { system: _s, parameters: _p, ...spec } = info.spec;
  info.spec = { ...spec, ...(system !== undefined ? { system } : {}), ...(parameters ? { parameters } : {}) };
  const license = plan.license ?? base.license;
  if (license !== undefined) info.license = license;
  return info;
}

export function entryOf(m: ModelInfo): RegistryEntry {
  return {
    name: m.spec.name,
    modelDir: m.spec.modelDir,
    ...(m.spec.adapterDir ? { adapterDir: m.spec.adapterDir } : {}),
    ...(m.spec.system !== undefined ? { system: m.spec.system } : {}),
    ...(m.spec.parameters ? { parameters: m.spec.parameters } : {}),
    ...(m.license !== undefined ? { license: m.license } : {}),
    parent: m.parent,
  };
}

// ---- the registry file -------------------------------------------------------------------------

function readRegistry(file: string): RegistryFile {
  if (!existsSync(file)) return { version: 1, models: [] };
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<RegistryFile>;
    if (!raw || !Array.isArray(raw.models)) throw new Error('not a registry');
    return { version: 1, models: raw.models.filter((e) => e && typeof e.name === 'string' && typeof e.modelDir === 'string') };
  } catch {
    // A damaged file is set aside (models.json.corrupt-<time>), never lost, and the registry starts empty.
    keepBadCopy(file);
    return { version: 1, models: [] };
  }
}

/** Adds or replaces (entry) or removes (name) one model in the file, under its lock (several backends may share it). */
export function updateRegistry(file: string, change: { put?: RegistryEntry; remove?: string }): void {
  mkdirSync(dirname(file), { recursive: true });
  withLock(`${file}.lock`, () => {
    const data = readRegistry(file);
    data.models = data.models.filter((e) => e.name !== (change.put?.name ?? change.remove));
    if (change.put) data.models.push(change.put);
    writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n');
  });
}

/**
 * Adds the registry's models to `models` (before the workers start), skipping names the command line
 * already gives and entries whose folders are gone or do not load; returns a note for each skipped one.
 */
export function restoreModels(file: string, models: Map<string, ModelInfo>): string[] {
  const notes: string[] = [];
  for (const e of readRegistry(file).models) {
    if (models.has(e.name)) {
      notes.push(`${file}: "${e.name}" is also given on the command line, which wins`);
      continue;
    }
    try {
      checkLoads(models, e.modelDir, e.adapterDir);
      const base = servedBase(models, e.modelDir) ?? describeBase(e.modelDir, e.name);
      const info = e.adapterDir ? describeAdapter(base, e.name, e.adapterDir) : { ...base, spec: { ...base.spec, name: e.name } };
      info.spec = {
        ...info.spec,
        ...(e.system !== undefined ? { system: e.system } : {}),
        ...(e.parameters ? { parameters: e.parameters } : {}),
      };
      info.parent = typeof e.parent === 'string' ? e.parent : info.parent;
      if (e.license !== undefined) info.license = e.license;
      models.set(e.name, info);
    } catch (err) {
      notes.push(`${file}: skipped "${e.name}": ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return notes;
}

// ---- routes ------------------------------------------------------------------------------------

export function registerModelRoutes(
  app: FastifyInstance,
  ctx: BackendContext,
  registryFile: string | undefined,
  defaultBase: ModelInfo,
): void {
  const persist = (change: { put?: RegistryEntry; remove?: string }) => {
    if (registryFile) updateRegistry(registryFile, change);
  };
  const serve = async (info: ModelInfo) => {
    await ctx.pool.addModel(info.spec);
    ctx.models.set(info.spec.name, info);
  };

  app.post('/api/create', async (req, reply) => {
    const body = ctx.parseBody(req);
    const name = checkName(body.model ?? body.name, 'model');
    const info = planModel(ctx.models, defaultBase, name, body);
    await serve(info);
    persist({ put: entryOf(info) });
    if (body.stream === false) return { status: 'success' };
    const steps = ['reading model metadata', ...(info.spec.adapterDir ? ['creating adapter layer'] : []), 'writing manifest', 'success'];
    reply.type('application/x-ndjson');
    return steps.map((status) => JSON.stringify({ status }) + '\n').join('');
  });

  app.post('/api/copy', async (req, reply) => {
    const body = ctx.parseBody(req);
    if (typeof body.source !== 'string' || !body.source) throw new CompatError('source is required', 'source');
    const source = ctx.resolveModel(body.source);
    const destination = checkName(body.destination, 'destination');
    const info: ModelInfo = { ...source, spec: { ...source.spec, name: destination }, modifiedAt: new Date().toISOString() };
    await serve(info);
    persist({ put: entryOf(info) });
    // Ollama answers 200 with an empty body.
    return reply.code(200).send();
  });

  app.delete('/api/delete', async (req, reply) => {
    const body = ctx.parseBody(req);
    const requested = body.model ?? body.name;
    const info = ctx.resolveModel(requested);
    ctx.models.delete(info.spec.name);
    ctx.lastUsed.delete(info.spec.name);
    ctx.pool.removeModel(info.spec.name);
    persist({ remove: info.spec.name });
    return reply.code(200).send();
  });
}
