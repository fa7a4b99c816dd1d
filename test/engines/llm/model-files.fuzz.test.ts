// Keep it fixed (issue #10): mutated model and adapter folders either load or fail with the one
// user-facing error (ModelFileError: one line naming the file, with a hint), never a RangeError, a
// TypeError, a plain Error or a hang. Bounded by fuzzParams (fixed seed; FUZZ_RUNS=5000 for a long run).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/engines/llm/config.js';
import { loadAdapter, loadModel } from '../../../src/engines/llm/io.js';
import { fuzzParams } from '../../helpers/fuzz.js';
import { adapterMutation, copyFolder, expectLoadOrModelFileError, FIXTURE, modelMutation, mutate, removeFolder } from './model-folders.js';
import { join } from 'node:path';

const made: string[] = [];
afterAll(() => made.forEach(removeFolder));

function fresh(kind: 'model' | 'adapter'): string {
  const dir = copyFolder(kind);
  made.push(dir);
  return dir;
}

describe('model folder fuzz (loader API)', () => {
  it('one to three mutations of a model folder: loads, or ModelFileError naming the file', () => {
    const outcomes = { loaded: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.array(modelMutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (ms, quantize) => {
        const dir = fresh('model');
        try {
          for (const m of ms) mutate(dir, m);
        } catch {
          return; // an earlier mutation removed or garbled what a later one edits: nothing to load
        }
        outcomes[expectLoadOrModelFileError(() => loadModel(dir, { quantize }), dir, ms)]++;
        removeFolder(dir);
        made.pop();
      }),
      fuzzParams(100),
    );
    // the generator must reach the rejecting paths, or the property proves nothing
    expect(outcomes.rejected).toBeGreaterThan(outcomes.loaded / 4);
  });

  it('one mutation of an adapter folder: loads, or ModelFileError naming the file', () => {
    const base = readConfig(join(FIXTURE, 'model/config.json'));
    let rejected = 0;
    fc.assert(
      fc.property(adapterMutation, (m) => {
        const dir = fresh('adapter');
        mutate(dir, m);
        if (expectLoadOrModelFileError(() => loadAdapter(dir, base), dir, [m]) === 'rejected') rejected++;
        removeFolder(dir);
        made.pop();
      }),
      fuzzParams(100),
    );
    expect(rejected).toBeGreaterThan(0);
  });
});
