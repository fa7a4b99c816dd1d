// Damaged copies of a model or adapter folder, for the loader fault tests and fuzz suites: a copy of the
// small parity fixture in a temp dir, plus fast-check mutations of its files (bytes and header fields of
// the safetensors file, keys of config.json / tokenizer.json / adapter_config.json, truncation, removal).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ModelFileError } from '../../../src/engines/llm/errors.js';

export const FIXTURE = join(__dirname, 'fixtures/parity');
export const MODEL_FILES = ['model.safetensors', 'config.json', 'tokenizer.json'] as const;
export const ADAPTER_FILES = ['adapter_model.safetensors', 'adapter_config.json'] as const;

/** A fresh copy of the fixture's model or adapter folder; remove it with rmSync when done. */
export function copyFolder(kind: 'model' | 'adapter'): string {
  const dir = join(mkdtempSync(join(tmpdir(), `ftlab-${kind}-`)), kind);
  cpSync(join(FIXTURE, kind), dir, { recursive: true });
  return dir;
}

export function removeFolder(dir: string): void {
  rmSync(join(dir, '..'), { recursive: true, force: true });
}

// ---- safetensors header surgery ------------------------------------------------------------------

export function readHeader(buf: Buffer): { header: Record<string, any>; dataStart: number } {
  const len = Number(buf.readBigUInt64LE(0));
  return { header: JSON.parse(buf.subarray(8, 8 + len).toString('utf8')), dataStart: 8 + len };
}

/** The same tensor bytes under a rewritten header (its length field updated). */
export function withHeader(buf: Buffer, edit: (h: Record<string, any>) => void): Buffer {
  const { header, dataStart } = readHeader(buf);
  edit(header);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, buf.subarray(dataStart)]);
}

/** The safetensors file's name in a folder of this kind. */
export const weightsOf = (dir: string) => (existsSync(join(dir, 'model.safetensors')) ? 'model.safetensors' : 'adapter_model.safetensors');

// ---- mutations -------------------------------------------------------------------------------------

/** Values that break readers: wrong types, signs, sizes, fractions, objects that cannot become strings. */
const nasty = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    -1,
    0,
    1,
    0.5,
    3,
    2 ** 31,
    2 ** 53,
    1e308,
    -1e308,
    '',
    'F32',
    'I8',
    'llama',
    [],
    {},
    [[]],
    { toString: 1 },
    [1, 2],
    [-1, 4],
    [0, 1e15],
  ),
  fc.integer({ min: -5, max: 300 }),
  fc.jsonValue({ maxDepth: 2 }),
);

export type Mutation =
  | { op: 'truncate'; file: string; at: number }
  | { op: 'flip'; file: string; at: number; mask: number }
  | { op: 'headerLength'; file: string; value: bigint }
  | { op: 'headerField'; file: string; tensor: number; field: string; value: unknown }
  | { op: 'json'; file: string; path: Array<string | number>; value: unknown; remove: boolean }
  | { op: 'replace'; file: string; bytes: Uint8Array }
  | { op: 'delete'; file: string };

const fraction = fc.double({ min: 0, max: 1, noNaN: true });

