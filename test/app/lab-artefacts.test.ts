// Grading inside the app (issue 12, F-04): the lab runner grades the LoRA steps with the newest
// complete adapter the lab screen trained, and says so; with none it says how to get one.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inAppCheckOptions, latestLoraAdapter, loraRunsDir } from '../../src/app/lab-artefacts.js';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true })));

function run(home: string, name: string, at: number, complete = true) {
  const dir = join(loraRunsDir(home), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'adapter_config.json'), '{}');
  if (complete) {
    writeFileSync(join(dir, 'adapter_model.safetensors'), '');
    utimesSync(join(dir, 'adapter_model.safetensors'), at, at);
  }
  return dir;
}

describe('in-app lab grading options', () => {
  it('picks the newest complete adapter, ignoring folders without weights', () => {
    const home = mkdtempSync(join(tmpdir(), 'ftlab-artefacts-'));
    homes.push(home);
    expect(latestLoraAdapter(home)).toBeUndefined();
    expect(inAppCheckOptions('lora', home)).toMatchObject({
      options: {},
      note: expect.stringMatching(/No adapter trained yet: press o, then t/),
    });
    run(home, 'lora-1', 1_000);
    const newest = run(home, 'lora-2', 2_000);
    run(home, 'qlora-3', 3_000, false); // interrupted before the weights were written
    expect(latestLoraAdapter(home)).toBe(newest);
    expect(inAppCheckOptions('lora', home)).toEqual({
      options: { adapter: newest },
      note: `Grading the latest adapter the lab screen trained: ${newest}`,
    });
    expect(inAppCheckOptions('metrics', home)).toEqual({ options: {} });
  });
});
