// `ftlab metrics …` end to end: the JSON contract, agreement with the fixtures through the CLI,
// and the error paths (exit 1 for bad input, exit 2 for bad flags).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fx = fileURLToPath(new URL('../engines/metrics/fixtures/', import.meta.url));
const expected = JSON.parse(readFileSync(fx + 'expected.json', 'utf8'));
const version = JSON.parse(readFileSync(root + 'package.json', 'utf8')).version as string;
const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', 'metrics', ...args], { cwd: root, encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'ftlab-metrics-'));
const write = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('ftlab metrics bleu', () => {
  it('corpus JSON has the contract fields and matches sacrebleu (2 references, intl)', () => {
    const r = cli(
      'bleu',
      '--hyp',
      fx + 'edge/hyp.txt',
      '--ref',
      fx + 'edge/ref1.txt',
      '--ref',
      fx + 'edge/ref2.txt',
      '--tokenize',
      'intl',
      '--json',
    );
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(Object.keys(got).sort()).toEqual(['bp', 'counts', 'precisions', 'ref_len', 'score', 'signature', 'sys_len', 'totals']);
    const want = expected.bleu_corpus.find((c: any) => c.nrefs === 2 && c.tokenize === 'intl' && !c.lowercase && c.smooth === 'exp');
    expect(got.counts).toEqual(want.result.counts);
    expect(got.totals).toEqual(want.result.totals);
    expect(got.score.toFixed(6)).toBe(want.result.score.toFixed(6));
    expect(got.signature).toBe(`nrefs:2|case:mixed|eff:no|tok:intl|smooth:exp|version:${version}`);
  });

  it('sentence mode prints {"sentences":[…]} with effective order', () => {
    const r = cli('bleu', '--hyp', fx + 'edge/hyp.txt', '--ref', fx + 'edge/ref1.txt', '--sentence', '--smooth', 'floor', '--json');
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.sentences).toHaveLength(35);
    const want = expected.bleu_sentence.find(
      (c: any) => c.nrefs === 1 && c.tokenize === '13a' && c.smooth === 'floor' && c.smooth_value === null,
    );
    got.sentences.forEach((s: any, i: number) => {
      expect(s.counts).toEqual(want.results[i].counts);
      expect(s.score.toFixed(8)).toBe(want.results[i].score.toFixed(8));
    });
    expect(got.sentences[0].signature).toBe(`nrefs:1|case:mixed|eff:yes|tok:13a|smooth:floor[0.10]|version:${version}`);
  });

  it('names both files and both counts when line counts differ (exit 1)', () => {
    const h = write('h3.txt', 'a\nb\nc\n');
    const ref = write('r2.txt', 'a\nb');
    const r = cli('bleu', '--hyp', h, '--ref', ref, '--json');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${h} has 3 lines`);
    expect(r.stderr).toContain(`${ref} has 2 lines`);
  });

  it('counts lines by the contract: empty lines count, a final newline adds none, \\r is dropped', () => {
    const h = write('crlf.txt', 'the cat sat on the mat\r\n\r\nand then it slept\r\n');
    const ref = write('lf.txt', 'the cat sat on the mat\n\nand then it slept');
    const r = cli('bleu', '--hyp', h, '--ref', ref, '--json');
    expect(r.status).toBe(0);
    // sacrebleu gives exp(log(100)) = 100.00000000000004 for a perfect match, and so does ftlab.
    expect(JSON.parse(r.stdout).score).toBe(100.00000000000004);
  });

  it('rejects unknown option values with exit 2', () => {
    expect(cli('bleu', '--hyp', fx + 'edge/hyp.txt', '--ref', fx + 'edge/ref1.txt', '--tokenize', 'moses').status).toBe(2);
    expect(cli('bleu', '--hyp', fx + 'edge/hyp.txt', '--ref', fx + 'edge/ref1.txt', '--smooth', 'laplace').status).toBe(2);
    const bad = cli('bleu', '--hyp', fx + 'edge/hyp.txt', '--ref', fx + 'edge/ref1.txt', '--smooth', 'floor', '--smooth-value', 'abc');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--smooth-value');
  });

  it('reports a missing file with exit 1', () => {
    const r = cli('bleu', '--hyp', join(tmp, 'nope.txt'), '--ref', fx + 'edge/ref1.txt');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nope.txt: no such file');
  });
});

describe('ftlab metrics rouge', () => {
  it('JSONL pairs (multi-reference, multi-sentence) match rouge-score with stemming', () => {
    const r = cli('rouge', '--pairs', fx + 'edge/pairs.jsonl', '--stem', '--json');
    expect(r.status).toBe(0);
    const got = JSON.parse(r.stdout);
    const want = expected.rouge.find((c: any) => c.types.length === 4 && c.stem);
    expect(got.pairs).toEqual(want.jsonl.pairs);
    expect(got.mean).toEqual(want.jsonl.mean);
    expect(got.notes.join(' ')).toMatch(/non-ASCII/);
  });

  it('text files with --types', () => {
    const r = cli('rouge', '--hyp', fx + 'edge/hyp.txt', '--ref', fx + 'edge/ref1.txt', '--types', 'rouge3,rougeL', '--json');
    expect(r.status).toBe(0);
    const want = expected.rouge.find((c: any) => c.types.join() === 'rouge3,rougeL' && !c.stem);
    expect(JSON.parse(r.stdout).pairs).toEqual(want.text.pairs);
  });

  it('invalid JSONL names the line (exit 1) and prints nothing on stdout', () => {
    const p = write('bad.jsonl', '{"prediction":"a","reference":"a"}\n{"prediction": "b", "reference": }\n');
    const r = cli('rouge', '--pairs', p, '--json');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${p}:2: invalid JSON`);
    const q = write('bad2.jsonl', '{"prediction":"a"}\n');
    expect(cli('rouge', '--pairs', q).stderr).toContain(`${q}:1: missing "reference"`);
  });

  it('unknown types and tokenizers are usage errors (exit 2)', () => {
    expect(cli('rouge', '--pairs', fx + 'edge/pairs.jsonl', '--types', 'rougeX').status).toBe(2);
    expect(cli('rouge', '--pairs', fx + 'edge/pairs.jsonl', '--tokenizer', 'spacy').status).toBe(2);
  });

  it('the readable table says that non-ASCII text is dropped', () => {
    const r = cli('rouge', '--hyp', fx + 'edge/hyp.txt', '--ref', fx + 'edge/ref1.txt');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/rougeLsum/);
    expect(r.stdout).toMatch(/non-ASCII character are dropped/);
  });

  it('the opt-in unicode tokenizer scores CJK and is labelled as not rouge-score', () => {
    const p = write('cjk.jsonl', JSON.stringify({ prediction: '我爱自然语言处理', reference: '我喜欢自然语言处理' }) + '\n');
    const plain = JSON.parse(cli('rouge', '--pairs', p, '--json').stdout);
    expect(plain.mean.rouge1.fmeasure).toBe(0);
    const uni = JSON.parse(cli('rouge', '--pairs', p, '--tokenizer', 'unicode', '--json').stdout);
    expect(uni.mean.rouge1.fmeasure).toBeGreaterThan(0.7);
    expect(uni.tokenizer).toMatch(/NOT rouge-score/);
  });
});

