// A tiny random Llama with the byte tokenizer, saved as an HF model folder, so the backend tests do not
// depend on the shipped micro model being trained.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaConfig } from '../../../src/engines/llm/config.js';
import { saveModel } from '../../../src/engines/llm/io.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { llamaParamEntries, ParamSet } from '../../../src/engines/llm/params.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';

export function writeTinyModel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ftlab-tiny-model-'));
  const tok = Tokenizer.bytes();
  const config: LlamaConfig = {
    vocabSize: tok.vocabSize,
    hiddenSize: 16,
    intermediateSize: 32,
    numLayers: 1,
    numHeads: 2,
    numKvHeads: 2,
    headDim: 8,
    maxPositions: 256,
    rmsNormEps: 1e-5,
    ropeTheta: 10000,
    tieWordEmbeddings: false,
    bosTokenId: tok.bosId!, // the byte tokenizer has <s>
    eosTokenId: tok.eosId,
  };
  const params = new ParamSet(llamaParamEntries(config));
  const rng = new Rng(7);
  for (const spec of params.specs) {
    const view = params.view(spec.name);
    for (let i = 0; i < view.length; i++) view[i] = spec.name.includes('norm') ? 1 : rng.normal() * 0.2;
  }
  saveModel(dir, new LlamaModel(config, params, null), tok);
  return dir;
}
