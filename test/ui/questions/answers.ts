// Key presses that answer a question correctly (or wrongly) given its on-screen layout, the way a
// learner who knows the answer would type them.
import type { Question, SubQuestion } from '../../../src/core/content/schema.js';
import type { Layout } from '../../../src/core/quiz/index.js';
import { orderKeys } from '../../helpers/order-keys.js';
import { KEY } from './fixtures.js';

const pos = (perm: number[] | undefined, orig: number) => (perm ? perm.indexOf(orig) : orig);

export function correctKeys(q: Question | SubQuestion, layout: Layout = {}): string[] {
  switch (q.type) {
    case 'single':
      return [String(pos(layout.choices, q.answer) + 1), KEY.enter];
    case 'multi':
      return [...q.answers.map((a) => String(pos(layout.choices, a) + 1)), KEY.enter];
    case 'truefalse':
      return [q.answer ? 't' : 'f', KEY.enter];
    case 'order':
      return [...orderKeys(layout.items ?? q.items.map((_, i) => i)), KEY.enter];
    case 'match':
      return [...q.pairs.map((_, i) => String(pos(layout.rights, i) + 1)), KEY.enter];
    case 'cloze':
      return [q.answers[0]!, KEY.enter];
    case 'numeric':
      return [String(q.answer), KEY.enter];
    case 'case':
      return q.questions.flatMap((s) => correctKeys(s, layout.subs?.[s.id]));
  }
}

/** A wrong answer for single/truefalse questions (enough for the tests). */
export function wrongKeys(q: Question | SubQuestion, layout: Layout = {}): string[] {
  if (q.type === 'single') return [String(pos(layout.choices, (q.answer + 1) % q.choices.length) + 1), KEY.enter];
  if (q.type === 'truefalse') return [q.answer ? 'f' : 't', KEY.enter];
  throw new Error(`wrongKeys: no wrong answer recipe for ${q.type}`);
}
