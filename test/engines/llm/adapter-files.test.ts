// Files a learner can take elsewhere (issue 13 point 7): adapter_config.json names the base by a path
// relative to the adapter folder, an Ollama Modelfile sits next to every output, a QLoRA adapter records
// the NF4 base it was trained against (and evaluates on it to the training run's own loss), and the run
// reports the process's peak memory next to its tensor bytes.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeDataset, readJsonl } from '../../../src/engines/llm/data.js';
import { evaluateLoss } from '../../../src/engines/llm/eval.js';
import { adapterBaseQuantization, baseReference, loadAdapter, loadModel, OLLAMA_TEMPLATE, saveModel } from '../../../src/engines/llm/io.js';
import { LlamaModel } from '../../../src/engines/llm/model.js';
import { Rng } from '../../../src/engines/llm/rng.js';
import { Tokenizer } from '../../../src/engines/llm/tokenizer.js';
import { train, TRAIN_DEFAULTS, TrainError, type TrainOptions } from '../../../src/engines/llm/train.js';
import { tinyConfig } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ftlab-adapter-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Projections of 32×32 = 1,024 weights: 16 NF4 blocks each, so the scales are worth quantising.
const cfg = tinyConfig({
  vocabSize: 258,
  bosTokenId: 256,
  eosTokenId: 257,
  hiddenSize: 32,
  intermediateSize: 64,
  headDim: 8,
  numHeads: 4,
  numKvHeads: 2,
  maxPositions: 64,
  tieWordEmbeddings: true,
});
saveModel(join(dir, 'models/base'), LlamaModel.init(cfg, new Rng(3)), Tokenizer.bytes());
const rows = Array.from({ length: 24 }, (_, i) => JSON.stringify({ prompt: `n${i % 7}`, completion: i % 2 ? 'odd' : 'even' }));
writeFileSync(join(dir, 'train.jsonl'), rows.join('\n'));
writeFileSync(join(dir, 'val.jsonl'), rows.slice(0, 6).join('\n'));
const base = join(dir, 'models/base');

const opts = (over: Partial<TrainOptions>): TrainOptions => ({
  ...TRAIN_DEFAULTS,
  modelDir: base,
  dataFile: join(dir, 'train.jsonl'),
  valFile: join(dir, 'val.jsonl'),
  outDir: join(dir, 'out'),
  steps: 8,
  batch: 4,
  warmup: 2,
  evalEvery: 4,
  patience: 0,
  resume: false,
  ...over,
});

