// Bad model and adapter folders through the built CLI (issue #10 point 4, review D4): `eval-model`,
// `generate`, `train` and `merge` exit 1 with one `ftlab: …` line naming the file at fault and a hint,
// never "unexpected error" and a stack. Also the training-data faults of D10 end to end, and a handful of
// fuzz-generated folders (the loader-level fuzz is model-files.fuzz.test.ts). Needs dist/cli.js.
import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzParams } from '../helpers/fuzz.js';
import {
  copyFolder,
  expectCleanFailure,
  FIXTURE,
  modelMutation,
  mutate,
  removeFolder,
  runCli,
  show,
  withHeader,
  type CliRun,
} from '../engines/llm/model-folders.js';

const made: string[] = [];
afterAll(() => made.forEach(removeFolder));
const scratch = mkdtempSync(join(tmpdir(), 'ftlab-cli-bad-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const DATA = join(FIXTURE, 'data.jsonl');
const GOOD_MODEL = join(FIXTURE, 'model');
const GOOD_ADAPTER = join(FIXTURE, 'adapter');

/** A copy of the fixture folder with `file` damaged by `damage`. */
function broken(kind: 'model' | 'adapter', file: string, damage: (path: string) => void): string {
  const dir = copyFolder(kind);
  made.push(dir);
  damage(join(dir, file));
  return dir;
}
const edit = (path: string, fn: (h: Record<string, any>) => void) => writeFileSync(path, withHeader(readFileSync(path), fn));
const firstTensor = (h: Record<string, any>) => h[Object.keys(h).find((k) => k !== '__metadata__')!];
const json = (path: string, fn: (j: Record<string, any>) => void) => {
  const j = JSON.parse(readFileSync(path, 'utf8'));
  fn(j);
  writeFileSync(path, JSON.stringify(j));
};

const SAFETENSORS_FAULTS: Array<[string, (path: string) => void]> = [
  ['empty file', (p) => writeFileSync(p, '')],
  ['too short', (p) => writeFileSync(p, Buffer.from([1, 2, 3]))],
  [
    'header length larger than the file',
    (p) => {
      const b = readFileSync(p);
      b.writeBigUInt64LE(BigInt(b.length) * 4n);
      writeFileSync(p, b);
    },
  ],
  [
    'corrupt header',
    (p) => {
      const b = readFileSync(p);
      b[8] = 0x21;
      writeFileSync(p, b);
    },
  ],
  ['truncated data', (p) => truncateSync(p, Math.floor(readFileSync(p).length * 0.6))],
  ['offsets out of bounds', (p) => edit(p, (h) => (firstTensor(h).data_offsets = [0, 1e9]))],
  ['tensor byte size mismatch', (p) => edit(p, (h) => (firstTensor(h).data_offsets = [0, 4]))],
  ['unknown dtype', (p) => edit(p, (h) => (firstTensor(h).dtype = 'I8'))],
  ['negative shape', (p) => edit(p, (h) => (firstTensor(h).shape = [-1, 4]))],
];

const MODEL_FAULTS: Array<[string, string, (path: string) => void]> = [
  ...SAFETENSORS_FAULTS.map(([name, fn]): [string, string, (path: string) => void] => [name, 'model.safetensors', fn]),
  ['wrong shapes (hidden_size changed in config.json)', 'config.json', (p) => json(p, (j) => (j.hidden_size = 32))],
  ['config.json not JSON', 'config.json', (p) => writeFileSync(p, '{"vocab_size": 258,')],
  ['config.json missing', 'config.json', (p) => unlinkSync(p)],
  ['config.json with a string size', 'config.json', (p) => json(p, (j) => (j.num_hidden_layers = '2'))],
  ['tokenizer.json not JSON', 'tokenizer.json', (p) => writeFileSync(p, 'not json')],
  ['tokenizer.json without <s>', 'tokenizer.json', (p) => json(p, (j) => (j.added_tokens = []))],
  ['tokenizer.json missing', 'tokenizer.json', (p) => unlinkSync(p)],
];

const ADAPTER_FAULTS: Array<[string, string, (path: string) => void]> = [
  ...SAFETENSORS_FAULTS.slice(0, 5).map(([name, fn]): [string, string, (path: string) => void] => [name, 'adapter_model.safetensors', fn]),
  ['r does not match the tensors', 'adapter_config.json', (p) => json(p, (j) => (j.r = 4))],
  ['adapter_config.json not JSON', 'adapter_config.json', (p) => writeFileSync(p, '{')],
  ['target_modules not a valid regex', 'adapter_config.json', (p) => json(p, (j) => (j.target_modules = '(q_proj'))],
  ['layers_to_transform out of range', 'adapter_config.json', (p) => json(p, (j) => (j.layers_to_transform = [7]))],
];

/** Runs at most two CLIs at a time (the CI machine has two cores). */
async function inPairs<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 2) await Promise.all(items.slice(i, i + 2).map(fn));
}

