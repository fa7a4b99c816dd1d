// Starter for "bring your own scorer": prints sentence BLEU and ROUGE-L for every item and system of
// a lab set in the format `ftlab lab verify metrics` grades. It runs, but its numbers are wrong:
// finish the TODOs until every item matches ftlab (see the lab's step "Bring your own scorer").
// Usage: node starter/scorer.mjs data/translation.jsonl > my-scores.jsonl
import { readFileSync } from 'node:fs';

// TODO: tokenize like sacrebleu's 13a (punctuation and symbols become their own tokens).
const tokenize = (line) => line.split(' ').filter(Boolean);

function ngramCounts(tokens, n) {
  const counts = new Map();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

function sentenceBleu(hyp, ref) {
  const h = tokenize(hyp);
  const r = tokenize(ref);
  let logSum = 0;
  for (let n = 1; n <= 4; n++) {
    const refCounts = ngramCounts(r, n);
    let matched = 0;
    for (const [g, c] of ngramCounts(h, n)) matched += Math.min(c, refCounts.get(g) ?? 0);
    const total = Math.max(1, h.length - n + 1);
    // TODO: smoothing (exp) and effective order; without them one missing 4-gram makes BLEU 0.
    logSum += Math.log(Math.max(matched, 1e-9) / total);
  }
  // TODO: the brevity penalty.
  return 100 * Math.exp(logSum / 4);
}

function rougeL(hyp, ref) {
  // TODO: ROUGE-L uses the longest common subsequence; this is only unigram overlap.
  const h = hyp.toLowerCase().split(' ');
  const r = new Set(ref.toLowerCase().split(' '));
  const overlap = h.filter((w) => r.has(w)).length;
  return overlap / Math.max(1, h.length);
}

const file = process.argv[2];
for (const line of readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const item = JSON.parse(line);
  for (const system of ['base', 'finetuned']) {
    process.stdout.write(JSON.stringify({ id: item.id, system, bleu: sentenceBleu(item[system], item.reference), rougeL: rougeL(item[system], item.reference) }) + '\n');
  }
}
