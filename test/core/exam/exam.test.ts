import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/store/index.js';
import { allocateDraws, DOMAINS, planExam } from '../../../src/core/exam/blueprint.js';
import { scaledScore } from '../../../src/core/exam/score.js';
import { examHistory, ExamInProgressError, ExamTimeUpError, resumeExam, startExam } from '../../../src/core/exam/session.js';
import { rng } from '../../../src/core/quiz/random.js';
import { bank, byId, generatedBank } from '../quiz/fixtures.js';
import { tempHome } from '../store/helpers.js';

const weights = new Map<number, number>(DOMAINS.map((d) => [d.domain, d.weight]));
const plenty = new Map([1, 2, 3, 4, 5].map((d) => [d, 100]));
const T0 = 1_760_000_000_000;
const MIN = 60_000;

describe('domain allocation (largest remainder)', () => {
  it('splits 65 draws 13/16/18/9/9 over all five domains', () => {
    expect([...allocateDraws(65, weights, plenty, rng(1)).values()]).toEqual([13, 16, 18, 9, 9]);
  });
  it('renormalises over the covered domains only', () => {
    const only13 = new Map([
      [1, 100],
      [3, 100],
    ]);
    const a = allocateDraws(65, weights, only13, rng(1));
    expect(Object.fromEntries(a)).toEqual({ 1: 27, 2: 0, 3: 38, 4: 0, 5: 0 });
  });
  it('caps a domain at what it has and hands the surplus to the others', () => {
    const a = allocateDraws(65, weights, new Map([...plenty, [3, 5]]), rng(1));
    expect(a.get(3)).toBe(5);
    expect([...a.values()].reduce((s, n) => s + n, 0)).toBe(65);
    expect(a.get(2)!).toBeGreaterThan(a.get(1)!);
  });
  it('takes the whole bank when it is smaller than the exam', () => {
    const a = allocateDraws(
      65,
      weights,
      new Map([
        [1, 3],
        [2, 4],
      ]),
      rng(1),
    );
    expect(Object.fromEntries(a)).toMatchObject({ 1: 3, 2: 4 });
  });
  it('always sums to the requested total for many seeds and bank shapes', () => {
    const r = rng('shapes');
    for (let i = 0; i < 200; i++) {
      const available = new Map([1, 2, 3, 4, 5].map((d) => [d, Math.floor(r() * 30)]));
      const total = 1 + Math.floor(r() * 70);
      const a = allocateDraws(total, weights, available, rng(i));
      const have = [...available.values()].reduce((s, n) => s + n, 0);
      expect([...a.values()].reduce((s, n) => s + n, 0)).toBe(Math.min(total, have));
      for (const [d, n] of a) expect(n).toBeLessThanOrEqual(available.get(d)!);
    }
  });
  it('breaks remainder ties by the seed, reproducibly', () => {
    const even = new Map([1, 2, 3, 4, 5].map((d) => [d, 1]));
    const ties = new Map([
      [1, 10],
      [2, 10],
      [3, 10],
    ]);
    const results = new Set<string>();
    for (let s = 0; s < 20; s++) results.add(JSON.stringify([...allocateDraws(2, even, ties, rng(s))]));
    expect(results.size).toBeGreaterThan(1);
    expect(JSON.stringify([...allocateDraws(2, even, ties, rng(5))])).toBe(JSON.stringify([...allocateDraws(2, even, ties, rng(5))]));
  });
});

