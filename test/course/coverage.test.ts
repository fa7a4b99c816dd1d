// The course meets its coverage minimums (issue 3): enough lessons per module, questions per lesson and
// in total, every question type used, and a real share of exam-style scenarios.
import { describe, expect, it } from 'vitest';
import { loadBanks, loadLessons, loadModules } from './load.js';

const TYPES = ['single', 'multi', 'truefalse', 'order', 'match', 'cloze', 'numeric', 'case'];
const MIN_TOTAL = 320;
const MIN_PER_LESSON = 8;
const MIN_LESSONS_PER_MODULE = 3;
const MIN_SCENARIO_SHARE = 1 / 3;
const MIN_MODULES = 8;
/** AIF-C01 domain weights: a full mock exam draws 65 questions in these shares. */
const EXAM_QUESTIONS = 65;
const DOMAIN_WEIGHTS: Record<number, number> = { 1: 0.2, 2: 0.24, 3: 0.28, 4: 0.14, 5: 0.14 };

const modules = loadModules();
const lessons = loadLessons();
const banks = loadBanks();
// A case question counts once, however many sub-questions it has.
const questions = banks.flatMap((b) => b.questions);

describe('course coverage', () => {
  it(`has at least ${MIN_TOTAL} questions`, () => {
    expect(questions.length).toBeGreaterThanOrEqual(MIN_TOTAL);
  });

  it(`has at least ${MIN_MODULES} modules`, () => {
    expect(modules.length).toBeGreaterThanOrEqual(MIN_MODULES);
  });

  it.each(modules.map((m) => [m.id] as const))(`module %s has at least ${MIN_LESSONS_PER_MODULE} lessons`, (id) => {
    expect(lessons.filter((l) => l.module === id).length).toBeGreaterThanOrEqual(MIN_LESSONS_PER_MODULE);
  });

  it(`every lesson has at least ${MIN_PER_LESSON} questions`, () => {
    const short = lessons
      .map((l) => ({ id: l.id, n: questions.filter((q) => q.lesson === l.id).length }))
      .filter((x) => x.n < MIN_PER_LESSON)
      .map((x) => `${x.id}: ${x.n}`);
    expect(short).toEqual([]);
  });

  it('uses every question type', () => {
    const used = new Set(questions.map((q) => q.type));
    expect(TYPES.filter((t) => !used.has(t))).toEqual([]);
  });

  it.each(banks.map((b) => [b.module, b] as const))('bank %s uses every question type', (_m, bank) => {
    const used = new Set(bank.questions.map((q) => q.type));
    expect(TYPES.filter((t) => !used.has(t))).toEqual([]);
  });

  it('spreads difficulties', () => {
    const levels = new Set(questions.map((q) => q.difficulty));
    expect([...levels].sort()).toEqual(['easy', 'hard', 'medium']);
  });

  it(`marks at least a third of the questions as exam-style scenarios`, () => {
    const scenarios = questions.filter((q) => q.scenario === true).length;
    expect(scenarios / questions.length).toBeGreaterThanOrEqual(MIN_SCENARIO_SHARE);
  });

  it.each(Object.entries(DOMAIN_WEIGHTS).map(([d, w]) => [Number(d), w] as const))(
    'domain %i has enough questions for a full mock exam without repeats',
    (domain, weight) => {
      const available = questions.filter((q) => q.domain === domain).length;
      expect(available).toBeGreaterThanOrEqual(Math.ceil(EXAM_QUESTIONS * weight));
    },
  );

  it('every question cites sources', () => {
    expect(questions.filter((q) => !Array.isArray(q.sources) || q.sources.length === 0).map((q) => q.id)).toEqual([]);
  });

  it('every explanation names the lesson it teaches from', () => {
    const all = questions.flatMap((q) => [q, ...(q.questions ?? [])]);
    expect(all.filter((q) => !/lesson/i.test(String(q.explanation ?? ''))).map((q) => q.id)).toEqual([]);
  });

  it('every question points at an existing lesson', () => {
    const ids = new Set(lessons.map((l) => l.id));
    expect(questions.filter((q) => !ids.has(String(q.lesson))).map((q) => q.id)).toEqual([]);
  });
});
