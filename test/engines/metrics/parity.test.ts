// Exact agreement with sacrebleu 2.x and rouge-score 0.1.2 on the edge-case corpus. The expected
// values were produced by the reference implementations (fixtures/README.md); numbers are
// compared with toBe/toEqual, i.e. to the last digit of their shortest printed form.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BleuScorer, CorpusBleu, type BleuScore, type SmoothMethod } from '../../../src/engines/metrics/bleu.js';
import { pyFixed } from '../../../src/engines/metrics/format.js';
import { ChrfScorer, CorpusChrf, type ChrfOptions } from '../../../src/engines/metrics/chrf.js';
import { LineReader } from '../../../src/engines/metrics/lines.js';
import { porterStem } from '../../../src/engines/metrics/rouge/porter.js';
import { RougeMean, RougeScorer, type RougeResult } from '../../../src/engines/metrics/rouge/score.js';
import { rougeScoreTokenize } from '../../../src/engines/metrics/rouge/tokenize.js';
import { bleuTokenizer, type BleuTokenizerName } from '../../../src/engines/metrics/tokenizers.js';
import { pyRstrip } from '../../../src/engines/metrics/text.js';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const expected = JSON.parse(readFileSync(dir + 'expected.json', 'utf8'));

function readAll(path: string): string[] {
  const r = new LineReader(path);
  const out: string[] = [];
  for (let l = r.next(); l !== null; l = r.next()) out.push(l);
  return out;
}