describe('exam plan', () => {
  it('draws 65 questions by domain weight in 90 minutes, seeded', () => {
    const big = generatedBank(400);
    const plan = planExam(big, 'full', 7);
    expect(plan.draws).toHaveLength(65);
    expect(plan.durationMs).toBe(90 * MIN);
    const perDomain = new Map<number, number>();
    for (const d of plan.draws) perDomain.set(d.domain, (perDomain.get(d.domain) ?? 0) + 1);
    expect(Object.fromEntries(perDomain)).toEqual({ 1: 13, 2: 16, 3: 18, 4: 9, 5: 9 });
    expect(new Set(plan.draws.map((d) => d.question)).size).toBe(65);
    expect(planExam(big, 'full', 7).draws).toEqual(plan.draws);
    expect(planExam(big, 'full', 8).draws).not.toEqual(plan.draws);
    // Domains are mixed, not in blocks.
    expect(plan.draws.slice(0, 13).every((d) => d.domain === plan.draws[0]!.domain)).toBe(false);
  });
  it('short mode: 15 questions in 20 minutes', () => {
    const plan = planExam(generatedBank(400), 'short', 1);
    expect(plan.draws).toHaveLength(15);
    expect(plan.durationMs).toBe(20 * MIN);
  });
  it('a small bank gives a shorter exam with proportional time and says so', () => {
    const plan = planExam(bank, 'short', 1);
    expect(plan.draws).toHaveLength(bank.length);
    expect(plan.durationMs).toBe(Math.round((20 * bank.length) / 15) * MIN);
    expect(plan.notes.join(' ')).toContain(`only ${bank.length} questions`);
    const caseDraw = plan.draws.find((d) => d.question === 'q-case')!;
    expect(caseDraw.items).toEqual(['q-case/c1', 'q-case/c2', 'q-case/c3']);
  });
  it('notes which domains the bank does not cover', () => {
    expect(planExam(generatedBank(40, [1, 2]), 'short', 1).notes[0]).toContain('no questions for domains 3, 4, 5');
  });
});

describe('scaled score (estimate)', () => {
  it('maps 0 → 100, the assumed 70 % cut → 700, 100 % → 1000, rounding down', () => {
    expect(scaledScore(0, 65)).toBe(100);
    expect(scaledScore(65, 65)).toBe(1000);
    expect(scaledScore(7, 10)).toBe(700);
    expect(scaledScore(45, 65)).toBe(693); // 69.2 % stays below the pass mark
    expect(scaledScore(46, 65)).toBe(707); // 70.8 %: 700 + 300 · 0.0077 / 0.3
    expect(scaledScore(1, 2)).toBe(528);
    expect(scaledScore(0, 0)).toBe(100);
  });
});

