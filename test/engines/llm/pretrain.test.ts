// Pretraining (src/engines/llm/pretrain.ts) on a small corpus: the tokenizer is trained on the corpus,
// the loss falls, the folder it writes loads as a model with its special tokens, and the run is
// deterministic. The shipped base's own record (labs/lora/base/pretrain.json) matches its files.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engines/llm/io.js';
import { corpusDocuments, corpusStream, pretrain, trainCorpusTokenizer } from '../../../src/engines/llm/pretrain.js';

const root = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'ftlab-pretrain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const corpus = join(dir, 'corpus');
mkdirSync(corpus);
const sentences = [
  'The parcel arrived late and the box was damaged.',
  'The refund reached my card after three days.',
  'I cannot log in because the reset email never comes.',
  'The app crashes when I open the settings page.',
];
writeFileSync(join(corpus, 'a.txt'), Array.from({ length: 60 }, (_, i) => sentences[i % 4]).join('\n\n') + '\n');
writeFileSync(join(corpus, 'b.txt'), 'LoRA trains two small matrices.\n\nThe base model stays frozen.\n');
writeFileSync(join(corpus, 'notes.md'), 'not part of the corpus');

const config = (vocabSize: number, bos: number, eos: number) => ({
  vocabSize,
  hiddenSize: 16,
  intermediateSize: 32,
  numLayers: 1,
  numHeads: 2,
  numKvHeads: 1,
  headDim: 8,
  maxPositions: 64,
  rmsNormEps: 1e-5,
  ropeTheta: 10000,
  tieWordEmbeddings: true,
  bosTokenId: bos,
  eosTokenId: eos,
});

describe('pretrain', () => {
  it('reads *.txt files in name order, one document per paragraph, each framed by <s> … </s>', () => {
    const { files, docs } = corpusDocuments(corpus);
    expect(files).toEqual(['a.txt', 'b.txt']);
    expect(docs).toHaveLength(62);
    expect(docs[61]).toBe('The base model stays frozen.');
    const tok = trainCorpusTokenizer(corpus, 300);
    expect(tok.vocabSize).toBe(300);
    expect([tok.bosId, tok.eosId]).toEqual([0, 1]);
    const { ids } = corpusStream(corpus, tok);
    expect(ids[0]).toBe(0);
    expect(ids[ids.length - 1]).toBe(1);
    expect(ids.filter((i) => i === 0).length).toBe(62);
    // merges learned on this corpus: far fewer tokens than bytes
    expect(ids.length).toBeLessThan(corpusDocuments(corpus).bytes / 1.4);
  });

  it('lowers the loss, writes a loadable model folder with its tokenizer, and repeats itself exactly', () => {
    const tok = trainCorpusTokenizer(corpus, 300);
    const run = (out: string) =>
      pretrain({
        corpusDir: corpus,
        outDir: join(dir, out),
        tokenizer: tok,
        config: config(300, tok.bosId!, tok.eosId),
        steps: 40,
        batch: 4,
        block: 32,
        lr: 1e-2,
        warmup: 5,
        weightDecay: 0.1,
        seed: 3,
        logEvery: 10,
      });
    const a = run('a');
    const b = run('b');
    expect(a.steps).toBe(40);
    expect(a.tokens_seen).toBe(40 * 4 * 32);
    expect(a.final_loss).toBeLessThan(Math.log(300) - 1.5);
    expect(a.parameters).toBe(300 * 16 + 16 * 16 + 2 * 16 * 8 + 16 * 16 + 3 * 16 * 32 + 3 * 16);
    expect(readFileSync(join(dir, 'a/model.safetensors'))).toEqual(readFileSync(join(dir, 'b/model.safetensors')));
    expect(b.final_loss).toBe(a.final_loss);
    const loaded = loadModel(join(dir, 'a'));
    expect(loaded.tokenizer.vocabSize).toBe(300);
    expect(loaded.tokenizer.specials.bos?.content).toBe('<s>');
    expect(loaded.tokenizer.specials.eos?.content).toBe('</s>');
    expect(JSON.parse(readFileSync(join(dir, 'a/special_tokens_map.json'), 'utf8'))).toMatchObject({ bos_token: '<s>', eos_token: '</s>' });
    expect(loaded.tokenizer.encode('The refund')).toEqual(tok.encode('The refund'));
  });

  it('refuses a tokenizer larger than the model vocabulary', () => {
    const tok = trainCorpusTokenizer(corpus, 300);
    expect(() =>
      pretrain({
        corpusDir: corpus,
        outDir: join(dir, 'c'),
        tokenizer: tok,
        config: config(280, 0, 1),
        steps: 1,
        batch: 1,
        block: 8,
        lr: 1e-3,
        warmup: 0,
        weightDecay: 0,
        seed: 1,
      }),
    ).toThrow(/300 tokens, more than the config's vocabSize 280/);
  });
});

describe('the shipped base (labs/lora/base)', () => {
  const base = join(root, 'labs/lora/base');
  const record = JSON.parse(readFileSync(join(base, 'pretrain.json'), 'utf8'));
  const cfg = JSON.parse(readFileSync(join(base, 'config.json'), 'utf8'));

  it('pretrain.json describes the files next to it', () => {
    const { model, tokenizer } = loadModel(base);
    expect(record.parameters).toBe(model.params.size);
    expect(record.config.vocabSize).toBe(cfg.vocab_size);
    expect(record.config.hiddenSize).toBe(cfg.hidden_size);
    expect(record.config.numLayers).toBe(cfg.num_hidden_layers);
    expect(tokenizer.vocabSize).toBe(cfg.vocab_size);
    expect(record.tokenizer.vocab_size).toBe(tokenizer.vocabSize);
    expect(record.tokens_seen).toBe(record.steps * record.batch * record.block);
    expect(record.final_loss).toBeLessThan(2);
  });

  it('its tokenizer is the one trained on the committed corpus, and the corpus has as many tokens as recorded', () => {
    const tok = trainCorpusTokenizer(join(root, 'labs/lora/corpus'), record.tokenizer.vocab_size);
    expect(tok.json).toEqual(JSON.parse(readFileSync(join(base, 'tokenizer.json'), 'utf8')));
    const { ids, bytes } = corpusStream(join(root, 'labs/lora/corpus'), tok);
    expect(ids.length).toBe(record.corpus_tokens);
    expect(bytes).toBe(record.corpus_bytes);
  });
});
