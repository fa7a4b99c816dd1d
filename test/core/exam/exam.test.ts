import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/store/index.js';
import {
  allocateDraws,
  DOMAINS,
  domainQuotas,
  ExamDrawError,
  notExamReason,
  planExam,
  seenInAttempts,
} from '../../../src/core/exam/blueprint.js';
import { byTask, scaledScore } from '../../../src/core/exam/score.js';
import { examHistory, ExamInProgressError, ExamTimeUpError, resumeExam, startExam } from '../../../src/core/exam/session.js';
import { rng } from '../../../src/core/quiz/random.js';
import { tempHome } from '../store/helpers.js';
import { caseOf, nonExam, ofType, parse, shortExactBank, single, singles } from './bank.js';

const weights = new Map<number, number>(DOMAINS.map((d) => [d.domain, d.weight]));
const plenty = new Map([1, 2, 3, 4, 5].map((d) => [d, 100]));
const T0 = 1_760_000_000_000;
const MIN = 60_000;
const NON_EXAM = ['x-tf', 'x-numeric', 'x-cloze', 'x-off', 'x-mixed-case', 'x-off-case'];

const itemsPerDomain = (plan: ReturnType<typeof planExam>) => {
  const m: Record<number, number> = {};
  for (const d of plan.draws) for (const p of d.parts) m[p.domain] = (m[p.domain] ?? 0) + 1;
  return m;
};

describe('domain quotas', () => {
  it('65 items split 13/16/18/9/9 and 15 split 3/4/4/2/2 by the AIF-C01 weights', () => {
    expect(Object.fromEntries(domainQuotas(65))).toEqual({ 1: 13, 2: 16, 3: 18, 4: 9, 5: 9 });
    expect(Object.fromEntries(domainQuotas(15))).toEqual({ 1: 3, 2: 4, 3: 4, 4: 2, 5: 2 });
    for (let n = 0; n <= 200; n++) expect([...domainQuotas(n).values()].reduce((s, x) => s + x, 0)).toBe(n);
  });
  it('allocateDraws (best effort) still renormalises over covered domains and sums to what exists', () => {
    expect([...allocateDraws(65, weights, plenty, rng(1)).values()]).toEqual([13, 16, 18, 9, 9]);
    const r = rng('shapes');
    for (let i = 0; i < 100; i++) {
      const available = new Map([1, 2, 3, 4, 5].map((d) => [d, Math.floor(r() * 30)]));
      const total = 1 + Math.floor(r() * 70);
      const a = allocateDraws(total, weights, available, rng(i));
      const have = [...available.values()].reduce((s, n) => s + n, 0);
      expect([...a.values()].reduce((s, n) => s + n, 0)).toBe(Math.min(total, have));
    }
  });
});

describe('which questions a mock may draw', () => {
  it('only single, multi, order, match and case; never exam: false; a case only when every part is an exam type', () => {
    const reasons = Object.fromEntries(parse(nonExam()).map((q) => [q.id, notExamReason(q)]));
    expect(reasons).toEqual({
      'x-tf': 'a truefalse question (not an exam item type)',
      'x-numeric': 'a numeric question (not an exam item type)',
      'x-cloze': 'a cloze question (not an exam item type)',
      'x-off': 'marked exam: false',
      'x-mixed-case': 'case part x-mixed-case-p1 is a truefalse question',
      'x-off-case': 'marked exam: false',
    });
    const ok = parse([
      single('a', 1),
      ofType('b', 1, 'multi'),
      ofType('c', 1, 'order'),
      ofType('d', 1, 'match'),
      caseOf('e', 1, ['single', 'order']),
    ]);
    expect(ok.map(notExamReason)).toEqual([null, null, null, null, null]);
    const withOffPart = caseOf('f', 1, ['single', 'single']);
    (withOffPart.questions as Array<Record<string, unknown>>)[1]!.exam = false;
    expect(notExamReason(parse([withOffPart])[0]!)).toBe('case part f-p1 is marked exam: false');
  });
});

