// How a question is laid out on screen: display orders derived from a seed. The UI shows
// `choices[layout.choices[k]]` at position k and reports answers in ORIGINAL indices (see types.ts).
import type { Question, SubQuestion } from '../content/schema.js';
import { permutation, rng } from './random.js';

export interface Layout {
  /** single/multi: display position → original choice index. */
  choices?: number[];
  /** order: display position → original item index (never the solved order when avoidable). */
  items?: number[];
  /** match: display position → original index of the right-hand side. */
  rights?: number[];
  /** case: layouts of the sub-questions by sub-question id. */
  subs?: Record<string, Layout>;
}

/** A permutation that differs from the identity (for n ≥ 2), so an ordering task never starts solved. */
function scrambled(n: number, random: () => number): number[] {
  for (let attempt = 0; attempt < 16; attempt++) {
    const p = permutation(n, random);
    if (n < 2 || p.some((v, i) => v !== i)) return p;
  }
  // Astronomically unlikely; rotate by one as a deterministic fallback.
  return Array.from({ length: n }, (_, i) => (i + 1) % n);
}

/** The display layout of a question for a seed (e.g. the exam seed, or a per-review seed). */
export function layoutFor(question: Question | SubQuestion, seed: number | string): Layout {
  const random = rng(`${seed}:${question.id}`);
  switch (question.type) {
    case 'single':
    case 'multi':
      return { choices: permutation(question.choices.length, random) };
    case 'order':
      return { items: scrambled(question.items.length, random) };
    case 'match':
      return { rights: scrambled(question.pairs.length, random) };
    case 'case': {
      const subs: Record<string, Layout> = {};
      for (const sub of question.questions) subs[sub.id] = layoutFor(sub, seed);
      return { subs };
    }
    default:
      return {};
  }
}
