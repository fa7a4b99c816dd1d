// Implementations of `ftlab metrics …` (flags are declared in src/cli/flags/metrics.ts).
// Inputs are streamed: files are first counted (so mismatched line counts fail before any
// output), then read in lockstep while only running statistics are kept.
import { FailedError, UsageError } from '../shared/errors.js';
import { note } from '../shared/output.js';
import { packageVersion } from '../shared/paths.js';
import { BleuScorer, CorpusBleu, SMOOTH_DEFAULTS, type BleuScore, type SmoothMethod } from '../engines/metrics/bleu.js';
import { ChrfScorer, CorpusChrf } from '../engines/metrics/chrf.js';
import { ConfusionCounter } from '../engines/metrics/classification.js';
import { countLines, LineReader } from '../engines/metrics/lines.js';
import { PerplexityAccumulator } from '../engines/metrics/perplexity.js';
import { pyFixed, table } from '../engines/metrics/format.js';
import { isRougeType, RougeMean, RougeScorer, type RougeResult } from '../engines/metrics/rouge/score.js';
import type { RougeTokenizerName } from '../engines/metrics/rouge/tokenize.js';
import { QaMean, scoreQa } from '../engines/metrics/squad.js';
import type { BleuTokenizerName } from '../engines/metrics/tokenizers.js';

/** Buffered stdout: large per-pair outputs go out in 64 KiB writes. */
class Out {
  private buf = '';
  write(s: string): void {
    this.buf += s;
    if (this.buf.length > 65536) this.flush();
  }
  flush(): void {
    if (this.buf) process.stdout.write(this.buf);
    this.buf = '';
  }
}

function describeFsError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : (err as Error)?.message;
  return `cannot read ${path}: ${why}`;
}

function open(path: string): LineReader {
  try {
    return new LineReader(path);
  } catch (err) {
    throw new FailedError(describeFsError(path, err));
  }
}

function lines(path: string): number {
  try {
    return countLines(path);
  } catch (err) {
    throw new FailedError(describeFsError(path, err));
  }
}

/** Checks that the hypothesis file and every reference file have the same number of segments. */
function checkParallel(hyp: string, refs: readonly string[]): number {
  if (refs.length === 0) throw new UsageError('at least one --ref file is needed');
  const n = lines(hyp);
  for (const ref of refs) {
    const m = lines(ref);
    if (m !== n) {
      throw new FailedError(
        `line counts differ: ${hyp} has ${n} line${n === 1 ? '' : 's'}, ${ref} has ${m} line${m === 1 ? '' : 's'}`,
        'every line of the hypothesis file is scored against the same line of each reference file',
      );
    }
  }
  return n;
}

/** Reads hypothesis and reference files in lockstep. */
function* parallel(hyp: string, refs: readonly string[]): Generator<[string, string[]]> {
  const h = open(hyp);
  const rs = refs.map(open);
  try {
    for (let line = h.next(); line !== null; line = h.next()) yield [line, rs.map((r) => r.next() ?? '')];
  } finally {
    h.close();
    rs.forEach((r) => r.close());
  }
}

function parseNumber(flag: string, value: string, opts: { integer?: boolean; min?: number } = {}): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    const kind = opts.integer ? 'an integer' : 'a number';
    throw new UsageError(`${flag} must be ${kind}${opts.min !== undefined ? ` >= ${opts.min}` : ''}, got '${value}'`);
  }
  return n;
}

// ---- BLEU ---------------------------------------------------------------------------------

interface BleuFlags {
  hyp: string;
  ref: string[];
  tokenize: BleuTokenizerName;
  lowercase?: boolean;
  smooth: SmoothMethod;
  smoothValue?: string;
  sentence?: boolean;
  json?: boolean;
}

/**
 * Sentence-level scores, streamed: `{"sentences":[…]}` with --json (one document, written as it goes so a
 * million segments need no memory), else one line per segment.
 */
