// Property tests of the mock-exam draw over random banks and seeds: the draw is exact (65 / 15 scored items,
// per-domain quotas on items), draws nothing a mock must not, is deterministic for a seed, fails exactly when
// no exact draw exists (checked against a brute force over the cases), and avoids questions already seen.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainQuotas, ExamDrawError, notExamReason, planExam } from '../../../src/core/exam/blueprint.js';
import type { ExamMode } from '../../../src/core/store/exams.js';
import { fuzzParams } from '../../helpers/fuzz.js';
import { caseOf, nonExam, parse, singles } from './bank.js';

const EXAM_PART = ['single', 'multi', 'order', 'match'] as const;
const ANY_PART = [...EXAM_PART, 'truefalse', 'numeric', 'cloze'] as const;

const caseArb = fc.record({
  domain: fc.integer({ min: 1, max: 5 }),
  parts: fc.array(fc.constantFrom(...EXAM_PART, ...EXAM_PART, ...ANY_PART), { minLength: 2, maxLength: 4 }),
  // Sometimes one part belongs to another domain.
  moved: fc.option(fc.record({ part: fc.nat(3), domain: fc.integer({ min: 1, max: 5 }) }), { nil: undefined }),
});

const bankArb = (minSingles: number, maxSingles: number) =>
  fc.record({
    singles: fc.array(fc.integer({ min: minSingles, max: maxSingles }), { minLength: 5, maxLength: 5 }),
    cases: fc.array(caseArb, { maxLength: 8 }),
    extra: fc.boolean(),
  });

type BankSpec = { singles: number[]; cases: Array<typeof caseArb extends fc.Arbitrary<infer C> ? C : never>; extra: boolean };

function build(spec: BankSpec) {
  return parse([
    ...singles(spec.singles),
    ...spec.cases.map((c, i) => {
      const partDomains = c.moved && c.moved.part < c.parts.length ? Object.assign([], { [c.moved.part]: c.moved.domain }) : [];
      return caseOf(`case-${i}`, c.domain, [...c.parts], partDomains);
    }),
    ...(spec.extra ? nonExam() : []),
  ]);
}

/** Whether some set of drawable cases plus single items fills every domain's quota exactly (brute force). */
function feasible(bank: ReturnType<typeof build>, mode: ExamMode): boolean {
  const quotas = domainQuotas(mode === 'full' ? 65 : 15);
  const ok = bank.filter((q) => notExamReason(q) === null);
  const singleCount = new Map<number, number>();
  const cases: Array<Map<number, number>> = [];
  for (const q of ok) {
    if (q.type !== 'case') singleCount.set(q.domain, (singleCount.get(q.domain) ?? 0) + 1);
    else {
      const m = new Map<number, number>();
      for (const p of q.questions) m.set(p.domain ?? q.domain, (m.get(p.domain ?? q.domain) ?? 0) + 1);
      cases.push(m);
    }
  }
  for (let mask = 0; mask < 1 << cases.length; mask++) {
    const used = new Map<number, number>();
    cases.forEach((m, i) => {
      if (mask & (1 << i)) for (const [d, n] of m) used.set(d, (used.get(d) ?? 0) + n);
    });
    if ([...quotas].every(([d, n]) => (used.get(d) ?? 0) <= n && n - (used.get(d) ?? 0) <= (singleCount.get(d) ?? 0))) return true;
  }
  return false;
}

function checkDraw(bank: ReturnType<typeof build>, mode: ExamMode, seed: number) {
  const quotas = domainQuotas(mode === 'full' ? 65 : 15);
  const byId = new Map(bank.map((q) => [q.id, q]));
  const plan = planExam(bank, mode, seed);
  const perDomain = new Map<number, number>();
  for (const d of plan.draws) {
    const q = byId.get(d.question)!;
    expect(notExamReason(q)).toBeNull();
    for (const p of d.parts) {
      expect(['single', 'multi', 'order', 'match']).toContain(p.type);
      perDomain.set(p.domain, (perDomain.get(p.domain) ?? 0) + 1);
    }
  }
  expect(plan.draws.reduce((s, d) => s + d.items.length, 0)).toBe(mode === 'full' ? 65 : 15);
  expect(Object.fromEntries(perDomain)).toEqual(Object.fromEntries([...quotas].filter(([, n]) => n > 0)));
  expect(new Set(plan.draws.map((d) => d.question)).size).toBe(plan.draws.length);
  return plan;
}

describe('mock exam draw (property)', () => {
  it('short: exact when the bank allows it, ExamDrawError exactly when it does not; same seed, same draw', () => {
    const outcomes = { drawn: 0, refused: 0 };
    fc.assert(
      fc.property(bankArb(0, 6), fc.nat(), (spec, seed) => {
        const bank = build(spec);
        const ok = feasible(bank, 'short');
        outcomes[ok ? 'drawn' : 'refused']++;
        if (ok) {
          const plan = checkDraw(bank, 'short', seed);
          expect(planExam([...bank].reverse(), 'short', seed).draws).toEqual(plan.draws); // bank order does not matter
        } else expect(() => planExam(bank, 'short', seed)).toThrow(ExamDrawError);
      }),
      fuzzParams(150),
    );
    // The generator must exercise both sides (otherwise the property proves little).
    expect(outcomes.drawn).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(10);
  });

  it('full: exactly 65 items, 13/16/18/9/9, for random banks that can supply it', () => {
    let drawn = 0;
    fc.assert(
      fc.property(bankArb(6, 26), fc.nat(), (spec, seed) => {
        const bank = build(spec);
        if (feasible(bank, 'full')) {
          checkDraw(bank, 'full', seed);
          drawn++;
        } else expect(() => planExam(bank, 'full', seed)).toThrow(/cannot supply a full mock exam of 65 scored items/);
      }),
      fuzzParams(60),
    );
    expect(drawn).toBeGreaterThan(3);
  });

  it('a second mock shares no question with the first while the bank has unseen ones in every domain', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 5, maxLength: 5 }), fc.nat(), fc.nat(), (spare, s1, s2) => {
        // Each domain has twice its short quota plus some spare, as single items.
        const quotas = [...domainQuotas(15).values()];
        const bank = build({ singles: quotas.map((n, i) => 2 * n + spare[i]!), cases: [], extra: true });
        const first = planExam(bank, 'short', s1);
        const seen = new Map(first.draws.map((d) => [d.question, 1]));
        const second = planExam(bank, 'short', s2, { seen });
        expect(second.draws.filter((d) => seen.has(d.question))).toEqual([]);
        expect(second.repeats).toBe(0);
      }),
      fuzzParams(100),
    );
  });
});
