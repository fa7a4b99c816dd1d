// Writes the LoRA lab's fine-tuning task: support tickets that must be answered in a fixed two-line
// structure,
//   category: <billing|shipping|account|technical>
//   priority: <low|medium|high>
// train.jsonl and val.jsonl come from one set of phrasings; heldout.jsonl from phrasings and subjects
// that never occur in training, so the lab measures whether the format carries over to unseen prompts.
// Deterministic: `node labs/lora/data/generate.mjs` rewrites the same files byte for byte.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Problems per category: [training subjects, held-out subjects]
const PROBLEMS = {
  billing: [
    ['I was charged twice for my last order', 'my invoice shows the wrong amount', 'the refund never reached my card', 'my subscription renewed after I cancelled it', 'I need a copy of my receipt', 'the discount code was not applied to my bill'],
    ['a payment I did not make appears on my statement', 'the price went up without notice', 'I paid but the order still says unpaid'],
  ],
  shipping: [
    ['my parcel has not arrived yet', 'the tracking number does not work', 'the box arrived damaged', 'I got the wrong item in the package', 'delivery was sent to my old address', 'the courier left my package outside'],
    ['half of my order is missing from the box', 'the delivery date keeps moving', 'the parcel was returned to the warehouse'],
  ],
  account: [
    ['I cannot log in to my account', 'I forgot my password and the reset email never comes', 'I want to change the email on my account', 'please delete my account and my data', 'my account was locked after three tries', 'I want to merge two accounts'],
    ['someone changed my password without asking me', 'I cannot update my phone number in the profile', 'the two factor code never arrives'],
  ],
  technical: [
    ['the app crashes when I open it', 'the website shows an error page', 'uploads stop at ninety percent', 'the export button does nothing', 'the page is very slow to load', 'notifications stopped working on my phone'],
    ['the search returns no results at all', 'the screen goes blank after the update', 'sync fails with a timeout message'],
  ],
};

const URGENCY = {
  high: [['This is urgent.', 'Please help right away.', 'I need this fixed today.', 'It blocks my whole team.'], ['We lose money every hour this goes on.', 'Please treat this as an emergency.']],
  medium: [['Can you look into it?', 'Please check what happened.', 'Let me know what to do.', 'I would like this sorted out.'], ['Could someone take a look this week?', 'What are my options?']],
  low: [['No rush, whenever you have time.', 'Just wanted to let you know.', 'It is not urgent at all.', 'Any time next week is fine.'], ['Only a small thing, take your time.', 'Low priority, just curious.']],
};

const OPENERS = [
  ['Hello,', 'Hi team,', 'Hi,', 'Good morning,', ''],
  ['Dear support,', 'Hey there,', 'Greetings,'],
];

const INSTRUCTIONS = [
  ['Triage this support ticket.', 'Classify the ticket below.', 'Sort this ticket for the support queue.'],
  ['Route the following customer message.', 'Label this customer request.'],
];

function build(split, n, seed) {
  const rand = rng(seed);
  const pick = (arr) => arr[Math.floor(rand() * arr.length)];
  const side = split === 'heldout' ? 1 : 0;
  const out = [];
  const seen = new Set();
  let guard = 0;
  while (out.length < n && guard++ < n * 50) {
    const category = pick(Object.keys(PROBLEMS));
    const priority = pick(Object.keys(URGENCY));
    const opener = pick(OPENERS[side]);
    const problem = pick(PROBLEMS[category][side]);
    const urgency = pick(URGENCY[priority][side]);
    const ticket = `${opener ? opener + ' ' : ''}${problem[0].toUpperCase()}${problem.slice(1)}. ${urgency}`;
    const key = ticket;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      instruction: pick(INSTRUCTIONS[side]),
      input: ticket,
      output: `category: ${category}\npriority: ${priority}`,
    });
  }
  return out;
}

const all = build('train', 420, 7);
const train = all.slice(0, 360);
const val = all.slice(360);
const heldout = build('heldout', 60, 99);
const trainKeys = new Set(all.map((r) => r.input));
if (heldout.some((r) => trainKeys.has(r.input))) throw new Error('held-out overlaps training');
const write = (name, rows) => writeFileSync(`${here}/${name}`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
write('train.jsonl', train);
write('val.jsonl', val);
write('heldout.jsonl', heldout);
// The corpus for pretraining gets the tickets' language (never the answer format).
const corpusTickets = build('train', 300, 1234).map((r) => r.input);
writeFileSync(`${here}/../corpus/tickets.txt`, corpusTickets.join('\n') + '\n');
console.log(`train ${train.length}, val ${val.length}, heldout ${heldout.length}, corpus tickets ${corpusTickets.length}`);
