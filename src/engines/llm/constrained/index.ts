// Constrained decoding: structured output (Ollama's `format`, OpenAI's `response_format`) for any model
// whose tokens are byte strings. At each step the logits of tokens that cannot extend the reply into a
// valid document are masked out, then sampling goes on as usual (temperature, top-k, top-p, seed).
// See docs/serving.md ("Structured output").
import type { TokenConstraint } from '../generate.js';
import type { Tokenizer } from '../tokenizer.js';
import { exampleJson } from './example.js';
import type { Grammar, OutputFormat } from './grammar.js';
import { compileFormat } from './schema.js';
import { GrammarConstraint, MaskTable, tokenVocab, type TokenVocab } from './token-mask.js';

export { SchemaError, type OutputFormat } from './grammar.js';
export { SUPPORTED_KEYWORDS } from './schema.js';

/** Compiled grammars by request format: clients (LangChain, an app's loop) send the same schema again and again. */
const grammars = new Map<string, Grammar>();
const GRAMMAR_CACHE = 16; // with their masks, at most 16 × 4 MB
const tables = new WeakMap<Grammar, WeakMap<TokenVocab, MaskTable>>();

/** The grammar of a format; throws a SchemaError naming what cannot be honoured. */
export function grammarFor(format: OutputFormat): Grammar {
  const key = JSON.stringify(format.type === 'json' ? 'json' : format.schema);
  const known = grammars.get(key);
  if (known) {
    // least recently used goes first
    grammars.delete(key);
    grammars.set(key, known);
    return known;
  }
  const g = compileFormat(format);
  if (grammars.size >= GRAMMAR_CACHE) grammars.delete(grammars.keys().next().value!);
  grammars.set(key, g);
  return g;
}

/** Throws a SchemaError if the format cannot be honoured (servers call it to answer 400 before queueing). */
export function checkFormat(format: OutputFormat): void {
  grammarFor(format);
}

/** A fresh constraint for one generation; its mask cache is shared by every request with this grammar and model. */
export function formatConstraint(format: OutputFormat, tok: Tokenizer, vocabSize: number): TokenConstraint {
  return new GrammarConstraint(maskTable(grammarFor(format), tokenVocab(tok, vocabSize)));
}

export function maskTable(g: Grammar, vocab: TokenVocab): MaskTable {
  let byVocab = tables.get(g);
  if (!byVocab) tables.set(g, (byVocab = new WeakMap()));
  let t = byVocab.get(vocab);
  if (!t) byVocab.set(vocab, (t = new MaskTable(g, vocab)));
  return t;
}

/** A valid document for stand-in backends: `text` in its strings (see example.ts). */
export function exampleFor(format: OutputFormat, text: string): string {
  if (format.type === 'json') return JSON.stringify({ response: text });
  return exampleJson(grammarFor(format), text);
}