function writeSentences(
  out: Out,
  json: boolean,
  segments: Iterable<[string, string[]]>,
  score: (hyp: string, refs: string[]) => { json: unknown; line: string },
): void {
  if (json) out.write('{"sentences":[');
  let i = 0;
  for (const [h, refs] of segments) {
    const r = score(h, refs);
    if (json) out.write((i ? ',\n' : '\n') + JSON.stringify(r.json));
    else out.write(r.line + '\n');
    i++;
  }
  if (json) out.write('\n]}\n');
  out.flush();
}

function bleuLine(s: BleuScore, signature: string): string {
  const prec = s.precisions.map((p) => pyFixed(p, 1)).join('/');
  const ratio = s.ref_len ? s.sys_len / s.ref_len : 0;
  return (
    `BLEU|${signature} = ${pyFixed(s.score, 2)} ${prec} (BP = ${pyFixed(s.bp, 3)} ` +
    `ratio = ${pyFixed(ratio, 3)} hyp_len = ${s.sys_len} ref_len = ${s.ref_len})`
  );
}

export function runBleu(flags: BleuFlags): void {
  let smoothValue: number | null = null;
  if (flags.smoothValue !== undefined) {
    smoothValue = parseNumber('--smooth-value', flags.smoothValue, { min: 0 });
    if (SMOOTH_DEFAULTS[flags.smooth] === null) note(`note: --smooth-value has no effect with --smooth ${flags.smooth}`);
  }
  const n = checkParallel(flags.hyp, flags.ref);
  if (n === 0) throw new FailedError(`${flags.hyp} is empty: there are no segments to score`);
  const version = packageVersion();
  const scorer = new BleuScorer({
    tokenize: flags.tokenize,
    lowercase: Boolean(flags.lowercase),
    smooth: flags.smooth,
    smoothValue,
    effectiveOrder: Boolean(flags.sentence),
  });
  const out = new Out();
  if (flags.sentence) {
    const signature = scorer.signature(flags.ref.length, version);
    writeSentences(out, Boolean(flags.json), parallel(flags.hyp, flags.ref), (h, refs) => {
      const s = scorer.sentence(h, refs);
      return { json: { ...s, signature }, line: bleuLine(s, signature) };
    });
    return;
  }
  const corpus = new CorpusBleu(scorer);
  for (const [h, refs] of parallel(flags.hyp, flags.ref)) corpus.add(h, refs);
  const s = corpus.score();
  const signature = scorer.signature(corpus.nrefs, version);
  if (flags.json) out.write(JSON.stringify({ ...s, signature }, null, 2) + '\n');
  else {
    out.write(bleuLine(s, signature) + '\n\n');
    const rows = [['n', 'matched', 'total', 'precision %']];
    s.precisions.forEach((p, k) => rows.push([`${k + 1}-gram`, String(s.counts[k]), String(s.totals[k]), pyFixed(p, 2)]));
    out.write(table(rows) + '\n');
    out.write(
      `brevity penalty ${pyFixed(s.bp, 4)} (hypothesis ${s.sys_len} tokens, reference ${s.ref_len}); ${corpus.segments} segments\n`,
    );
  }
  out.flush();
}

// ---- chrF ---------------------------------------------------------------------------------

interface ChrfFlags {
  hyp: string;
  ref: string[];
  wordOrder: string;
  charOrder: string;
  beta: string;
  lowercase?: boolean;
  whitespace?: boolean;
  epsSmoothing?: boolean;
  sentence?: boolean;
  json?: boolean;
}