describe('ftlab metrics classification / squad / chrf / perplexity', () => {
  it("reproduces the course notes' classification example (sklearn's numbers)", () => {
    const gold = write('gold.txt', [0, 1, 1, 0, 1, 0, 1, 1].join('\n') + '\n');
    const pred = write('pred.txt', [0, 1, 0, 0, 1, 0, 1, 1].join('\n') + '\n');
    const r = cli('classification', '--hyp', pred, '--ref', gold, '--json');
    expect(r.status).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.accuracy).toBe(0.875);
    expect(rep.per_class['1'].precision).toBe(1);
    expect(rep.per_class['1'].recall).toBe(0.8);
    expect(rep.per_class['1'].f1.toFixed(3)).toBe('0.889');
    expect(rep.per_class['0'].precision).toBe(0.75);
    expect(rep.per_class['0'].f1.toFixed(2)).toBe('0.86');
    expect(rep.macro_avg.precision.toFixed(3)).toBe('0.875');
    expect(rep.macro_avg.recall.toFixed(2)).toBe('0.90');
    expect(rep.macro_avg.f1.toFixed(2)).toBe('0.87');
    expect(rep.weighted_avg.precision.toFixed(2)).toBe('0.91');
    expect(rep.weighted_avg.f1.toFixed(2)).toBe('0.88');
    expect(rep.confusion_matrix).toEqual([
      [3, 0],
      [1, 4],
    ]);
  });

  it('squad EM/F1 in percent with several gold answers', () => {
    const h = write('ans.txt', 'The Eiffel Tower\nin Paris, France\nnothing\n');
    const g1 = write('g1.txt', 'Eiffel tower\nParis\nsomething\n');
    const g2 = write('g2.txt', 'the tower\nParis France\nelse\n');
    const r = JSON.parse(cli('squad', '--hyp', h, '--ref', g1, '--ref', g2, '--json').stdout);
    expect(r.pairs[0]).toEqual({ exact_match: 1, f1: 1 });
    expect(r.pairs[1].exact_match).toBe(0);
    expect(r.pairs[1].f1).toBeCloseTo(0.8, 12); // "in paris france" vs "paris france": P 2/3, R 1
    expect(r.exact_match).toBeCloseTo(100 / 3, 10);
    expect(r.scale).toEqual({ pairs: 'fraction 0-1', 'exact_match and f1': 'percent 0-100' });
  });

  it('chrF JSON matches sacrebleu (chrF++)', () => {
    const r = JSON.parse(cli('chrf', '--hyp', fx + 'edge/hyp.txt', '--ref', fx + 'edge/ref1.txt', '--word-order', '2', '--json').stdout);
    const want = expected.chrf_corpus.find((c: any) => c.nrefs === 1 && c.config.word_order === 2 && !c.config.eps_smoothing);
    expect(r.score).toBe(want.score);
    expect(r.name).toBe('chrF2++');
  });

  it('perplexity from log-probabilities', () => {
    const f = write('lp.txt', `${Math.log(0.5)}\n{"logprobs":[${Math.log(0.25)}, ${Math.log(0.125)}]}\n`);
    const r = JSON.parse(cli('perplexity', '--logprobs', f, '--json').stdout);
    expect(r.tokens).toBe(3);
    expect(r.perplexity).toBeCloseTo(4, 10); // geometric mean of 1/p = (2*4*8)^(1/3)
  });
});
