// The retrieval half of RAG in a few lines: embed some passages once, embed the question, rank the passages
// by cosine similarity. Works against `ftlab backend` or a real Ollama (any model that embeds).
//   node labs/serving/retrieval.mjs "How do I get my money back?"
//   OLLAMA_HOST=http://127.0.0.1:11434 EMBED_MODEL=nomic-embed-text node labs/serving/retrieval.mjs "…"
import { Ollama } from 'ollama';

const host = process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11435';
const model = process.env.EMBED_MODEL ?? 'ftlab-micro';
const question = process.argv[2] ?? 'How do I get my money back?';
const passages = [
  'LoRA freezes the base model and trains two small low-rank matrices per layer.',
  'To get a refund, reply to your order email within 30 days.',
  'The serving API answers 503 when the model backend is down.',
  'Quantization stores weights in 4 bits to save memory.',
];

const ollama = new Ollama({ host });
// /api/embed returns unit-length vectors, so the dot product is the cosine similarity.
const { embeddings: docs } = await ollama.embed({ model, input: passages });
const {
  embeddings: [query],
} = await ollama.embed({ model, input: question });
const cosine = (a, b) => a.reduce((sum, x, i) => sum + x * b[i], 0);
const ranked = passages.map((text, i) => ({ text, score: cosine(query, docs[i]) })).sort((a, b) => b.score - a.score);

console.log(`${question}  (model ${model}, ${query.length} dimensions)`);
for (const { text, score } of ranked) console.log(`  ${score.toFixed(3)}  ${text}`);
