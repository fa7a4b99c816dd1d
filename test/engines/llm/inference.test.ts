// KV-cache generation equals the full forward pass; merged weights equal base+adapter; file round trips.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, InferenceModel, sampleToken } from '../../../src/engines/llm/generate.js';
import { loadAdapter, loadModel, saveAdapter, saveModel } from '../../../src/engines/llm/io.js';
import { LoraAdapter } from '../../../src/engines/llm/lora.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';
import { tinyConfig } from './helpers.js';

function setup(seed = 21) {
  const rng = new Rng(seed);
  const cfg = tinyConfig({ vocabSize: 258, bosTokenId: 256, eosTokenId: 257, hiddenSize: 16, headDim: 4, numHeads: 4, numKvHeads: 2 });
  const model = LlamaModel.init(cfg, rng);
  for (let i = 0; i < model.params.data.length; i++) model.params.data[i] *= 10; // sharper distributions
  const ad = LoraAdapter.create(
    cfg,
    { r: 4, alpha: 8, dropout: 0.1, targets: ['q_proj', 'v_proj', 'up_proj'], layers: null, useRslora: false },
    rng,
  );
  for (const m of ad.modules) ad.params.view(m.bName).forEach((_, i, a) => (a[i] = 0.2 * rng.normal()));
  return { cfg, model, ad };
}

function fullLogits(model: LlamaModel, ids: number[]): Float32Array {
  model.forward(Int32Array.from(ids), null, 1, ids.length);
  return Float32Array.from(model.lastLogits(1, ids.length));
}

describe('inference', () => {
  it('KV-cache step logits equal the full forward pass, with an adapter merged', () => {
    const { cfg, model, ad } = setup();
    const ids = [256, 72, 101, 108, 108, 111, 33];
    model.adapter = ad;
    const ref = fullLogits(model, ids);
    model.adapter = null;
    const im = new InferenceModel(model, ad);
    const cache = im.newCache(16);
    ids.forEach((id, t) => {
      const l = im.step(id, cache);
      for (let v = 0; v < cfg.vocabSize; v++) expect(l[v]).toBeCloseTo(ref[t * cfg.vocabSize + v], 3);
    });
  });

  it('sampling: greedy picks the max, top-k 1 is greedy, seeded sampling repeats', () => {
    const logits = Float32Array.from([0.1, 2, 0.5, 1.9]);
    expect(sampleToken(logits, { temperature: 0, topK: 0, topP: 1 }, new Rng(1))).toBe(1);
    expect(sampleToken(logits, { temperature: 5, topK: 1, topP: 1 }, new Rng(1))).toBe(1);
    const draws = (s: number) =>
      Array.from({ length: 20 }, (_, i) => sampleToken(logits, { temperature: 1, topK: 0, topP: 0.9 }, new Rng(s + i)));
    expect(draws(3)).toEqual(draws(3));
    // top-p 0.5 keeps only the two most likely tokens here
    expect(new Set(draws(7).map(String)).has('0')).toBe(false);
  });

  it('stop sequences cut the text and streaming pieces add up to it', async () => {
    const { model } = setup(5);
    const tok = Tokenizer.bytes();
    const im = new InferenceModel(model);
    const free = await generate(im, tok, [256, 65], { maxTokens: 12, temperature: 1, seed: 3 });
    const stop = free.text.slice(3, 5);
    const pieces: string[] = [];
    const cut = await generate(im, tok, [256, 65], {
      maxTokens: 12,
      temperature: 1,
      seed: 3,
      stop: [stop],
      onToken: (p) => pieces.push(p.text),
    });
    expect(cut.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
    expect(pieces.join('')).toBe(cut.text);
    expect(cut.doneReason).toBe('stop');
  });

  it('model and PEFT adapter folders round-trip; merge equals base + adapter', () => {
    const { model, ad, cfg } = setup(9);
    const dir = mkdtempSync(join(tmpdir(), 'ftlab-eng-'));
    saveModel(join(dir, 'base'), model, Tokenizer.bytes());
    saveAdapter(join(dir, 'ad'), ad, join(dir, 'base'));
    const loaded = loadModel(join(dir, 'base'));
    expect(Array.from(loaded.model.params.data)).toEqual(Array.from(model.params.data));
    const la = loadAdapter(join(dir, 'ad'), cfg).adapter;
    expect(la.scaling).toBe(2);
    expect(Array.from(la.params.data)).toEqual(Array.from(ad.params.data));
    const ids = [256, 10, 20, 30, 40];
    loaded.model.adapter = la;
    const withAdapter = fullLogits(loaded.model, ids);
    const merged = new InferenceModel(loaded.model, la);
    const cache = merged.newCache(8);
    let last!: Float32Array;
    for (const id of ids) last = merged.step(id, cache);
    const V = cfg.vocabSize;
    for (let v = 0; v < V; v++) expect(last[v]).toBeCloseTo(withAdapter[(ids.length - 1) * V + v], 3);
  });

  it('byte tokenizer: BOS, round trip of UTF-8, specials in text', () => {
    const tok = Tokenizer.bytes();
    const ids = tok.encode('héllo </s>');
    expect(ids[0]).toBe(256);
    expect(ids[ids.length - 1]).toBe(257);
    expect(tok.decode(ids)).toBe('héllo ');
    expect(tok.decode(tok.encode('日本 ✓'))).toBe('日本 ✓');
  });
});