export function runChrf(flags: ChrfFlags): void {
  const scorer = new ChrfScorer({
    wordOrder: parseNumber('--word-order', flags.wordOrder, { integer: true, min: 0 }),
    charOrder: parseNumber('--char-order', flags.charOrder, { integer: true, min: 1 }),
    beta: parseNumber('--beta', flags.beta, { min: 0 }),
    lowercase: Boolean(flags.lowercase),
    whitespace: Boolean(flags.whitespace),
    epsSmoothing: Boolean(flags.epsSmoothing),
  });
  const n = checkParallel(flags.hyp, flags.ref);
  if (n === 0) throw new FailedError(`${flags.hyp} is empty: there are no segments to score`);
  const version = packageVersion();
  const out = new Out();
  if (flags.sentence) {
    const signature = scorer.signature(flags.ref.length, version);
    writeSentences(out, Boolean(flags.json), parallel(flags.hyp, flags.ref), (h, refs) => {
      const score = scorer.fScore(scorer.segmentStats(h, refs));
      return { json: { score, name: scorer.name, signature }, line: `${scorer.name}|${signature} = ${pyFixed(score, 2)}` };
    });
    return;
  }
  const corpus = new CorpusChrf(scorer);
  for (const [h, refs] of parallel(flags.hyp, flags.ref)) corpus.add(h, refs);
  const score = corpus.score();
  const signature = scorer.signature(corpus.nrefs, version);
  if (flags.json) out.write(JSON.stringify({ score, name: scorer.name, signature }, null, 2) + '\n');
  else out.write(`${scorer.name}|${signature} = ${pyFixed(score, 2)}\n`);
  out.flush();
}

// ---- ROUGE --------------------------------------------------------------------------------

interface RougeFlags {
  hyp?: string;
  ref: string[];
  pairs?: string;
  types: string;
  stem?: boolean;
  tokenizer: RougeTokenizerName;
  meanOnly?: boolean;
  json?: boolean;
}

interface RougePair {
  prediction: string;
  references: string[];
}