/** Ollama's Modelfile syntax as its parser reads it: `INSTRUCTION args`, # comments, """…""" values. */
function parseModelfile(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const re = /^(?:#[^\n]*|([A-Z]+) (?:"""([\s\S]*?)"""|([^\n]*)))$/gm;
  let consumed = '';
  for (const m of text.matchAll(re)) {
    consumed += m[0];
    if (m[1]) out.push([m[1], m[2] ?? m[3]]);
  }
  expect(consumed.replace(/\s/g, '')).toBe(text.replace(/\s/g, '')); // nothing outside the grammar
  return out;
}

describe('adapter folders a learner can take elsewhere', () => {
  it('LoRA: base_model_name_or_path and the Modelfile name the base relative to the adapter, never by an absolute path', async () => {
    const out = join(dir, 'runs/deep/lora');
    const s = await train(opts({ outDir: out }));
    const cfgJson = JSON.parse(readFileSync(join(out, 'adapter_config.json'), 'utf8'));
    expect(cfgJson.base_model_name_or_path).toBe('../../../models/base');
    expect(resolve(out, cfgJson.base_model_name_or_path)).toBe(resolve(base));
    for (const f of ['adapter_config.json', 'Modelfile']) expect(readFileSync(join(out, f), 'utf8')).not.toContain(dir);

    expect(s.modelfile).toBe(join(out, 'Modelfile'));
    const mf = parseModelfile(readFileSync(s.modelfile, 'utf8'));
    expect(mf).toEqual([
      ['FROM', '../../../models/base'],
      ['ADAPTER', '.'],
      ['TEMPLATE', OLLAMA_TEMPLATE],
    ]);
    // Ollama resolves both paths against the Modelfile's folder: the base folder and this adapter
    expect(existsSync(join(out, '../../../models/base', 'model.safetensors'))).toBe(true);
    expect(existsSync(join(out, '.', 'adapter_model.safetensors'))).toBe(true);
    // the TEMPLATE is the chat template the adapter was trained with
    expect(OLLAMA_TEMPLATE.replace('{{ .Prompt }}', 'Hi').replace(/\{\{ if .System \}\}[\s\S]*?\{\{ end \}\}/, '')).toBe(
      'User: Hi\nAssistant: ',
    );
    // a LoRA adapter records no base quantisation
    expect(adapterBaseQuantization(out)).toBeNull();
  });

  it('full fine-tuning: the Modelfile imports the folder itself', async () => {
    const out = join(dir, 'full');
    await train(opts({ method: 'full', lr: 1e-3, outDir: out, steps: 2 }));
    expect(parseModelfile(readFileSync(join(out, 'Modelfile'), 'utf8')).slice(0, 2)).toEqual([
      ['FROM', '.'],
      ['TEMPLATE', OLLAMA_TEMPLATE],
    ]);
  });

  it('baseReference is "." for the same folder and uses forward slashes', () => {
    expect(baseReference(base, base)).toBe('.');
    expect(baseReference(join(dir, 'a'), join(dir, 'models', 'base'))).toBe('../models/base');
  });
});

describe('QLoRA adapters and the base they were trained on', () => {
  it('records the NF4 base (double-quantised scales), and evaluating on it reproduces the run’s own validation loss', async () => {
    const out = join(dir, 'qlora-dq');
    const s = await train(opts({ method: 'qlora', doubleQuant: true, outDir: out }));
    expect(s.double_quant).toBe(true);
    // per layer q, o 32×32, k, v 16×32 (GQA), gate, up, down 64×32: 4 bits a weight, an 8-bit code per
    // 64, and (under 256 blocks each) one fp32 scale and one fp32 offset per tensor
    const sizes = [1024, 512, 512, 1024, 2048, 2048, 2048];
    const n = sizes.reduce((a, b) => a + b, 0);
    expect(s.base_quant_bits_per_weight).toBeCloseTo((n * 4 + (n / 64) * 8 + sizes.length * 64) / n, 9);
    const plain = await train(opts({ method: 'qlora', outDir: join(dir, 'qlora') }));
    expect(plain.base_quant_bits_per_weight).toBe(4.5);
    expect(s.base_memory_bytes).toBeLessThan(plain.base_memory_bytes);

    const q = adapterBaseQuantization(out);
    expect(q).toEqual({ quantize: true, doubleQuant: true });
    expect(adapterBaseQuantization(join(dir, 'qlora'))).toEqual({ quantize: true, doubleQuant: false });

    const lossOn = (quant: object) => {
      const m = loadModel(base, quant);
      m.model.adapter = loadAdapter(out, m.model.config).adapter;
      const { examples } = encodeDataset(m.tokenizer, readJsonl(join(dir, 'val.jsonl')), 64, 'val');
      return evaluateLoss(m.model, examples, m.tokenizer.eosId, 16).loss;
    };
    // the training run validated on exactly this base, so the loss is the same number
    expect(lossOn(q!)).toBe(s.val_loss_after);
    // on the fp32 base (or a differently quantised one) the adapter sees other weights
    expect(lossOn({})).not.toBe(s.val_loss_after);
    expect(lossOn({ quantize: true })).not.toBe(s.val_loss_after);
  });

  it('double quantisation is refused for LoRA and full fine-tuning', async () => {
    await expect(train(opts({ doubleQuant: true, outDir: join(dir, 'bad') }))).rejects.toThrow(TrainError);
  });
});

describe('memory figures', () => {
  it('reports the process peak RSS next to the tensor bytes', async () => {
    const out = join(dir, 'rss');
    mkdirSync(out, { recursive: true });
    const s = await train(opts({ outDir: out, steps: 1 }));
    // a Node process alone is tens of MiB; the tiny model's tensors are a few KiB
    expect(s.peak_rss_bytes).toBeGreaterThan(20 * 1024 * 1024);
    expect(s.peak_rss_bytes).toBeGreaterThan(s.base_memory_bytes);
    expect(s.peak_rss_bytes).toBeLessThanOrEqual(process.resourceUsage().maxRSS * 1024);
  });
});
