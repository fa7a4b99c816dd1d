// Reference solution of "bring your own scorer": sentence BLEU (as sacrebleu's sentence_bleu: 13a
// tokens, exp smoothing, effective order) and ROUGE-L F1 (as rouge-score, no stemming) for every
// item and system of a lab set, written from the definitions, with no libraries.
// Usage: node solution/scorer.mjs data/translation.jsonl > my-scores.jsonl
import { readFileSync } from 'node:fs';

// 13a: split off symbols, then periods/commas not inside numbers, then dashes after digits.
function tokenize13a(line) {
  let s = ` ${line.replaceAll('<skipped>', '').replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>')} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2');
  s = s.replace(/([0-9])(-)/g, '$1 $2 ');
  return s.split(/\s+/).filter(Boolean);
}

function ngramCounts(tokens, n) {
  const counts = new Map();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function sentenceBleu(hyp, ref) {
  const h = tokenize13a(hyp.trimEnd());
  const r = tokenize13a(ref.trimEnd());
  const precisions = [];
  let anyMatch = false;
  let smooth = 1;
  for (let n = 1; n <= 4; n++) {
    const total = Math.max(0, h.length - n + 1);
    if (total === 0) break; // effective order: stop at the longest n-gram the output has
    const refCounts = ngramCounts(r, n);
    let matched = 0;
    for (const [g, c] of ngramCounts(h, n)) matched += Math.min(c, refCounts.get(g) ?? 0);
    if (matched > 0) anyMatch = true;
    if (matched === 0) {
      smooth *= 2; // exp smoothing: 1/2, 1/4, ... of a match for each order without one
      precisions.push(100 / (smooth * total));
    } else precisions.push((100 * matched) / total);
  }
  if (!anyMatch) return 0;
  const bp = h.length < r.length ? (h.length > 0 ? Math.exp(1 - r.length / h.length) : 0) : 1;
  const logMean = precisions.reduce((a, p) => a + Math.log(p), 0) / precisions.length;
  return bp * Math.exp(logMean);
}

const rougeTokens = (text) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

function rougeL(hyp, ref) {
  const h = rougeTokens(hyp);
  const r = rougeTokens(ref);
  if (!h.length || !r.length) return 0;
  // Longest common subsequence by dynamic programming.
  let prev = new Array(h.length + 1).fill(0);
  for (const rt of r) {
    const cur = [0];
    for (let j = 1; j <= h.length; j++) cur[j] = rt === h[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    prev = cur;
  }
  const lcs = prev[h.length];
  const p = lcs / h.length;
  const rec = lcs / r.length;
  return p + rec > 0 ? (2 * p * rec) / (p + rec) : 0;
}

const file = process.argv[2];
if (!file) {
  console.error('usage: node scorer.mjs data/<set>.jsonl > scores.jsonl');
  process.exit(2);
}
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const item = JSON.parse(line);
  for (const system of ['base', 'finetuned']) {
    const out = { id: item.id, system, bleu: sentenceBleu(item[system], item.reference), rougeL: rougeL(item[system], item.reference) };
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}