/** Parses and checks one JSONL line; errors name the file and line. */
function parsePairLine(path: string, lineNo: number, line: string): RougePair | null {
  if (line.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new FailedError(`${path}:${lineNo}: invalid JSON: ${(err as Error).message}`);
  }
  const where = `${path}:${lineNo}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FailedError(`${where}: expected an object {"prediction": …, "reference": …}`);
  }
  const o = value as Record<string, unknown>;
  if (typeof o.prediction !== 'string') throw new FailedError(`${where}: "prediction" must be a string`);
  if ('reference' in o && 'references' in o) throw new FailedError(`${where}: give either "reference" or "references", not both`);
  if ('reference' in o) {
    if (typeof o.reference !== 'string') throw new FailedError(`${where}: "reference" must be a string`);
    return { prediction: o.prediction, references: [o.reference] };
  }
  if ('references' in o) {
    const refs = o.references;
    if (!Array.isArray(refs) || refs.length === 0 || !refs.every((r) => typeof r === 'string')) {
      throw new FailedError(`${where}: "references" must be a non-empty list of strings`);
    }
    return { prediction: o.prediction, references: refs as string[] };
  }
  throw new FailedError(`${where}: missing "reference" (a string) or "references" (a list of strings)`);
}

function* readPairs(path: string): Generator<RougePair> {
  const r = open(path);
  try {
    for (let line = r.next(); line !== null; line = r.next()) {
      const pair = parsePairLine(path, r.lineNo, line);
      if (pair) yield pair;
    }
  } finally {
    r.close();
  }
}

const NON_ASCII = /[^\x00-\x7f]/;
export const ROUGE_ASCII_NOTE =
  "rouge-score's tokenizer keeps only a-z and 0-9: accented letters, CJK, emoji and every other non-ASCII character are dropped before scoring";

export function runRouge(flags: RougeFlags): void {
  const types = flags.types
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (types.length === 0) throw new UsageError('--types needs at least one ROUGE type');
  for (const t of types) {
    if (!isRougeType(t)) throw new UsageError(`unknown ROUGE type '${t}' in --types`, 'use rouge1 … rouge9, rougeL, rougeLsum');
  }
  if (flags.pairs && (flags.hyp || flags.ref.length)) throw new UsageError('use either --pairs FILE or --hyp FILE --ref FILE, not both');
  if (!flags.pairs && !flags.hyp) throw new UsageError('give --hyp FILE --ref FILE or --pairs FILE.jsonl');
  let source: Iterable<RougePair>;
  if (flags.pairs) {
    // Validate the whole file first so a bad line fails before any output.
    lines(flags.pairs);
    for (const _ of readPairs(flags.pairs)) void _;
    source = readPairs(flags.pairs);
  } else {
    checkParallel(flags.hyp!, flags.ref);
    source = (function* () {
      for (const [prediction, references] of parallel(flags.hyp!, flags.ref)) yield { prediction, references };
    })();
  }
  const scorer = new RougeScorer({ types, stem: Boolean(flags.stem), tokenizer: flags.tokenizer });
  const mean = new RougeMean(types);
  const out = new Out();
  const perPair: RougeResult[] = [];
  const showPairsInTable = 40;
  let nonAscii = 0;
  if (flags.json) out.write(flags.meanOnly ? '{' : '{"pairs":[');
  for (const pair of source) {
    const r =
      pair.references.length === 1
        ? scorer.score(pair.references[0], pair.prediction)
        : scorer.scoreMulti(pair.references, pair.prediction);
    if (NON_ASCII.test(pair.prediction) || pair.references.some((x) => NON_ASCII.test(x))) nonAscii++;
    if (flags.json && !flags.meanOnly) out.write((mean.count ? ',\n' : '\n') + JSON.stringify(r));
    else if (!flags.json && !flags.meanOnly && perPair.length < showPairsInTable) perPair.push(r);
    mean.add(r);
  }
  const info = {
    count: mean.count,
    tokenizer: flags.tokenizer === 'unicode' ? "unicode (ftlab's own; NOT rouge-score's)" : 'rouge-score',
    stemming: Boolean(flags.stem),
    notes: [] as string[],
  };
  if (flags.tokenizer === 'rouge-score') {
    info.notes.push(`${ROUGE_ASCII_NOTE} (${nonAscii} of ${mean.count} pairs contain non-ASCII text)`);
  } else {
    info.notes.push('unicode tokenizer: scores are NOT comparable with rouge-score or published ROUGE numbers');
  }
  if (flags.json) {
    out.write(`${flags.meanOnly ? '' : '\n],'}"mean":${JSON.stringify(mean.mean())},${JSON.stringify(info).slice(1)}\n`);
    out.flush();
    if (nonAscii > 0 && flags.tokenizer === 'rouge-score')
      note(`note: ${nonAscii} pair(s) contain non-ASCII text that rouge-score's tokenizer drops`);
    return;
  }
  const fmt = (x: number) => pyFixed(x, 4);
  if (perPair.length > 0) {
    const rows = [['pair', ...types.map((t) => `${t} F`)]];
    perPair.forEach((r, i) => rows.push([String(i + 1), ...types.map((t) => fmt(r[t].fmeasure))]));
    out.write(table(rows) + '\n');
    if (mean.count > perPair.length) out.write(`… ${mean.count - perPair.length} more pairs (use --json for all)\n`);
    out.write('\n');
  }
  const m = mean.mean();
  const rows = [['mean', 'precision', 'recall', 'F1']];
  for (const t of types) rows.push([t, fmt(m[t].precision), fmt(m[t].recall), fmt(m[t].fmeasure)]);
  out.write(table(rows) + '\n');
  out.write(`${mean.count} pairs; tokenizer ${info.tokenizer}; stemming ${flags.stem ? 'on' : 'off'}\n`);
  for (const n of info.notes) out.write(`note: ${n}\n`);
  out.flush();
}

// ---- SQuAD EM/F1 --------------------------------------------------------------------------