describe('exam plan', () => {
  it('full: exactly 65 scored items, 13/16/18/9/9, 90 minutes, seeded and mixed', () => {
    const bank = parse([
      ...singles([30, 30, 30, 30, 30]),
      caseOf('c1', 3, ['single', 'multi', 'match']),
      caseOf('c2', 2, ['order', 'single']),
      ...nonExam(),
    ]);
    const plan = planExam(bank, 'full', 7);
    expect(plan.itemCount).toBe(65);
    expect(plan.draws.reduce((s, d) => s + d.items.length, 0)).toBe(65);
    expect(itemsPerDomain(plan)).toEqual({ 1: 13, 2: 16, 3: 18, 4: 9, 5: 9 });
    expect(plan.durationMs).toBe(90 * MIN);
    expect(plan.draws.some((d) => NON_EXAM.includes(d.question))).toBe(false);
    expect(planExam(bank, 'full', 7).draws).toEqual(plan.draws);
    expect(planExam(bank, 'full', 8).draws).not.toEqual(plan.draws);
    expect(plan.draws.slice(0, 13).every((d) => d.domain === plan.draws[0]!.domain)).toBe(false);
  });

  it('short: exactly 15 scored items with a case counted by its parts (today 17-20 were possible)', () => {
    const bank = parse([
      ...singles([10, 10, 10, 10, 10]),
      caseOf('c3', 3, ['single', 'single', 'single']),
      caseOf('c2', 2, ['single', 'match']),
    ]);
    for (let seed = 0; seed < 50; seed++) {
      const plan = planExam(bank, 'short', seed);
      expect(plan.draws.reduce((s, d) => s + d.items.length, 0)).toBe(15);
      expect(itemsPerDomain(plan)).toEqual({ 1: 3, 2: 4, 3: 4, 4: 2, 5: 2 });
      expect(plan.durationMs).toBe(20 * MIN);
    }
  });

  it('counts a case part in its own domain when it sets one', () => {
    const bank = parse([...singles([5, 5, 5, 5, 5]), caseOf('mixed', 3, ['single', 'single'], [undefined, 4])]);
    const withCase = [...Array(40).keys()].map((s) => planExam(bank, 'short', s)).find((p) => p.draws.some((d) => d.question === 'mixed'));
    expect(withCase).toBeDefined();
    expect(itemsPerDomain(withCase!)).toEqual({ 1: 3, 2: 4, 3: 4, 4: 2, 5: 2 });
    const parts = withCase!.draws.find((d) => d.question === 'mixed')!.parts;
    expect(parts.map((p) => [p.domain, p.task])).toEqual([
      [3, '3.1'],
      [4, '4.2'],
    ]);
  });

  it('uses cases when single items alone cannot fill a domain', () => {
    // D3 needs 4 items and has 1 single: the 3-part case fills it (1 + 3); the 2-part one cannot (1 + 2 ≠ 4).
    const bank = parse([
      ...singles([3, 4, 1, 2, 2]),
      caseOf('big', 3, ['single', 'multi', 'order']),
      caseOf('two', 3, ['single', 'single']),
    ]);
    const plan = planExam(bank, 'short', 3);
    expect(itemsPerDomain(plan)).toEqual({ 1: 3, 2: 4, 3: 4, 4: 2, 5: 2 });
    expect(plan.draws.map((d) => d.question)).toContain('big');
    expect(plan.draws.map((d) => d.question)).not.toContain('two');
  });

  it('fails with a clear message naming the short domain instead of giving a shorter exam', () => {
    const small = parse([...singles([3, 4, 4, 1, 2]), ...nonExam()]);
    let err: unknown;
    try {
      planExam(small, 'short', 1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ExamDrawError);
    expect((err as Error).message).toBe(
      'the question bank cannot supply a short mock exam of 15 scored items: domain 4 needs 2 items and has 1',
    );
    expect((err as ExamDrawError).hint).toContain('exam: false');
    // Enough items but no exact combination: D3 needs 4, has two 3-part cases and nothing else.
    const odd = parse([
      ...singles([3, 4, 0, 2, 2]),
      caseOf('c1', 3, ['single', 'single', 'single']),
      caseOf('c2', 3, ['single', 'single', 'single']),
    ]);
    expect(() => planExam(odd, 'short', 1)).toThrow(/no combination of its case studies and single items fills every domain exactly/);
  });

  it('draws what was not seen in earlier mocks first, then the least recently seen', () => {
    const bank = parse(singles([6, 8, 8, 4, 4]));
    const first = planExam(bank, 'short', 1);
    const firstIds = first.draws.map((d) => d.question);
    const seen1 = new Map(firstIds.map((id) => [id, T0]));
    const second = planExam(bank, 'short', 2, { seen: seen1 });
    const secondIds = second.draws.map((d) => d.question);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
    expect(second.repeats).toBe(0);
    // Everything seen now: the older first mock comes back before the newer second one.
    const seen2 = new Map([...seen1, ...secondIds.map((id) => [id, T0 + MIN] as const)]);
    const third = planExam(bank, 'short', 3, { seen: seen2 });
    expect(third.draws.map((d) => d.question).sort()).toEqual([...firstIds].sort());
    expect(third.repeats).toBe(15);
    expect(third.notes.join(' ')).toContain('least recently seen');
  });

  it('seenInAttempts keeps the latest time each question was in a mock', () => {
    const seen = seenInAttempts([
      { submittedAt: 10, items: [{ question: 'a' }, { question: 'c' }, { question: 'c' }] },
      { submittedAt: 20, items: [{ question: 'a' }, { question: 'b' }] },
    ]);
    expect(Object.fromEntries(seen)).toEqual({ a: 20, b: 20, c: 10 });
  });
});

describe('scores', () => {
  it('scaled score: 0 → 100, the assumed 70 % cut → 700, 100 % → 1000, rounding down', () => {
    expect(scaledScore(0, 65)).toBe(100);
    expect(scaledScore(65, 65)).toBe(1000);
    expect(scaledScore(7, 10)).toBe(700);
    expect(scaledScore(45, 65)).toBe(693);
    expect(scaledScore(46, 65)).toBe(707);
    expect(scaledScore(0, 0)).toBe(100);
  });
  it('by task: weakest first, then more items, then task number; items without a task left out', () => {
    const items = [
      { task: '3.2', correct: true },
      { task: '3.2', correct: false },
      { task: '1.1', correct: true },
      { task: '4.1', correct: false },
      { task: '2.1', correct: false },
      { task: '2.1', correct: false },
      { correct: false },
    ];
    expect(byTask(items)).toEqual([
      { task: '2.1', correct: 0, total: 2 },
      { task: '4.1', correct: 0, total: 1 },
      { task: '3.2', correct: 1, total: 2 },
      { task: '1.1', correct: 1, total: 1 },
    ]);
  });
});

describe('exam session', () => {
  const bank = shortExactBank();
  const byId = new Map(bank.map((q) => [q.id, q]));
  function begin(home = tempHome('exam')) {
    const store = openStore({ home });
    const exam = startExam(store, bank, { mode: 'short', seed: 3, now: T0 });
    return { store, exam };
  }

  it('a short exam has 15 items: every exam item of the bank, a case as one draw with one item per part', () => {
    const { exam } = begin();
    expect(exam.items).toHaveLength(15);
    expect(exam.items.some((i) => NON_EXAM.includes(i.parent?.id ?? i.question.id))).toBe(false);
    const caseItems = exam.items.filter((i) => i.parent?.id === 'e-case');
    expect(caseItems.map((i) => [i.key, i.part, i.parts, i.task])).toEqual([
      ['e-case/e-case-p0', 0, 3, '3.1'],
      ['e-case/e-case-p1', 1, 3, '3.1'],
      ['e-case/e-case-p2', 2, 3, '3.1'],
    ]);
    expect(new Set(caseItems.map((i) => i.draw)).size).toBe(1);
    expect(exam.durationMs).toBe(20 * MIN);
  });

  it('answers, flags and position survive a quit (fresh store), layouts stay the same', () => {
    const { store, exam } = begin();
    const target = exam.items.find((i) => i.key === 'e-single')!;
    exam.answer('e-single', { type: 'single', choice: 1 }, T0 + MIN);
    exam.toggleFlag('e-order', T0 + MIN);
    exam.goTo(target.index, T0 + MIN);
    const layout = exam.layout(target);
    const r = resumeExam(openStore({ home: store.home }), byId, T0 + 2 * MIN);
    if (r.status !== 'in-progress') throw new Error(`expected an exam in progress, got ${r.status}`);
    const back = r.session;
    expect(back.answerOf('e-single')).toEqual({ type: 'single', choice: 1 });
    expect(back.isFlagged('e-order')).toBe(true);
    expect(back.current).toBe(target.index);
    expect(back.layout(back.items[target.index]!)).toEqual(layout);
    expect(() => startExam(store, bank, { now: T0 })).toThrow(ExamInProgressError);
  });

  it('scores each item with its task; the attempt has a per-task breakdown, weakest first', () => {
    const { store, exam } = begin();
    const t = T0 + MIN;
    exam.answer('e-single', { type: 'single', choice: 0 }, t); // right (1.1)
    exam.answer('e-multi', { type: 'multi', choices: [0] }, t); // wrong (2.1)
    exam.answer('e-case/e-case-p0', { type: 'single', choice: 0 }, t); // right (3.1)
    exam.answer('e-case/e-case-p1', { type: 'match', rights: [1, 0, 2] }, t); // wrong (3.1)
    const attempt = exam.submit(T0 + 5 * MIN);
    expect(attempt.total).toBe(15);
    expect(attempt.correct).toBe(2);
    expect(attempt.items.find((i) => i.key === 'e-case/e-case-p1')).toMatchObject({ question: 'e-case', task: '3.1', correct: false });
    expect(attempt.byTask).toEqual([
      { task: '2.1', correct: 0, total: 4 },
      { task: '4.1', correct: 0, total: 2 },
      { task: '5.1', correct: 0, total: 2 },
      { task: '3.1', correct: 1, total: 4 },
      { task: '1.1', correct: 1, total: 3 },
    ]);
    expect(attempt.byDomain.find((d) => d.domain === 3)).toEqual({ domain: 3, correct: 1, total: 4 });
    expect(examHistory(openStore({ home: store.home })).map((a) => a.id)).toEqual([attempt.id]);
  });

  it('a next mock avoids the questions of the last one while unseen ones remain (read from the store)', () => {
    const bank2 = parse(singles([6, 8, 8, 4, 4]));
    const store = openStore({ home: tempHome('exam') });
    const a = startExam(store, bank2, { mode: 'short', seed: 1, now: T0 });
    const firstIds = new Set(a.items.map((i) => i.key));
    a.submit(T0 + MIN);
    const b = startExam(openStore({ home: store.home }), bank2, { mode: 'short', seed: 1, now: T0 + 2 * MIN });
    expect(b.items.filter((i) => firstIds.has(i.key))).toEqual([]);
    b.submit(T0 + 3 * MIN);
    // The same seed without avoidance repeats the first draw.
    const c = startExam(store, bank2, { mode: 'short', seed: 1, now: T0 + 4 * MIN, avoidSeen: false });
    expect(new Set(c.items.map((i) => i.key))).toEqual(firstIds);
  });

  it('refuses answers after the deadline and auto-submits on resume with what was saved', () => {
    const { store, exam } = begin();
    exam.answer('e-single', { type: 'single', choice: 0 }, T0 + MIN);
    const after = exam.deadline + 1;
    expect(() => exam.answer('e-order', { type: 'order', order: [0, 1, 2] }, after)).toThrow(ExamTimeUpError);
    const r = resumeExam(openStore({ home: store.home }), byId, after + 60 * MIN);
    if (r.status !== 'auto-submitted') throw new Error(`expected auto-submitted, got ${r.status}`);
    expect(r.attempt.submittedAt).toBe(exam.deadline);
    expect(r.attempt.correct).toBe(1);
    expect(resumeExam(openStore({ home: store.home }), byId, after).status).toBe('none');
  });

  it('questions deleted from the bank meanwhile are left out with a note; discard records nothing', () => {
    const { store, exam } = begin();
    const gone = 'e-single';
    const r = resumeExam(openStore({ home: store.home }), (id) => (id === gone ? undefined : byId.get(id)), T0 + 2);
    if (r.status !== 'in-progress') throw new Error('expected an exam in progress');
    const attempt = r.session.submit(T0 + 3);
    expect(attempt.total).toBe(14);
    expect(attempt.notes.join(' ')).toContain(gone);
    expect(existsSync(store.exams.currentPath)).toBe(false);
    const other = begin();
    other.exam.discard();
    expect(resumeExam(other.store, byId).status).toBe('none');
    expect(examHistory(other.store)).toEqual([]);
    expect(exam.id).not.toBe(other.exam.id);
  });
});