const hyps = readAll(dir + 'edge/hyp.txt');
const ref1 = readAll(dir + 'edge/ref1.txt');
const ref2 = readAll(dir + 'edge/ref2.txt');
const pairs = readFileSync(dir + 'edge/pairs.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { prediction: string; reference?: string; references?: string[] });
const words = readAll(dir + 'edge/words.txt');
const refSets = (nrefs: number) => [ref1, ref2].slice(0, nrefs);
const VERSION = expected.sacrebleu_version as string;

/**
 * BLEU results must be identical except for the last bit of `score` and `bp`: those come from
 * exp/log, where Python calls the C library (glibc's exp is not always correctly rounded) and
 * ftlab uses correctly rounded ones. They must still print identically at sacrebleu's widths.
 */
function expectBleu(actual: BleuScore, wanted: BleuScore): void {
  const { score, bp, ...rest } = actual;
  const { score: wScore, bp: wBp, ...wRest } = wanted;
  expect(rest).toEqual(wRest);
  for (const [a, w] of [
    [score, wScore],
    [bp, wBp],
  ]) {
    expect(Math.abs(a - w)).toBeLessThanOrEqual(Math.abs(w) * Number.EPSILON);
    for (const width of [1, 2, 4]) expect(pyFixed(a, width)).toBe(pyFixed(w, width));
  }
}

describe('BLEU tokenizers = sacrebleu', () => {
  for (const tok of ['13a', 'none', 'intl', 'char'] as BleuTokenizerName[]) {
    it(tok, () => {
      const t = bleuTokenizer(tok);
      expect([...hyps, ...ref1, ...ref2].map((l) => t(pyRstrip(l)))).toEqual(expected.tokenized[tok]);
    });
  }
});

describe('corpus BLEU = sacrebleu', () => {
  for (const c of expected.bleu_corpus) {
    it(`${c.nrefs} ref(s), tok ${c.tokenize}, lowercase ${c.lowercase}, smooth ${c.smooth}${c.smooth_value === null ? '' : ` ${c.smooth_value}`}`, () => {
      const scorer = new BleuScorer({
        tokenize: c.tokenize,
        lowercase: c.lowercase,
        smooth: c.smooth as SmoothMethod,
        smoothValue: c.smooth_value,
      });
      const corpus = new CorpusBleu(scorer);
      const refs = refSets(c.nrefs);
      hyps.forEach((h, i) =>
        corpus.add(
          h,
          refs.map((r) => r[i]),
        ),
      );
      expectBleu(corpus.score(), c.result);
      expect(scorer.signature(corpus.nrefs, VERSION)).toBe(c.signature);
    });
  }
});

describe('sentence BLEU (effective order) = sacrebleu', () => {
  for (const c of expected.bleu_sentence) {
    it(`${c.nrefs} ref(s), tok ${c.tokenize}, lowercase ${c.lowercase}, smooth ${c.smooth}${c.smooth_value === null ? '' : ` ${c.smooth_value}`}`, () => {
      const scorer = new BleuScorer({
        tokenize: c.tokenize,
        lowercase: c.lowercase,
        smooth: c.smooth as SmoothMethod,
        smoothValue: c.smooth_value,
        effectiveOrder: true,
      });
      const refs = refSets(c.nrefs);
      hyps.forEach((h, i) =>
        expectBleu(
          scorer.sentence(
            h,
            refs.map((r) => r[i]),
          ),
          c.results[i],
        ),
      );
      expect(scorer.signature(c.nrefs, VERSION)).toBe(c.signature);
    });
  }
});

function chrfOptions(cfg: Record<string, unknown>): ChrfOptions {
  return {
    wordOrder: cfg.word_order as number | undefined,
    lowercase: cfg.lowercase as boolean | undefined,
    whitespace: cfg.whitespace as boolean | undefined,
    epsSmoothing: cfg.eps_smoothing as boolean | undefined,
  };
}

describe('chrF = sacrebleu', () => {
  for (const c of expected.chrf_corpus) {
    it(`corpus, ${c.nrefs} ref(s), ${JSON.stringify(c.config)}`, () => {
      const scorer = new ChrfScorer(chrfOptions(c.config));
      const corpus = new CorpusChrf(scorer);
      const refs = refSets(c.nrefs);
      hyps.forEach((h, i) =>
        corpus.add(
          h,
          refs.map((r) => r[i]),
        ),
      );
      expect(corpus.score()).toBe(c.score);
      expect(scorer.signature(corpus.nrefs, VERSION)).toBe(c.signature);
    });
  }
  for (const c of expected.chrf_sentence) {
    it(`sentence, ${c.nrefs} ref(s), ${JSON.stringify(c.config)}`, () => {
      const scorer = new ChrfScorer(chrfOptions(c.config));
      const refs = refSets(c.nrefs);
      expect(
        hyps.map((h, i) =>
          scorer.fScore(
            scorer.segmentStats(
              h,
              refs.map((r) => r[i]),
            ),
          ),
        ),
      ).toEqual(c.scores);
    });
  }
});

describe('ROUGE = rouge-score 0.1.2', () => {
  it('Porter stemmer = NLTK PorterStemmer (default mode)', () => {
    const mine: Record<string, string> = {};
    for (const w of words) mine[w] = porterStem(w);
    expect(mine).toEqual(expected.stems);
  });
  it('tokenizer with stemming', () => {
    expect([...hyps, ...ref1].map((l) => rougeScoreTokenize(l, true))).toEqual(expected.rouge_tokens_stemmed);
  });
  for (const c of expected.rouge) {
    it(`${c.types.join(',')} stem ${c.stem}`, () => {
      const scorer = new RougeScorer({ types: c.types, stem: c.stem });
      const text: RougeResult[] = hyps.map((h, i) => scorer.score(ref1[i], h));
      const textMean = new RougeMean(c.types);
      text.forEach((r) => textMean.add(r));
      expect(text).toEqual(c.text.pairs);
      expect(textMean.mean()).toEqual(c.text.mean);
      const viaPairs = pairs.map((p) =>
        p.reference !== undefined ? scorer.score(p.reference, p.prediction) : scorer.scoreMulti(p.references!, p.prediction),
      );
      const pairMean = new RougeMean(c.types);
      viaPairs.forEach((r) => pairMean.add(r));
      expect(viaPairs).toEqual(c.jsonl.pairs);
      expect(pairMean.mean()).toEqual(c.jsonl.mean);
    });
  }
});