export function runSquad(flags: { hyp: string; ref: string[]; json?: boolean }): void {
  checkParallel(flags.hyp, flags.ref);
  const mean = new QaMean();
  const out = new Out();
  if (flags.json) out.write('{"pairs":[');
  for (const [h, refs] of parallel(flags.hyp, flags.ref)) {
    const s = scoreQa(h, refs);
    if (flags.json) out.write((mean.count ? ',\n' : '\n') + JSON.stringify(s));
    mean.add(s);
  }
  const sum = mean.summary();
  // Per answer 0..1, the totals in percent: the conventions of SQuAD's evaluate-v1.1.py, said in the output.
  const scale = '"scale":{"pairs":"fraction 0-1","exact_match and f1":"percent 0-100"}';
  if (flags.json) out.write(`\n],"exact_match":${sum.exact_match},"f1":${sum.f1},"count":${sum.count},${scale}}\n`);
  else out.write(`exact match ${pyFixed(sum.exact_match, 2)}  F1 ${pyFixed(sum.f1, 2)}  (${sum.count} answers, percent)\n`);
  out.flush();
}

// ---- classification -----------------------------------------------------------------------

export function runClassification(flags: { hyp: string; ref: string; json?: boolean }): void {
  checkParallel(flags.hyp, [flags.ref]);
  const counter = new ConfusionCounter();
  for (const [pred, [truth]] of parallel(flags.hyp, [flags.ref])) counter.add(truth.trim(), pred.trim());
  const rep = counter.report();
  if (flags.json) {
    process.stdout.write(JSON.stringify(rep, null, 2) + '\n');
    return;
  }
  const f = (x: number) => pyFixed(x, 2);
  const rows = [['', 'precision', 'recall', 'f1-score', 'support']];
  for (const l of rep.labels) {
    const c = rep.per_class[l];
    rows.push([l, f(c.precision), f(c.recall), f(c.f1), String(c.support)]);
  }
  rows.push(['accuracy', '', '', f(rep.accuracy), String(rep.count)]);
  rows.push(['macro avg', f(rep.macro_avg.precision), f(rep.macro_avg.recall), f(rep.macro_avg.f1), String(rep.macro_avg.support)]);
  rows.push([
    'weighted avg',
    f(rep.weighted_avg.precision),
    f(rep.weighted_avg.recall),
    f(rep.weighted_avg.f1),
    String(rep.weighted_avg.support),
  ]);
  let text = table(rows) + '\n\nconfusion matrix (rows: true label, columns: predicted)\n';
  text += table([['', ...rep.labels], ...rep.confusion_matrix.map((row, i) => [rep.labels[i], ...row.map(String)])]) + '\n';
  process.stdout.write(text);
}

// ---- perplexity ---------------------------------------------------------------------------

export function runPerplexity(flags: { logprobs: string; json?: boolean }): void {
  const acc = new PerplexityAccumulator();
  const r = open(flags.logprobs);
  for (let line = r.next(); line !== null; line = r.next()) {
    const t = line.trim();
    if (t === '') continue;
    const where = `${flags.logprobs}:${r.lineNo}`;
    let values: unknown;
    try {
      values = JSON.parse(t);
    } catch (err) {
      throw new FailedError(`${where}: expected a number or {"logprobs":[…]}: ${(err as Error).message}`);
    }
    if (typeof values === 'object' && values !== null && !Array.isArray(values)) values = (values as Record<string, unknown>).logprobs;
    const list = typeof values === 'number' ? [values] : values;
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'number')) {
      throw new FailedError(`${where}: expected a number, a list of numbers or {"logprobs":[…]}`);
    }
    try {
      acc.addAll(list as number[]);
    } catch (err) {
      throw new FailedError(`${where}: ${(err as Error).message}`);
    }
  }
  if (acc.tokens === 0) throw new FailedError(`${flags.logprobs} holds no log-probabilities`);
  const res = acc.result();
  if (flags.json) process.stdout.write(JSON.stringify(res, null, 2) + '\n');
  else
    process.stdout.write(`perplexity ${pyFixed(res.perplexity, 4)}  (mean NLL ${pyFixed(res.loss, 4)} nats over ${res.tokens} tokens)\n`);
}