describe('bad model folders through the CLI', () => {
  it('eval-model names the file for every kind of damaged --model folder', async () => {
    await inPairs(MODEL_FAULTS, async ([, file, damage]) => {
      const bad = broken('model', file, damage);
      expectCleanFailure(await runCli(['eval-model', '--model', bad, '--data', DATA]), bad, file);
    });
  }, 120_000);

  it('generate, train and merge give the same one-line error', async () => {
    const cases = MODEL_FAULTS.filter(([name]) =>
      ['empty file', 'header length larger than the file', 'unknown dtype', 'wrong shapes (hidden_size changed in config.json)'].includes(
        name,
      ),
    );
    expect(cases).toHaveLength(4);
    const runs: Array<[string, string, string[]]> = [];
    for (const [name, file, damage] of cases) {
      const bad = broken('model', file, damage);
      const slug = name.replace(/\W+/g, '-');
      runs.push(
        [bad, file, ['generate', '--model', bad, '--prompt', 'hi', '--max-tokens', '2']],
        [bad, file, ['train', '--model', bad, '--data', DATA, '--steps', '1', '--out', join(scratch, `t-${slug}`)]],
        [bad, file, ['merge', '--model', bad, '--adapter', GOOD_ADAPTER, '--out', join(scratch, `m-${slug}`)]],
      );
    }
    await inPairs(runs, async ([dir, file, args]) => expectCleanFailure(await runCli(args), dir, file));
  }, 120_000);
});

describe('bad adapter folders through the CLI', () => {
  it('eval-model, generate and merge name the adapter file', async () => {
    const runs: Array<[string, string, string[]]> = [];
    ADAPTER_FAULTS.forEach(([name, file, damage], i) => {
      const bad = broken('adapter', file, damage);
      const cmd =
        i % 3 === 0
          ? ['eval-model', '--data', DATA]
          : i % 3 === 1
            ? ['generate', '--prompt', 'hi', '--max-tokens', '2']
            : ['merge', '--out', join(scratch, `a-${name.replace(/\W+/g, '-')}`)];
      runs.push([bad, file, [...cmd, '--model', GOOD_MODEL, '--adapter', bad]]);
    });
    await inPairs(runs, async ([dir, file, args]) => expectCleanFailure(await runCli(args), dir, file));
  }, 120_000);
});

describe('training data faults through the CLI', () => {
  it('an empty answer and non-UTF-8 bytes are reported with file:line; a BOM is accepted', async () => {
    const bad = join(scratch, 'bad.jsonl');
    writeFileSync(
      bad,
      Buffer.concat([
        Buffer.from('{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":""}]}\n{"prompt":"q","completion":"caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n'),
      ]),
    );
    const r = await runCli(['eval-model', '--model', GOOD_MODEL, '--data', bad]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${bad}:1: messages[1] (assistant) is empty`);
    expect(r.stderr).toContain(`${bad}:2: byte 0xe9`);
    expect(r.stderr).not.toContain('unexpected error');
    const bom = join(scratch, 'bom.jsonl');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(DATA)]));
    const ok = await runCli(['eval-model', '--model', GOOD_MODEL, '--data', bom, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).tokens).toBeGreaterThan(0);
  }, 60_000);
});

describe('fuzz-generated model folders through eval-model', () => {
  it('each exits 0, or 1 with one line naming the folder', async () => {
    const params = fuzzParams(4);
    const samples = fc.sample(modelMutation, { numRuns: params.numRuns, seed: params.seed });
    await inPairs(samples, async (m) => {
      const dir = copyFolder('model');
      made.push(dir);
      mutate(dir, m);
      const r: CliRun = await runCli(['eval-model', '--model', dir, '--data', DATA, '--json']);
      expect(r.hung, show(m)).toBe(false);
      if (r.code === 0) expect(JSON.parse(r.stdout)).toHaveProperty('loss');
      else expectCleanFailure(r, dir);
    });
  }, 120_000);
});
