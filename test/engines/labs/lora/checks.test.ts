// The LoRA lab's check kinds against its shipped reference solution (must pass) and starter (must fail).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { checks } from '../../../../src/engines/labs/lora/checks.js';
import type { CheckContext } from '../../../../src/engines/labs/types.js';

const labDir = join(__dirname, '../../../../labs/lora');
const lab = parse(readFileSync(join(labDir, 'lab.yaml'), 'utf8'));
const labChecks: Array<{ kind: string; args?: Record<string, unknown> }> = lab.steps.flatMap((s: any) => s.checks ?? []);
const ctx = (adapter: string, seed = 7): CheckContext => ({ contentRoot: join(labDir, '../..'), labDir, options: { adapter: join(labDir, adapter) }, seed });

describe('LoRA lab checks', () => {
  it('every check in lab.yaml names a kind of this lab with valid args', () => {
    expect(labChecks.length).toBeGreaterThanOrEqual(6);
    for (const c of labChecks) {
      expect(checks[c.kind], c.kind).toBeDefined();
      expect(checks[c.kind].validateArgs?.(c.args ?? {}) ?? []).toEqual([]);
    }
  });

  it('the reference solution passes every check', async () => {
    for (const c of labChecks) {
      const r = await checks[c.kind].run(ctx('solution/adapter', 11), c.args ?? {});
      expect(r.ok, `${c.kind}: ${r.detail}`).toBe(true);
    }
  }, 120_000);

  it('the untrained starter fails the learning checks', async () => {
    const byKind = Object.fromEntries(labChecks.map((c) => [c.kind, c.args ?? {}]));
    const val = await checks['lora-val-improves'].run(ctx('starter/adapter'), byKind['lora-val-improves']);
    expect(val.ok).toBe(false);
    const layout = await checks['lora-adapter-layout'].run(ctx('starter/adapter'), {});
    expect(layout.ok).toBe(true);
  }, 60_000);

  it('a missing adapter folder fails with a specific message', async () => {
    const r = await checks['lora-adapter-layout'].run(ctx('no-such-adapter'), {});
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('missing adapter_config.json');
  });
});
