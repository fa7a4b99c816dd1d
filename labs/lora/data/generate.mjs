// Writes the LoRA lab's fine-tuning task: support tickets answered with the team that handles them, in a
// fixed one-line structure,
//   category: <billing|shipping|account|technical>
// The tickets come from labs/lora/data/language.mjs. train.jsonl and val.jsonl use the "train" side of
// every list of phrasings (problems, framings, details, urgency, openers, closings, instructions);
// heldout.jsonl uses only the "held-out" side, so every held-out ticket is made of sentences that
// training never shows and the lab measures whether the label, not only the format, carries over.
// The classes are not balanced (technical is the most common), so always answering the majority class
// scores above 25 %; the lab compares the adapter with that baseline.
//
// Tickets still say how urgent they are, but the task no longer asks for a priority: from urgency
// phrasings it has never seen (held-out), the default job reached 47 % priority accuracy (majority
// 40.5 %) and full fine-tuning 60 %, against 92-95 % for the category (docs/engine.md, "The fine-tuning
// task"). Grading a label the model cannot learn from this data would grade the base, not LoRA.
// Deterministic: `node labs/lora/data/generate.mjs` rewrites the same files byte for byte.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rng, side, ticket } from './language.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

const CATEGORY_WEIGHTS = { technical: 0.3, billing: 0.26, shipping: 0.24, account: 0.2 };
const PRIORITY_WEIGHTS = { medium: 0.42, high: 0.3, low: 0.28 };

const INSTRUCTIONS = [
  'Triage this support ticket.',
  'Classify the ticket below.',
  'Route the following customer message.',
  'Sort this ticket for the support queue.',
  'Label this customer request.',
  'Tag this support request with its category.',
  'Assign a category to this ticket.',
  'Which queue does this ticket belong in?',
  'Triage the message below.',
];

const SIZES = { train: 1200, val: 100, heldout: 200 };

function weighted(rand, weights) {
  let r = rand();
  const entries = Object.entries(weights);
  for (const [k, w] of entries) {
    if (r < w) return k;
    r -= w;
  }
  return entries[entries.length - 1][0];
}

/** `n` distinct examples from one side of the phrasings, not in `exclude` (ticket texts). */
function build(which, n, seed, exclude = new Set()) {
  const rand = rng(seed);
  const instructions = side(INSTRUCTIONS, which);
  const out = [];
  const seen = new Set(exclude);
  for (let guard = 0; out.length < n; guard++) {
    if (guard > n * 50) throw new Error(`could not make ${n} distinct ${which} tickets`);
    const category = weighted(rand, CATEGORY_WEIGHTS);
    const priority = weighted(rand, PRIORITY_WEIGHTS);
    const instruction = instructions[Math.floor(rand() * instructions.length)];
    const input = ticket(rand, category, priority, which);
    if (seen.has(input)) continue;
    seen.add(input);
    out.push({ instruction, input, output: `category: ${category}` });
  }
  return out;
}

export function makeData() {
  const trainAndVal = build('train', SIZES.train + SIZES.val, 7);
  const heldout = build('heldout', SIZES.heldout, 99, new Set(trainAndVal.map((r) => r.input)));
  return { train: trainAndVal.slice(0, SIZES.train), val: trainAndVal.slice(SIZES.train), heldout };
}

/** The held-out ticket texts (the pretraining corpus must not contain them verbatim). */
export function heldoutTickets() {
  return makeData().heldout.map((r) => r.input);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { train, val, heldout } = makeData();
  const write = (name, rows) => writeFileSync(`${here}/${name}`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  write('train.jsonl', train);
  write('val.jsonl', val);
  write('heldout.jsonl', heldout);
  const share = (rows, key) => {
    const counts = {};
    for (const r of rows) {
      const v = new RegExp(`${key}: (\\w+)`).exec(r.output)[1];
      counts[v] = (counts[v] ?? 0) + 1;
    }
    return Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, c]) => `${k} ${((100 * c) / rows.length).toFixed(1)}%`)
      .join(', ');
  };
  console.log(`train ${train.length}, val ${val.length}, heldout ${heldout.length}`);
  console.log(`heldout categories: ${share(heldout, 'category')}`);
}
