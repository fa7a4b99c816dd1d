// The training defaults have one source (src/engines/llm/defaults.ts): the CLI's flags, the LoRA lab's
// picker and the docs must all say the same job.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/flags/engine.js';
import { DEFAULT_CONFIG } from '../../../src/engines/labs/lora/session.js';
import { TRAIN_DEFAULTS as D, defaultLr } from '../../../src/engines/llm/defaults.js';

describe('training defaults', () => {
  it('ftlab train declares its flag defaults from TRAIN_DEFAULTS', () => {
    const program = new Command();
    register(program);
    const train = program.commands.find((c) => c.name() === 'train')!;
    const defaults = Object.fromEntries(train.options.map((o) => [o.attributeName(), o.defaultValue]));
    expect(defaults).toMatchObject({
      method: D.method,
      rank: String(D.rank),
      alpha: String(D.alpha),
      targets: D.targets.join(','),
      dropout: String(D.dropout),
      batch: String(D.batch),
      warmup: String(D.warmup),
      evalEvery: String(D.evalEvery),
      seed: String(D.seed),
    });
    expect(train.helpInformation()).toContain(`default ${D.steps}`);
  });

  it('the LoRA lab starts from the same job', () => {
    expect(DEFAULT_CONFIG).toEqual({
      method: D.method,
      rank: D.rank,
      alpha: D.alpha,
      targets: D.targets,
      lr: defaultLr(D.method),
      steps: D.steps,
    });
    expect(defaultLr('full')).toBe(D.fullLr);
  });

  it('docs/engine.md describes the default job with these numbers', () => {
    const doc = readFileSync(new URL('../../../docs/engine.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const lr = D.lr.toExponential(); // 0.01 → "1e-2", as the doc writes it
    expect(doc).toContain(
      `(\`ftlab train\`: LoRA r=${D.rank}, α=${D.alpha}, dropout ${D.dropout} on \`${D.targets.join(',')}\`, lr ${lr}, ${D.warmup} warmup steps, ${D.steps} steps of batch ${D.batch}, validation every ${D.evalEvery} steps, seed ${D.seed})`,
    );
  });
});
