// The LoRA lab's screen rendered from a fake session state: picker, PEFT line, loss chart with its scale,
// ETA, early stop, sizes and peak RSS, before/after scores with label accuracy against the majority
// baseline and a plain verdict, generations, the method comparison, and what x then t did (resumed or
// started afresh), within 80x24 and with long lines wrapped, never cut with "…".
import { afterEach, describe, expect, it } from 'vitest';
import { LoraLabView, adjust, fitLines, lossSparklines, wrapRows } from '../../../../src/ui/screens/labs/LoraLab.js';
import { DEFAULT_CONFIG, type EvalResult, type LoraLabState, type RunState, type StepPoint } from '../../../../src/engines/labs/lora/session.js';
import { TRAIN_DEFAULTS } from '../../../../src/engines/llm/defaults.js';
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

const evalResult = (share: number, output: string, acc = [share / 2, share / 2]): EvalResult => ({
  n: 12,
  loss: 1,
  format_compliance: share,
  labels: {
    category: { accuracy: acc[0], majority: 'technical', majority_accuracy: 0.35 },
    priority: { accuracy: acc[1], majority: 'medium', majority_accuracy: 0.45 },
  },
  rouge_l: share * 0.9,
  samples: [{ prompt: 'Triage this support ticket.\n\nMy parcel is late.', output, expected: 'category: shipping\npriority: medium', format_ok: share > 0.5 }],
});

const summary = { trainable_params: 3584, total_params: 192448, trainable_pct: 1.8623, adapter_bytes: 15368, base_bytes: 757552, val_loss_before: 3.2, val_loss_after: 0.41, seconds: 62, out: '/tmp/x', method: 'lora' as const, peft_line: '', steps: 40, total_steps: 150, tokens_per_s: 900, base_memory_bytes: 755456, base_memory_fp32_bytes: 755456, stopped_early: true, interrupted: false, checkpoint: null, peak_rss_bytes: 185_000_000 };

