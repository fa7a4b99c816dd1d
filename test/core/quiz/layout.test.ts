import { describe, expect, it } from 'vitest';
import { layoutFor } from '../../../src/core/quiz/shuffle.js';
import { selectQuestions, itemKeys } from '../../../src/core/quiz/select.js';
import { rng } from '../../../src/core/quiz/random.js';
import { bank, q } from './fixtures.js';

const isPermutation = (p: number[] | undefined, n: number) =>
  p !== undefined && p.length === n && [...p].sort((a, b) => a - b).every((v, i) => v === i);

describe('seeded layouts', () => {
  it('are permutations, identical for the same seed', () => {
    const single = q('q-single');
    const a = layoutFor(single, 42);
    expect(isPermutation(a.choices, 4)).toBe(true);
    expect(layoutFor(single, 42)).toEqual(a);
    const seeds = new Set(Array.from({ length: 30 }, (_, s) => JSON.stringify(layoutFor(single, s).choices)));
    expect(seeds.size).toBeGreaterThan(5);
  });

  it('ordering and matching never start solved', () => {
    for (let seed = 0; seed < 200; seed++) {
      const o = layoutFor(q('q-order'), seed).items!;
      expect(isPermutation(o, 4)).toBe(true);
      expect(o).not.toEqual([0, 1, 2, 3]);
      const m = layoutFor(q('q-match'), seed).rights!;
      expect(m).not.toEqual([0, 1, 2]);
    }
  });

  it('case questions lay out each sub-question', () => {
    const l = layoutFor(q('q-case'), 7);
    expect(Object.keys(l.subs!)).toEqual(['c1', 'c2', 'c3']);
    expect(isPermutation(l.subs!.c3!.rights, 3)).toBe(true);
  });

  it('rng is deterministic and in [0, 1)', () => {
    const a = rng('x');
    const b = rng('x');
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('selection', () => {
  const moduleOf = (lesson: string) => (lesson === 'l1' || lesson === 'l2' ? 'mod-a' : 'mod-b');
  it('filters by lesson, module and domain', () => {
    expect(selectQuestions(bank, { lesson: 'l1' }).map((x) => x.id)).toEqual(['q-single', 'q-multi']);
    expect(selectQuestions(bank, { module: 'mod-a' }, moduleOf).map((x) => x.id)).toEqual(['q-single', 'q-multi', 'q-tf', 'q-order']);
    expect(selectQuestions(bank, { domain: 3 }).map((x) => x.id)).toEqual(['q-tf', 'q-order', 'q-numeric', 'q-case']);
    expect(selectQuestions(bank, { domain: 3, lesson: 'l2' }).map((x) => x.id)).toEqual(['q-tf', 'q-order']);
  });
  it('prefers the module a loaded question carries', () => {
    const loaded = bank.map((x) => ({ ...x, module: 'only' }));
    expect(selectQuestions(loaded, { module: 'only' }, moduleOf)).toHaveLength(bank.length);
  });
  it('samples n with a seed; a case question counts once', () => {
    const a = selectQuestions(bank, { n: 4, seed: 3 });
    expect(a).toHaveLength(4);
    expect(selectQuestions(bank, { n: 4, seed: 3 })).toEqual(a);
    expect(itemKeys(q('q-case'))).toEqual(['q-case/c1', 'q-case/c2', 'q-case/c3']);
  });
});
