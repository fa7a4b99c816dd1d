// A LoRA adapter (PEFT folder) for the tiny test model, with random non-zero B so that it really changes
// the model's answers (a freshly initialised adapter has B = 0 and changes nothing).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../../src/engines/llm/config.js';
import { saveAdapter } from '../../../src/engines/llm/io.js';
import { LoraAdapter } from '../../../src/engines/llm/lora.js';
import { Rng } from '../../../src/engines/llm/rng.js';

export function writeTinyAdapter(modelDir: string, seed = 11, dir = mkdtempSync(join(tmpdir(), 'ftlab-tiny-adapter-'))): string {
  const config = readConfig(join(modelDir, 'config.json'));
  const adapter = new LoraAdapter(config, {
    r: 4,
    alpha: 8,
    dropout: 0,
    targets: ['q_proj', 'v_proj', 'down_proj'],
    layers: null,
    useRslora: false,
  });
  const rng = new Rng(seed);
  for (const spec of adapter.params.specs) {
    const view = adapter.params.view(spec.name);
    for (let i = 0; i < view.length; i++) view[i] = rng.normal() * 0.5;
  }
  saveAdapter(dir, adapter, modelDir);
  return dir;
}