describe('exam session', () => {
  function begin() {
    const store = openStore({ home: tempHome('exam') });
    const exam = startExam(store, bank, { mode: 'short', seed: 3, now: T0 });
    return { store, exam };
  }

  it('a case question is one draw with one item per sub-question', () => {
    const { exam } = begin();
    expect(exam.drawCount).toBe(bank.length);
    expect(exam.items).toHaveLength(bank.length - 1 + 3);
    const caseItems = exam.items.filter((i) => i.parent?.id === 'q-case');
    expect(caseItems.map((i) => [i.key, i.part, i.parts])).toEqual([
      ['q-case/c1', 0, 3],
      ['q-case/c2', 1, 3],
      ['q-case/c3', 2, 3],
    ]);
    expect(new Set(caseItems.map((i) => i.draw)).size).toBe(1);
  });

  it('answers, flags and position survive a quit (fresh store), layouts stay the same', () => {
    const { store, exam } = begin();
    const single = exam.items.find((i) => i.key === 'q-single')!;
    exam.answer('q-single', { type: 'single', choice: 1 }, T0 + MIN);
    exam.toggleFlag('q-order', T0 + MIN);
    exam.goTo(single.index, T0 + MIN);
    const layout = exam.layout(single);

    const r = resumeExam(openStore({ home: store.home }), byId, T0 + 2 * MIN);
    expect(r.status).toBe('in-progress');
    if (r.status !== 'in-progress') return;
    const back = r.session;
    expect(back.answerOf('q-single')).toEqual({ type: 'single', choice: 1 });
    expect(back.isFlagged('q-order')).toBe(true);
    expect(back.current).toBe(single.index);
    expect(back.layout(back.items[single.index]!)).toEqual(layout);
    expect(back.remainingMs(T0 + 2 * MIN)).toBe(back.durationMs - 2 * MIN);
    expect(back.blanks().map((i) => i.key)).not.toContain('q-single');
    expect(() => startExam(store, bank, { now: T0 })).toThrow(ExamInProgressError);
  });

  it('scores each item, matching all-or-nothing and case sub-questions on their own', () => {
    const { store, exam } = begin();
    const t = T0 + MIN;
    exam.answer('q-single', { type: 'single', choice: 1 }, t); // right
    exam.answer('q-multi', { type: 'multi', choices: [0] }, t); // wrong: one missing
    exam.answer('q-match', { type: 'match', rights: [0, 2, 1] }, t); // wrong: two pairs swapped
    exam.answer('q-case/c1', { type: 'single', choice: 0 }, t); // right
    exam.answer('q-case/c2', { type: 'truefalse', value: true }, t); // wrong
    exam.answer('q-case/c3', { type: 'match', rights: [0, 1, 2] }, t); // right
    exam.answer('q-cloze', { type: 'cloze', text: 'Rank R' }, t); // right
    const attempt = exam.submit(T0 + 5 * MIN);
    expect(attempt.total).toBe(11);
    expect(attempt.correct).toBe(4);
    expect(attempt.items.find((i) => i.key === 'q-case/c2')).toMatchObject({
      question: 'q-case',
      sub: 'c2',
      correct: false,
      answered: true,
    });
    expect(attempt.items.find((i) => i.key === 'q-tf')).toMatchObject({ answered: false, correct: false });
    expect(attempt.scaled).toBe(scaledScore(4, 11));
    expect(attempt.passed).toBe(false);
    expect(attempt.autoSubmitted).toBe(false);
    const d3 = attempt.byDomain.find((d) => d.domain === 3)!;
    expect(d3).toEqual({ domain: 3, correct: 2, total: 6 });
    expect(store.exams.current()).toBeUndefined();
    expect(examHistory(openStore({ home: store.home })).map((a) => a.id)).toEqual([attempt.id]);
  });

  it('refuses answers after the deadline and auto-submits on resume with what was saved', () => {
    const { store, exam } = begin();
    exam.answer('q-tf', { type: 'truefalse', value: true }, T0 + MIN);
    const after = exam.deadline + 1;
    expect(() => exam.answer('q-single', { type: 'single', choice: 1 }, after)).toThrow(ExamTimeUpError);
    const r = resumeExam(openStore({ home: store.home }), byId, after + 60 * MIN);
    expect(r.status).toBe('auto-submitted');
    if (r.status !== 'auto-submitted') return;
    expect(r.attempt.autoSubmitted).toBe(true);
    expect(r.attempt.submittedAt).toBe(exam.deadline);
    expect(r.attempt.correct).toBe(1);
    expect(resumeExam(openStore({ home: store.home }), byId, after).status).toBe('none');
  });

  it('a perfect exam passes with 1000; questions deleted from the bank meanwhile are left out with a note', () => {
    const store = openStore({ home: tempHome('exam') });
    const small = generatedBank(20);
    const exam = startExam(store, small, { mode: 'short', seed: 9, now: T0 });
    for (const item of exam.items) exam.answer(item.key, { type: 'single', choice: 0 }, T0 + 1);
    const gone = exam.items[0]!.key;
    const r = resumeExam(openStore({ home: store.home }), (id) => (id === gone ? undefined : small.find((q) => q.id === id)), T0 + 2);
    if (r.status !== 'in-progress') throw new Error('expected an exam in progress');
    const attempt = r.session.submit(T0 + 3);
    expect(attempt.total).toBe(14);
    expect(attempt.scaled).toBe(1000);
    expect(attempt.passed).toBe(true);
    expect(attempt.notes.join(' ')).toContain(gone);
    expect(existsSync(store.exams.currentPath)).toBe(false);
  });

  it('discard forgets the exam without recording an attempt', () => {
    const { store, exam } = begin();
    exam.discard();
    expect(resumeExam(store, byId).status).toBe('none');
    expect(examHistory(store)).toEqual([]);
  });
});
