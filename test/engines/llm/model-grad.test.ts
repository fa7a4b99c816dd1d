// Whole-model gradients (full fine-tuning, LoRA, LoRA with dropout, QLoRA) against finite differences.
import { describe, expect, it } from 'vitest';
import { LoraAdapter } from '../../../src/engines/llm/lora.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { quantizeNF4 } from '../../../src/engines/llm/nf4.js';
import { IGNORE } from '../../../src/engines/llm/ops.js';
import { llamaParamEntries, ParamSet, PROJECTIONS } from '../../../src/engines/llm/params.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { gradCheck, tinyConfig } from './helpers.js';

const B = 2,
  T = 6;

function batch(rng: Rng, V: number) {
  const tokens = new Int32Array(B * T).map(() => rng.int(V));
  const targets = new Int32Array(B * T).map((_, i) => (i % 5 === 4 ? IGNORE : rng.int(V)));
  return { tokens, targets };
}

function bigInit(model: LlamaModel, rng: Rng) {
  // larger than the usual 0.02 so every path carries a visible gradient
  for (const s of model.params.specs) {
    const v = model.params.view(s.name);
    for (let i = 0; i < v.length; i++) v[i] = s.shape.length === 1 ? 1 + 0.3 * rng.normal() : 0.4 * rng.normal();
  }
}

describe('whole-model gradients', () => {
  for (const tied of [false, true]) {
    it(`full fine-tuning, every tensor (${tied ? 'tied' : 'untied'} head, GQA)`, () => {
      const rng = new Rng(11);
      const cfg = tinyConfig({ tieWordEmbeddings: tied });
      const model = LlamaModel.init(cfg, rng);
      bigInit(model, rng);
      const { tokens, targets } = batch(rng, cfg.vocabSize);
      model.grads = model.params.zerosLike();
      model.forward(tokens, targets, B, T);
      model.backward(1); // gradient of the summed loss
      const loss = () => model.forward(tokens, targets, B, T).sum;
      for (const s of model.params.specs) {
        const r = gradCheck(model.params.view(s.name), model.params.view(s.name, model.grads), loss, rng, 6, 3e-3);
        expect(r.worst, `${s.name}: ${r.where}`).toBeLessThan(3e-2);
      }
    });
  }

  it('LoRA on all seven projections, base frozen (no base gradient buffer)', () => {
    const rng = new Rng(12);
    const cfg = tinyConfig();
    const model = LlamaModel.init(cfg, rng);
    bigInit(model, rng);
    const ad = LoraAdapter.create(cfg, { r: 3, alpha: 6, dropout: 0, targets: [...PROJECTIONS], layers: null, useRslora: false }, rng);
    // B is zero at init; give it values so that gradients reach A
    for (const m of ad.modules) ad.params.view(m.bName).forEach((_, i, a) => (a[i] = 0.3 * rng.normal()));
    model.adapter = ad;
    model.adapterGrads = ad.params.zerosLike();
    const { tokens, targets } = batch(rng, cfg.vocabSize);
    model.forward(tokens, targets, B, T);
    model.backward(1);
    expect(model.grads).toBeNull();
    const loss = () => model.forward(tokens, targets, B, T).sum;
    const r = gradCheck(ad.params.data, model.adapterGrads, loss, rng, 60, 3e-3);
    expect(r.worst, r.where).toBeLessThan(3e-2);
  });

  it('LoRA with dropout (same mask each call via a reseeded rng)', () => {
    const rng = new Rng(13);
    const cfg = tinyConfig();
    const model = LlamaModel.init(cfg, rng);
    bigInit(model, rng);
    const ad = LoraAdapter.create(
      cfg,
      { r: 2, alpha: 4, dropout: 0.3, targets: ['q_proj', 'v_proj', 'down_proj'], layers: null, useRslora: false },
      rng,
    );
    for (const m of ad.modules) ad.params.view(m.bName).forEach((_, i, a) => (a[i] = 0.3 * rng.normal()));
    model.adapter = ad;
    model.adapterGrads = ad.params.zerosLike();
    const { tokens, targets } = batch(rng, cfg.vocabSize);
    const loss = () => model.forward(tokens, targets, B, T, { train: true, rng: new Rng(99) }).sum;
    loss();
    model.backward(1);
    const r = gradCheck(ad.params.data, model.adapterGrads, loss, rng, 40, 3e-3);
    expect(r.worst, r.where).toBeLessThan(3e-2);
  });

  it('QLoRA: adapter gradients through an NF4 base', () => {
    const rng = new Rng(14);
    const cfg = tinyConfig();
    const full = LlamaModel.init(cfg, rng);
    bigInit(full, rng);
    const entries = llamaParamEntries(cfg);
    const isProj = (n: string) => PROJECTIONS.some((p) => n.endsWith(`${p}.weight`));
    const params = new ParamSet(entries.filter(([n]) => !isProj(n)));
    for (const s of params.specs) params.view(s.name).set(full.params.view(s.name));
    const q = new Map(entries.filter(([n]) => isProj(n)).map(([n, shape]) => [n, quantizeNF4(full.params.view(n), shape)]));
    const model = new LlamaModel(cfg, params, q);
    const ad = LoraAdapter.create(cfg, { r: 2, alpha: 4, dropout: 0, targets: ['q_proj', 'v_proj'], layers: null, useRslora: false }, rng);
    for (const m of ad.modules) ad.params.view(m.bName).forEach((_, i, a) => (a[i] = 0.3 * rng.normal()));
    model.adapter = ad;
    model.adapterGrads = ad.params.zerosLike();
    const { tokens, targets } = batch(rng, cfg.vocabSize);
    model.forward(tokens, targets, B, T);
    model.backward(1);
    const loss = () => model.forward(tokens, targets, B, T).sum;
    const r = gradCheck(ad.params.data, model.adapterGrads, loss, rng, 30, 3e-3);
    expect(r.worst, r.where).toBeLessThan(3e-2);
    // and the quantised model is close to, but not the same as, the fp32 one
    const lq = model.forward(tokens, targets, B, T).loss;
    full.adapter = ad;
    const lf = full.forward(tokens, targets, B, T).loss;
    expect(Math.abs(lq - lf)).toBeGreaterThan(0);
    expect(Math.abs(lq - lf) / lf).toBeLessThan(0.2);
  });
});
