// The LoRA lab's screen rendered from a fake session state: picker, PEFT line, loss chart, ETA,
// early stop, sizes, before/after scores and generations, and the method comparison, within 80x24.
import { afterEach, describe, expect, it } from 'vitest';
import { LoraLabView, adjust, lossSparklines } from '../../../../src/ui/screens/labs/LoraLab.js';
import { DEFAULT_CONFIG, type EvalResult, type LoraLabState, type StepPoint } from '../../../../src/engines/labs/lora/session.js';
import { unicodeGlyphs } from '../../../../src/ui/theme/glyphs.js';
import { plain, renderWithProviders } from '../../helpers.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

const points: StepPoint[] = Array.from({ length: 40 }, (_, i) => ({
  step: i + 1,
  loss: 3 - i * 0.06,
  ...(i % 10 === 9 ? { val_loss: 2.9 - i * 0.05 } : {}),
  lr: 0.01,
  tokens_per_s: 900,
}));

const evalResult = (share: number, output: string): EvalResult => ({
  n: 12,
  loss: 1,
  format_compliance: share,
  category_accuracy: share / 2,
  rouge_l: share * 0.9,
  samples: [{ prompt: 'Triage this support ticket.\n\nMy parcel is late.', output, expected: 'category: shipping\npriority: medium', format_ok: share > 0.5 }],
});

function fakeState(status: 'training' | 'done'): LoraLabState {
  const config = { ...DEFAULT_CONFIG, steps: 150 };
  return {
    config,
    baseStatus: 'done',
    base: evalResult(0, 'the lesson says the model'),
    run: {
      config,
      status,
      out: '/tmp/x',
      peftLine: 'trainable params: 3,584 || all params: 192,448 || trainable%: 1.8623',
      totalSteps: 150,
      points,
      tokensPerS: 900,
      etaS: status === 'training' ? 95 : 0,
      ...(status === 'done'
        ? {
            summary: { trainable_params: 3584, total_params: 192448, trainable_pct: 1.8623, adapter_bytes: 15368, base_bytes: 757552, val_loss_before: 3.2, val_loss_after: 0.41, seconds: 62, out: '/tmp/x', method: 'lora', peft_line: '', steps: 40, total_steps: 150, tokens_per_s: 900, base_memory_bytes: 755456, base_memory_fp32_bytes: 755456, stopped_early: true, interrupted: false, checkpoint: null },
            after: evalResult(11 / 12, 'category: shipping\npriority: medium'),
          }
        : {}),
    },
    comparison:
      status === 'done'
        ? [
            { method: 'lora', config, trainable_params: 3584, trainable_pct: 1.86, base_memory_bytes: 755456, memory_bytes: 755456 + 3584 * 16, output_bytes: 15368, seconds: 62, val_loss: 0.41, format_compliance: 11 / 12 },
            { method: 'full', config: { ...config, method: 'full' }, trainable_params: 188864, trainable_pct: 100, base_memory_bytes: 755456, memory_bytes: 755456 + 188864 * 12, output_bytes: 757552, seconds: 140, val_loss: 0.35 },
          ]
        : [],
    log: [],
  };
}

function fitsIn80x24(frame: string) {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(23);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
}

describe('LoRA lab screen', () => {
  it('shows the picker, PEFT line, live loss chart, tokens/s and ETA while training', async () => {
    const r = renderWithProviders(<LoraLabView state={fakeState('training')} field={1} sample={0} />);
    unmount = r.unmount;
    const f = plain(await r.waitFor('trainable params'));
    expect(f).toContain('[rank 8]');
    expect(f).toContain(' method LoRA ');
    expect(f).toContain('targets q,v');
    expect(f).toContain('trainable params: 3,584 || all params: 192,448 || trainable%: 1.8623');
    expect(f).toMatch(/step 40\/150 · loss 0\.660 · val 0\.950 · 900 tok\/s · ETA 1m35s/);
    expect(f).toMatch(/train loss +[▁▂▃▄▅▆▇█]{10,}/);
    expect(f).toContain('val loss');
    expect(f).toContain('held-out tickets (12)  before: format 0% · ROUGE-L 0.00');
    fitsIn80x24(f);
  });

  it('shows early stop, sizes, before/after generations and the comparison when done', async () => {
    const r = renderWithProviders(<LoraLabView state={fakeState('done')} field={0} sample={0} />);
    unmount = r.unmount;
    const f = plain(await r.waitFor('stopped early'));
    expect(f).toContain('adapter 15.0 KiB vs base 739.8 KiB (2.0%)');
    expect(f).toContain('after:  format 92% · ROUGE-L 0.82');
    expect(f).toContain('stopped early at step 40: val loss stopped improving, best weights kept');
    expect(f).toContain('ticket 1/1: Triage this support ticket. My parcel is late.');
    expect(f).toMatch(/before ✗ "the lesson says the model"/);
    expect(f).toMatch(/after {2}✓ "category: shipping\\npriority: medium"/);
    expect(f).toMatch(/lora +3,584 +1\.86% +793\.8 KiB +15\.0 KiB +1m02s +0\.410 +92%/);
    expect(f).toMatch(/full +188,864 +100\.00% +2\.88 MiB +739\.8 KiB/);
    expect(f).toContain('memory = weights + gradients + AdamW state (activations not counted)');
    fitsIn80x24(f);
  });

  it('speaks state in words for screen readers', async () => {
    const r = renderWithProviders(<LoraLabView state={fakeState('training')} field={0} sample={0} />, { ui: { screenReader: true } });
    unmount = r.unmount;
    const f = plain(await r.waitFor('validation loss'));
    expect(f).toContain('method LoRA (selected)');
    expect(f).toContain('train loss from 3.000 to 0.660');
    expect(f).toContain('validation loss: 2.450, 1.950, 1.450, 0.950');
  });

  it('marks pass/fail in words with ASCII glyphs and keeps the chart lines whole', async () => {
    const r = renderWithProviders(<LoraLabView state={fakeState('done')} field={0} sample={0} />, { ui: { ascii: true } });
    unmount = r.unmount;
    const f = plain(await r.waitFor('stopped early'));
    expect(f).toContain('before [bad format] "the lesson says the model"');
    expect(f).toContain('after  [format ok] "category: shipping');
    expect(f).toMatch(/val loss .*\(max 3\.00\)/);
  });
});

describe('picker and chart helpers', () => {
  it('steps through values and lowers the learning rate for full fine-tuning', () => {
    expect(adjust(DEFAULT_CONFIG, 'rank', 1).rank).toBe(16);
    expect(adjust(DEFAULT_CONFIG, 'rank', -1).rank).toBe(4);
    const full = adjust(adjust(DEFAULT_CONFIG, 'method', 1), 'method', 1);
    expect(full).toMatchObject({ method: 'full', lr: 1e-3 });
    expect(adjust(full, 'method', -1)).toMatchObject({ method: 'qlora', lr: 1e-2 });
    expect(adjust(DEFAULT_CONFIG, 'targets', 1).targets).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj']);
  });
  it('draws train and validation loss on one scale, one cell per bucket', () => {
    const c = lossSparklines(points, 20, unicodeGlyphs);
    expect(c.train).toHaveLength(20);
    expect(c.val).toHaveLength(20);
    expect(c.max).toBeCloseTo(3 - 0.03, 5);
    expect(c.val.trim().length).toBeGreaterThan(0);
  });
});
