// `ftlab backend` with a bad --model or --adapter (hardening review D2, issue #10 point 2): the built CLI
// prints one line naming the file and exits 1 instead of hanging. Before, a worker that failed to load
// was replaced by another that failed the same way, forever, so the process never exited. Every run has
// a generous hang guard (a bound, not a timing assertion) and listens, if it ever does, on port 0.
import { readFileSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { GenerationPool } from '../../../src/engines/serve/ollama/pool.js';
import { ModelFileError } from '../../../src/engines/llm/errors.js';
import {
  adapterMutation,
  copyFolder,
  expectCleanFailure,
  FIXTURE,
  modelMutation,
  mutate,
  removeFolder,
  runCli,
  show,
  withHeader,
} from '../llm/model-folders.js';
import { fuzzParams } from '../../helpers/fuzz.js';

const made: string[] = [];
afterAll(() => made.forEach(removeFolder));
const GOOD_MODEL = join(FIXTURE, 'model');

function broken(kind: 'model' | 'adapter', file: string, damage: (path: string) => void): string {
  const dir = copyFolder(kind);
  made.push(dir);
  damage(join(dir, file));
  return dir;
}
const backend = (...args: string[]) => runCli(['backend', '--host', '127.0.0.1', '--port', '0', ...args]);

const CASES: Array<[string, 'model' | 'adapter', string, (p: string) => void]> = [
  ['too-short safetensors', 'model', 'model.safetensors', (p) => writeFileSync(p, '')],
  [
    'header length larger than the file',
    'model',
    'model.safetensors',
    (p) => {
      const b = readFileSync(p);
      b.writeBigUInt64LE(1n << 40n);
      writeFileSync(p, b);
    },
  ],
  [
    'corrupt header',
    'model',
    'model.safetensors',
    (p) => {
      const b = readFileSync(p);
      b[9] ^= 0x55;
      writeFileSync(p, b);
    },
  ],
  [
    'wrong shapes',
    'model',
    'model.safetensors',
    (p) =>
      writeFileSync(
        p,
        withHeader(readFileSync(p), (h) => {
          const k = Object.keys(h).find((n) => n.endsWith('norm.weight'))!;
          h[k].shape = [h[k].shape[0] / 2, 2];
        }),
      ),
  ],
  ['missing tokenizer', 'model', 'tokenizer.json', (p) => unlinkSync(p)],
  ['bad tokenizer', 'model', 'tokenizer.json', (p) => writeFileSync(p, '{"model": {"type": "Unigram"}}')],
  ['bad config', 'model', 'config.json', (p) => writeFileSync(p, '{"hidden_size": "big"}')],
  ['truncated adapter', 'adapter', 'adapter_model.safetensors', (p) => truncateSync(p, 100)],
  ['adapter rank mismatch', 'adapter', 'adapter_config.json', (p) => writeFileSync(p, readFileSync(p, 'utf8').replace('"r": 2', '"r": 3'))],
  ['adapter without weights', 'adapter', 'adapter_model.safetensors', (p) => unlinkSync(p)],
];

describe('ftlab backend start-up failures', () => {
  for (const [name, kind, file, damage] of CASES) {
    it(`${name}: exits 1 with one line naming ${file}`, async () => {
      const dir = broken(kind, file, damage);
      const r = kind === 'model' ? await backend('--model', dir) : await backend('--model', GOOD_MODEL, '--adapter', `bad=${dir}`);
      expect(r.listening, r.stderr).toBe(false);
      expectCleanFailure(r, dir, file);
    }, 30_000);
  }

  it('with two workers, both are released and the process exits', async () => {
    const dir = broken('model', 'model.safetensors', (p) => truncateSync(p, 4096));
    const r = await backend('--model', dir, '--workers', '2');
    expectCleanFailure(r, dir, 'model.safetensors');
  }, 30_000);

  it('a good folder still starts (the cases above fail for their fault, not for the harness)', async () => {
    const r = await backend('--model', GOOD_MODEL, '--adapter', `good=${join(FIXTURE, 'adapter')}`);
    expect(r.hung, r.stderr).toBe(false);
    expect(r.listening, r.stderr).toBe(true);
  }, 30_000);

  it('fuzz-generated folders: the backend starts, or exits 1 with one line naming the folder', async () => {
    const params = fuzzParams(3);
    const models = fc.sample(modelMutation, { numRuns: params.numRuns, seed: params.seed });
    const adapters = fc.sample(adapterMutation, { numRuns: params.numRuns, seed: params.seed });
    for (const [kind, m] of [...models.map((m) => ['model', m] as const), ...adapters.map((m) => ['adapter', m] as const)]) {
      const dir = copyFolder(kind);
      made.push(dir);
      mutate(dir, m);
      const r = kind === 'model' ? await backend('--model', dir) : await backend('--model', GOOD_MODEL, '--adapter', `x=${dir}`);
      expect(r.hung, `${show(m)}\n${r.stderr}`).toBe(false);
      if (!r.listening) expectCleanFailure(r, dir);
    }
  }, 120_000);
});

describe('GenerationPool load failures', () => {
  it('ready() rejects with the ModelFileError and terminates every worker', async () => {
    const dir = broken('model', 'config.json', (p) => writeFileSync(p, '[]'));
    const pool = new GenerationPool([{ name: 'x:latest', modelDir: dir }], 2, 4);
    const err = await pool.ready().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelFileError);
    expect((err as Error).message).toContain(join(dir, 'config.json'));
    expect((err as ModelFileError).hint).toMatch(/--model/);
    // closed, with no worker left to replace: new work is refused at once instead of waiting forever
    await expect(pool.submit('x:latest', { kind: 'generate', prompt: 'hi' }, {})).rejects.toMatchObject({ status: 503 });
    expect(pool.busy).toBe(0);
  }, 30_000);
});
