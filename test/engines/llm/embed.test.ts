// Embeddings from the causal model: hidden() agrees with step() (the LM head reads it), pooling is the mean
// over the input's own tokens (BOS run, not pooled), vectors are unit length, inputs are cut or refused as asked.
import { describe, expect, it } from 'vitest';
import { EmbedInputError, embedIds, embedInputIds, l2Normalize } from '../../../src/engines/llm/embed.js';
import { InferenceModel } from '../../../src/engines/llm/generate.js';
import { loadModel } from '../../../src/engines/llm/io.js';
import { writeTinyModel } from '../serve/tiny-model.js';

const { model, tokenizer } = loadModel(writeTinyModel());
const im = new InferenceModel(model);
const C = im.config.hiddenSize;
const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, x) => s + x * x, 0));

describe('embeddings from the model', () => {
  it("hidden() is the state the LM head reads: its projection is exactly step()'s logits", () => {
    const ids = tokenizer.encode('Hi there', { addSpecial: true });
    const a = im.newCache(ids.length);
    const b = im.newCache(ids.length);
    const emb = model.params.view('lm_head.weight');
    for (const id of ids) {
      const logits = im.step(id, a);
      const h = im.hidden(id, b);
      expect(h.length).toBe(C);
      for (const v of [0, 7, im.config.vocabSize - 1]) {
        let dot = 0;
        for (let i = 0; i < C; i++) dot += h[i] * emb[v * C + i];
        expect(logits[v]).toBeCloseTo(dot, 4);
      }
    }
  });

  it('mean-pools the input tokens after BOS and normalises to unit length', () => {
    const prepared = embedInputIds(tokenizer, 256, 'abc', { truncate: true, vocabSize: im.config.vocabSize });
    expect(prepared.ids[0]).toBe(tokenizer.bosId);
    expect(prepared.skip).toBe(1);
    const raw = embedIds(im, prepared.ids, prepared.skip, false);
    // the mean, computed by hand from hidden()
    const cache = im.newCache(prepared.ids.length);
    const sum = new Float64Array(C);
    prepared.ids.forEach((id, t) => {
      const h = im.hidden(id, cache);
      if (t >= 1) for (let i = 0; i < C; i++) sum[i] += h[i];
    });
    for (let i = 0; i < C; i++) expect(raw[i]).toBeCloseTo(sum[i] / (prepared.ids.length - 1), 5);
    const unit = embedIds(im, prepared.ids, prepared.skip);
    expect(norm(unit)).toBeCloseTo(1, 6);
    const expected = l2Normalize(Float32Array.from(raw));
    for (let i = 0; i < C; i++) expect(unit[i]).toBeCloseTo(expected[i], 6);
  });

  it('is deterministic, and different texts give different vectors', () => {
    const v = (text: string) => {
      const p = embedInputIds(tokenizer, 256, text, { truncate: true, vocabSize: im.config.vocabSize });
      return Array.from(embedIds(im, p.ids, p.skip));
    };
    expect(v('the parcel is late')).toEqual(v('the parcel is late'));
    const cos = v('the parcel is late').reduce((s, x, i) => s + x * v('What is LoRA?')[i], 0);
    expect(cos).toBeLessThan(0.9999);
  });

  it('cuts an input that does not fit at the end (truncate) or refuses it, and checks token ids', () => {
    const long = 'a'.repeat(400);
    const cut = embedInputIds(tokenizer, 256, long, { truncate: true, vocabSize: im.config.vocabSize });
    expect(cut.ids.length).toBe(256);
    expect(cut.truncated).toBe(true);
    expect(cut.ids.slice(1)).toEqual(tokenizer.encodeOrdinary(long).slice(0, 255));
    expect(() => embedInputIds(tokenizer, 256, long, { truncate: false, vocabSize: im.config.vocabSize })).toThrow(
      /input exceeds maximum context length \(401 tokens; this model's context is 256\)/,
    );
    expect(() => embedInputIds(tokenizer, 256, '', { truncate: true, vocabSize: im.config.vocabSize })).toThrow(EmbedInputError);
    expect(embedInputIds(tokenizer, 256, [104, 105], { truncate: true, vocabSize: im.config.vocabSize }).ids.slice(1)).toEqual([104, 105]);
    expect(() => embedInputIds(tokenizer, 256, [104, 9999], { truncate: true, vocabSize: im.config.vocabSize })).toThrow(
      /token id 9999 is outside the model's vocabulary/,
    );
    expect(() => embedInputIds(tokenizer, 256, [1.5], { truncate: true, vocabSize: im.config.vocabSize })).toThrow(EmbedInputError);
  });
});
