// With the base frozen, backward() computes gradients only down to the lowest adapted module (nothing
// below it needs them). Adapters on a single projection in a single layer, in either block, against
// central finite differences: what is skipped is never something a trained matrix needed. Also: the
// backward pass's scratch follows an adapter swapped for one of a higher rank.
import { describe, expect, it } from 'vitest';
import { LoraAdapter } from '../../../src/engines/llm/lora.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { IGNORE } from '../../../src/engines/llm/ops.js';
import type { Projection } from '../../../src/engines/llm/params.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { gradCheck, tinyConfig } from './helpers.js';

const B = 2,
  T = 7;

const cases: Array<[Projection[], number[] | null]> = [
  [['gate_proj'], [0]],
  [['down_proj'], [0]],
  [['up_proj'], [1]],
  [['o_proj'], [1]],
  [['k_proj'], [1]],
  [['v_proj', 'down_proj'], [1]],
  [['q_proj'], null],
];

describe('backward stops at the lowest adapted module', () => {
  for (const [targets, layers] of cases)
    it(`${targets.join('+')} in layer(s) ${layers ?? 'all'}`, () => {
      const rng = new Rng(21);
      const cfg = tinyConfig({ numLayers: 3 });
      const model = LlamaModel.init(cfg, rng);
      for (const s of model.params.specs) {
        const v = model.params.view(s.name);
        for (let i = 0; i < v.length; i++) v[i] = s.shape.length === 1 ? 1 + 0.3 * rng.normal() : 0.4 * rng.normal();
      }
      const ad = LoraAdapter.create(cfg, { r: 2, alpha: 4, dropout: 0, targets, layers, useRslora: false }, rng);
      for (const m of ad.modules) ad.params.view(m.bName).forEach((_, i, a) => (a[i] = 0.3 * rng.normal()));
      model.adapter = ad;
      model.adapterGrads = ad.params.zerosLike();
      const tokens = new Int32Array(B * T).map(() => rng.int(cfg.vocabSize));
      const targetsIds = new Int32Array(B * T).map((_, i) => (i % 4 === 3 ? IGNORE : rng.int(cfg.vocabSize)));
      model.forward(tokens, targetsIds, B, T);
      model.backward(1);
      const loss = () => model.forward(tokens, targetsIds, B, T).sum;
      const r = gradCheck(ad.params.data, model.adapterGrads, loss, rng, 40, 3e-3);
      expect(r.worst, r.where).toBeLessThan(3e-2);
      // every trained matrix got a gradient
      for (const m of ad.modules) expect(ad.params.view(m.aName, model.adapterGrads).some((g) => g !== 0)).toBe(true);
    });
});

describe('scratch buffers follow the adapter', () => {
  it('a model that ran backward without an adapter, then with one of rank 4 and dropout, gives the gradients of a fresh model', () => {
    const rng = new Rng(22);
    const cfg = tinyConfig();
    const model = LlamaModel.init(cfg, rng);
    const tokens = new Int32Array(B * T).map(() => rng.int(cfg.vocabSize));
    const targets = new Int32Array(B * T).map(() => rng.int(cfg.vocabSize));
    model.grads = model.params.zerosLike();
    model.forward(tokens, targets, B, T);
    model.backward(1);
    model.grads = null;
    const ad = LoraAdapter.create(
      cfg,
      { r: 4, alpha: 8, dropout: 0.2, targets: ['q_proj', 'down_proj'], layers: null, useRslora: false },
      rng,
    );
    for (const m of ad.modules) ad.params.view(m.bName).forEach((_, i, a) => (a[i] = 0.3 * rng.normal()));
    const grads = (m: LlamaModel) => {
      m.adapter = ad;
      m.adapterGrads = ad.params.zerosLike();
      m.forward(tokens, targets, B, T, { train: true, rng: new Rng(5) });
      m.backward(1);
      return m.adapterGrads;
    };
    const fresh = new LlamaModel(cfg, model.params);
    expect(grads(model)).toEqual(grads(fresh));
  });
});