function safetensorsMutation(file: string): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ op: fc.constant('truncate' as const), file: fc.constant(file), at: fraction }),
    // flips land in the length field, the header or the data, in proportion to `at`
    fc.record({ op: fc.constant('flip' as const), file: fc.constant(file), at: fraction, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({
      op: fc.constant('flip' as const),
      file: fc.constant(file),
      at: fc.double({ min: 0, max: 0.05, noNaN: true }),
      mask: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({
      op: fc.constant('headerLength' as const),
      file: fc.constant(file),
      value: fc.oneof(fc.bigInt({ min: 0n, max: 4096n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })),
    }),
    fc.record({
      op: fc.constant('headerField' as const),
      file: fc.constant(file),
      tensor: fc.nat(),
      field: fc.constantFrom('dtype', 'shape', 'data_offsets', '__entry__', '__metadata__'),
      value: nasty,
    }),
    fc.record({ op: fc.constant('replace' as const), file: fc.constant(file), bytes: fc.uint8Array({ maxLength: 64 }) }),
  );
}

function jsonMutation(file: string, paths: Array<Array<string | number>>): fc.Arbitrary<Mutation> {
  return fc.record({
    op: fc.constant('json' as const),
    file: fc.constant(file),
    path: fc.constantFrom(...paths),
    value: nasty,
    remove: fc.boolean(),
  });
}

const CONFIG_KEYS = [
  'vocab_size',
  'hidden_size',
  'intermediate_size',
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'head_dim',
  'max_position_embeddings',
  'rms_norm_eps',
  'rope_theta',
  'rope_scaling',
  'tie_word_embeddings',
  'bos_token_id',
  'eos_token_id',
  'model_type',
  'hidden_act',
  'attention_bias',
].map((k) => [k]);
const TOKENIZER_PATHS: Array<Array<string | number>> = [
  ['model'],
  ['model', 'type'],
  ['model', 'vocab'],
  ['model', 'vocab', 'A'],
  ['model', 'vocab', 'Ġ'],
  ['model', 'merges'],
  ['added_tokens'],
  ['added_tokens', 0],
  ['added_tokens', 0, 'id'],
  ['added_tokens', 1, 'content'],
  ['pre_tokenizer'],
  ['pre_tokenizer', 'type'],
  ['post_processor'],
  ['post_processor', 'single'],
];
const ADAPTER_KEYS: Array<Array<string | number>> = [
  'peft_type',
  'task_type',
  'r',
  'lora_alpha',
  'lora_dropout',
  'target_modules',
  'layers_to_transform',
  'bias',
  'fan_in_fan_out',
  'use_rslora',
  'use_dora',
  'rank_pattern',
  'modules_to_save',
].map((k) => [k]);
ADAPTER_KEYS.push(['target_modules', 0], []);
CONFIG_KEYS.push([]);
TOKENIZER_PATHS.push([]);

export const modelMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: safetensorsMutation('model.safetensors') },
  { weight: 2, arbitrary: jsonMutation('config.json', CONFIG_KEYS) },
  { weight: 2, arbitrary: jsonMutation('tokenizer.json', TOKENIZER_PATHS) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('truncate' as const), file: fc.constantFrom('config.json', 'tokenizer.json'), at: fraction }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), file: fc.constantFrom(...MODEL_FILES) }) },
);

export const adapterMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: safetensorsMutation('adapter_model.safetensors') },
  { weight: 3, arbitrary: jsonMutation('adapter_config.json', ADAPTER_KEYS) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), file: fc.constant('adapter_config.json'), at: fraction }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), file: fc.constantFrom(...ADAPTER_FILES) }) },
);

/** Applies one mutation in place. */
export function mutate(dir: string, m: Mutation): void {
  const path = join(dir, m.file);
  switch (m.op) {
    case 'delete':
      unlinkSync(path);
      return;
    case 'replace':
      writeFileSync(path, m.bytes);
      return;
    case 'truncate': {
      const buf = readFileSync(path);
      writeFileSync(path, buf.subarray(0, Math.floor(buf.length * m.at)));
      return;
    }
    case 'flip': {
      const buf = readFileSync(path);
      const i = Math.min(buf.length - 1, Math.floor(buf.length * m.at));
      buf[i] ^= m.mask;
      writeFileSync(path, buf);
      return;
    }
    case 'headerLength': {
      const buf = readFileSync(path);
      buf.writeBigUInt64LE(m.value, 0);
      writeFileSync(path, buf);
      return;
    }
    case 'headerField': {
      const buf = withHeader(readFileSync(path), (h) => {
        if (m.field === '__metadata__') {
          h.__metadata__ = m.value;
          return;
        }
        const names = Object.keys(h).filter((k) => k !== '__metadata__');
        const name = names[m.tensor % names.length];
        if (m.field === '__entry__') h[name] = m.value;
        else h[name][m.field] = m.value;
      });
      writeFileSync(path, buf);
      return;
    }
    case 'json': {
      const root = JSON.parse(readFileSync(path, 'utf8'));
      let next: unknown = m.value;
      if (m.path.length) {
        let at: any = root;
        for (const key of m.path.slice(0, -1)) at = at?.[key];
        const last = m.path[m.path.length - 1];
        if (at && typeof at === 'object') {
          if (m.remove) delete at[last];
          else at[last] = m.value;
        }
        next = root;
      }
      writeFileSync(path, JSON.stringify(next));
      return;
    }
  }
}