function fakeState(status: 'training' | 'done', over: { after?: EvalResult; run?: Partial<RunState> } = {}): LoraLabState {
  const config = { ...DEFAULT_CONFIG, steps: 150 };
  return {
    config,
    labelRule: { min_accuracy: 0.8, min_margin: 0.2 },
    baseStatus: 'done',
    base: evalResult(0, 'the lesson says the model', [0, 0]),
    run: {
      config,
      status,
      out: '/tmp/x',
      peftLine: 'trainable params: 3,584 || all params: 192,448 || trainable%: 1.8623',
      totalSteps: 150,
      points,
      tokensPerS: 900,
      etaS: status === 'training' ? 95 : 0,
      ...(status === 'done' ? { summary, after: over.after ?? evalResult(11 / 12, 'category: shipping\npriority: medium') } : {}),
      ...over.run,
    },
    comparison:
      status === 'done'
        ? [
            { method: 'lora', config, trainable_params: 3584, trainable_pct: 1.86, base_memory_bytes: 755456, memory_bytes: 755456 + 3584 * 16, output_bytes: 15368, seconds: 62, val_loss: 0.41, format_compliance: 11 / 12, label_accuracy: { category: 0.95, priority: 0.9 } },
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
  // nothing was cut off or left undefined
  expect(frame).not.toContain('…');
  expect(frame).not.toMatch(/NaN|undefined/);
}

async function frameOf(state: LoraLabState, wait: string, ui: Record<string, boolean> = {}) {
  const r = renderWithProviders(<LoraLabView state={state} field={1} sample={0} />, { ui });
  unmount = r.unmount;
  return plain(await r.waitFor(wait));
}

describe('LoRA lab screen', () => {
  it('shows the picker, PEFT line, live loss chart with its scale, tokens/s and ETA while training', async () => {
    const f = await frameOf(fakeState('training'), 'trainable params');
    expect(f).toContain('[rank 8]');
    expect(f).toContain(' method LoRA ');
    expect(f).toContain('targets q,v');
    expect(f).toContain('trainable params: 3,584 || all params: 192,448 || trainable%: 1.8623');
    expect(f).toMatch(/step 40\/150 · loss 0\.660 · val 0\.950 · 900 tok\/s · ETA 1m35s/);
    expect(f).toMatch(/train loss +[▁▂▃▄▅▆▇█]{10,} +3\.000 → 0\.660/);
    // both rows share one scale, and the val row says what the top glyph stands for
    expect(f).toMatch(/val loss .*2\.450 → 0\.950 · scale ▁ 0 · █ \d\.\d\d/);
    // the top glyph stands for the highest (bucket-averaged) loss drawn: at most the first step's 3.0
    const top = Number(/█ (\d\.\d\d)$/m.exec(f)![1]);
    expect(top).toBeGreaterThan(2.5);
    expect(top).toBeLessThanOrEqual(3);
    expect(f).toMatch(/held-out tickets \(12\) +format +category +priority +ROUGE-L/);
    expect(f).toMatch(/before \(base\) +0% +0% +0% +0\.00/);
    expect(f).toMatch(/majority baseline +35% +45%/);
    fitsIn80x24(f);
  });

  it('says the validation loss is not measured yet before the first evaluation (no NaN)', async () => {
    const early = fakeState('training', { run: { points: points.slice(0, 5) } });
    const f = await frameOf(early, 'train loss');
    expect(f).toMatch(/val loss +not measured yet · scale ▁ 0 · █ 3\.00/);
    fitsIn80x24(f);
    const none = await frameOf(fakeState('training', { run: { points: [], status: 'starting' } }), 'val loss');
    expect(none).toContain('no steps yet');
    expect(none).toMatch(/val loss +not measured yet\n/);
    expect(none).not.toMatch(/NaN|Infinity/);
    expect(lossSparklines([], 20, unicodeGlyphs)).toEqual({ train: '', val: '', max: 0 });
  });

  it('when done: early stop, sizes and peak RSS, accuracy vs the baseline, generations and the comparison', async () => {
    const f = await frameOf(fakeState('done'), 'stopped early');
    expect(f).toContain('adapter 15.0 KiB vs base 739.8 KiB (2.0%) · process peak RSS 176.43 MiB');
    expect(f).toMatch(/ after +92% +46% +46% +0\.82/);
    expect(f).toContain('stopped early at step 40: val loss stopped improving, best weights kept');
    expect(f).toContain('ticket 1/1: Triage this support ticket. My parcel is late.');
    expect(f).toMatch(/before ✗ "the lesson says the model"/);
    expect(f).toMatch(/after {2}✓ "category: shipping\\npriority: medium"/);
    expect(f).toMatch(/lora +3,584 +1\.86% +793\.8 KiB +15\.0 KiB +1m02s +0\.410 +92% +95\/90%/);
    expect(f).toMatch(/full +188,864 +100\.00% +2\.88 MiB +739\.8 KiB .* – +–/);
    // 46 % beats a constant answer (35 %, 45 %) but not the lab's rule
    expect(f.replace(/\n /g, ' ')).toContain("The labels beat a constant answer, but category and priority are short of the lab's bar (at least 80% and 20 points above the baseline).");
    fitsIn80x24(f);
  });

  it('says plainly when the format was learned and the labels were not', async () => {
    const f = await frameOf(fakeState('done', { after: evalResult(1, 'category: shipping\npriority: medium', [0.2, 0.5]) }), 'format was learned');
    const flat = f.replace(/\n /g, ' ');
    expect(flat).toContain('The format was learned (100%), the labels were not: category is no better than always answering the most common value ("technical" 35%).');
    fitsIn80x24(f);
    const good = await frameOf(fakeState('done', { after: evalResult(1, 'category: shipping\npriority: medium', [0.95, 0.9]) }), 'Labels learned');
    expect(good.replace(/\n /g, ' ')).toContain('Labels learned, not only the format: every label at least 80% and 20 points above the baseline.');
  });

  it('after x: where the checkpoint is (the whole path, wrapped) and that t resumes it', async () => {
    const ckpt = '/home/learner/.local/share/ftlab/labs/lora/runs/lora-1/checkpoint-with-a-long-folder-name';
    const s = fakeState('training', { run: { status: 'interrupted', summary: { ...summary, steps: 86, interrupted: true, checkpoint: ckpt, stopped_early: false }, etaS: undefined } });
    const f = await frameOf(s, 'Stopped at step');
    const flat = f.replace(/\n /g, '');
    expect(flat).toContain(ckpt);
    expect(f.replace(/\n /g, ' ')).toMatch(/Stopped at step 86\/150; checkpoint in .* t resumes it \(same settings\); changing a setting first starts a new run from step 0\./);
    fitsIn80x24(f);
  });

  it('after x then t: says whether the run resumed or started afresh, and the stopped message is gone', async () => {
    const resumed = await frameOf(fakeState('training', { run: { resumedFrom: 86, out: '/tmp/runs/lora-1' } }), 'Resumed');
    expect(resumed).toContain('Resumed from the checkpoint at step 86 (/tmp/runs/lora-1).');
    expect(resumed).not.toContain('Stopped at step');
    const fresh = await frameOf(fakeState('training', { run: { freshAfterStop: 86 } }), 'New run');
    expect(fresh.replace(/\n /g, ' ')).toContain('New run from step 0: the settings changed since the run stopped at step 86, so its checkpoint was not used.');
    expect(fresh).not.toContain('Stopped at step');
  });

  it('wraps a long failure message on the status line instead of cutting it', async () => {
    const why = 'the checkpoint in /tmp/runs/lora-1/checkpoint was written by a run with different options; rerun with the same flags or without --resume';
    const f = await frameOf(fakeState('training', { run: { status: 'failed', error: why } }), 'failed:');
    expect(f.replace(/\n /g, ' ')).toContain(`failed: ${why}`);
    fitsIn80x24(f);
  });

  it('speaks state in words for screen readers', async () => {
    const f = await frameOf(fakeState('training'), 'validation loss', { screenReader: true });
    expect(f).toContain('rank 8 (selected)');
    expect(f).toContain('train loss from 3.000 to 0.660');
    expect(f).toContain('validation loss: 2.450, 1.950, 1.450, 0.950');
  });

  it('marks pass/fail in words with ASCII glyphs and keeps the chart lines whole', async () => {
    const f = await frameOf(fakeState('done'), 'stopped early', { ascii: true });
    expect(f).toContain('before [bad format] "the lesson says the model"');
    expect(f).toContain('after  [format ok] "category: shipping');
    expect(f).toMatch(/val loss .* · scale _ 0 · # \d\.\d\d/);
  });
});

describe('picker, chart and layout helpers', () => {
  it('steps through values and lowers the learning rate for full fine-tuning', () => {
    expect(adjust(DEFAULT_CONFIG, 'rank', 1).rank).toBe(16);
    expect(adjust(DEFAULT_CONFIG, 'rank', -1).rank).toBe(4);
    const full = adjust(adjust(DEFAULT_CONFIG, 'method', 1), 'method', 1);
    expect(full).toMatchObject({ method: 'full', lr: TRAIN_DEFAULTS.fullLr });
    expect(adjust(full, 'method', -1)).toMatchObject({ method: 'qlora', lr: TRAIN_DEFAULTS.lr });
    expect(adjust(DEFAULT_CONFIG, 'targets', 1).targets).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj']);
  });
  it('draws train and validation loss on one scale, one cell per bucket', () => {
    const c = lossSparklines(points, 20, unicodeGlyphs);
    expect(c.train).toHaveLength(20);
    expect(c.val).toHaveLength(20);
    expect(c.max).toBeCloseTo(3 - 0.03, 5);
    expect(c.val.trim().length).toBeGreaterThan(0);
  });
  it('wraps words, and cuts a word longer than a row across rows', () => {
    expect(wrapRows('one two three', 7)).toEqual(['one two', 'three']);
    const path = '/a/very/long/path/that/does/not/fit';
    const rows = wrapRows(`in ${path} now`, 12);
    expect(rows.every((r) => r.length <= 12)).toBe(true);
    expect(rows.join('').replace(/ /g, '')).toBe(`in${path}now`);
  });
  it('drops optional lines (highest level first) before cutting the end', () => {
    const lines = [{ text: 'a' }, { text: 'b', drop: 1 }, { text: 'c', drop: 2 }, { text: 'd' }];
    expect(fitLines(lines, 80, 4).map((l) => l.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(fitLines(lines, 80, 3).map((l) => l.text)).toEqual(['a', 'b', 'd']);
    expect(fitLines(lines, 80, 2).map((l) => l.text)).toEqual(['a', 'd']);
    expect(fitLines(lines, 80, 1).map((l) => l.text)).toEqual(['a']);
    expect(fitLines([{ text: 'x y z', wrap: true }], 3, 5).map((l) => l.text)).toEqual(['x y', 'z']);
  });
  it("wraps a sample ticket while there are rows to spare, and cuts it to one row before dropping anything", () => {
    const lines = [{ text: 'head' }, { text: 'a b c d', wrap: 'if-room' as const }, { text: 'e f', wrap: 'if-room' as const }, { text: 'opt', drop: 1 }];
    expect(fitLines(lines, 3, 6).map((l) => l.text)).toEqual(['head', 'a b', 'c d', 'e f', 'opt']);
    // one row short: the lower sample line gives up wrapping first (it had one row anyway), then the upper
    expect(fitLines(lines, 3, 4).map((l) => l.text)).toEqual(['head', 'a b c d', 'e f', 'opt']);
    expect(fitLines(lines, 3, 3).map((l) => l.text)).toEqual(['head', 'a b c d', 'e f']);
  });
});