/**
 * The loader contract: `load()` either succeeds or throws the user-facing ModelFileError whose one-line
 * message names the folder and one of the mutated files (or the file whose rule it broke, which names
 * it: "config.json implies …"), with a hint. Anything else (a RangeError, a TypeError, a plain Error)
 * fails with its stack so the gap can be fixed in the reader.
 */
export function expectLoadOrModelFileError(load: () => unknown, dir: string, mutations: Mutation[]): 'loaded' | 'rejected' {
  const what = mutations.map(show).join(' then ');
  try {
    load();
    return 'loaded';
  } catch (e) {
    if (!(e instanceof ModelFileError)) throw new Error(`${what} gave ${(e as Error)?.stack ?? String(e)}`);
    expect(e.message, what).toContain(dir);
    expect(
      mutations.some((m) => e.message.includes(basename(m.file))),
      `${what}: ${e.message}`,
    ).toBe(true);
    expect(e.message, what).not.toContain('\n');
    expect(e.hint, what).toBeTruthy();
    return 'rejected';
  }
}

export function show(m: Mutation): string {
  return JSON.stringify(m, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `<${v.length} bytes>` : v));
}

// ---- the built CLI ------------------------------------------------------------------------------------

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The process was still running at the hang guard and was killed. */
  hung: boolean;
  /** `ftlab backend` printed its listening line (the folder loaded); it was then stopped. */
  listening: boolean;
}

/**
 * Runs dist/cli.js with its own FTLAB_HOME and waits for it to exit. `hangGuardMs` is a generous bound,
 * not a timing assertion: past it the process (and only it) is killed and `hung` is set. A backend that
 * starts listening is stopped with SIGTERM and reported as `listening`.
 */
export function runCli(args: string[], hangGuardMs = 20_000): Promise<CliRun> {
  const root = join(__dirname, '../../..');
  const home = mkdtempSync(join(tmpdir(), 'ftlab-home-'));
  const child = spawn(process.execPath, [join(root, 'dist/cli.js'), ...args], {
    cwd: home,
    env: { ...process.env, FTLAB_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let hung = false;
  let listening = false;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!listening && stderr.includes('Ollama-compatible API on')) {
      listening = true;
      child.kill('SIGTERM');
    }
  });
  const guard = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, hangGuardMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr, hung, listening });
    });
  });
}

/**
 * What a user must see for a bad folder: exit 1 and `ftlab: <one line naming the folder and file>` (plus an optional
 * `hint:` line), no "unexpected error", no stack frames.
 */
export function expectCleanFailure(r: CliRun, dir: string, file?: string): void {
  const context = `stderr:\n${r.stderr}`;
  expect(r.hung, `hung; ${context}`).toBe(false);
  expect(r.code, context).toBe(1);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0], context).toMatch(/^ftlab: /);
  expect(lines[0], context).toContain(dir);
  if (file) expect(lines[0], context).toContain(file);
  expect(
    lines.slice(1).every((l) => l.startsWith('hint: ')),
    context,
  ).toBe(true);
  expect(r.stderr, context).not.toContain('unexpected error');
  expect(r.stderr, context).not.toMatch(/^\s+at /m);
}
