// The course meets its coverage minimums (issue 3): enough lessons per module, questions per lesson and
// in total, every question type used, and a real share of exam-style scenarios; and issue 14's shape of
// an AIF-C01 bank: 600 questions, enough exam-type items per domain for four full mocks without
// repeats, every task statement asked, "choose three" items, case studies of 2-4 parts and no
// key-length cue.
import { describe, expect, it } from 'vitest';
import { EXAM_TASKS } from '../../src/core/content/schema.js';
import { keyIsUniquelyLongest } from '../../src/core/content/quality.js';
import type { Question } from '../../src/core/content/schema.js';
import { drawItems, notExamReason } from '../../src/core/exam/blueprint.js';
import { loadBanks, loadLessons, loadModules, type QuestionLike } from './load.js';

const TYPES = ['single', 'multi', 'truefalse', 'order', 'match', 'cloze', 'numeric', 'case'];
const MIN_TOTAL = 600;
const MIN_PER_LESSON = 8;
const MIN_LESSONS_PER_MODULE = 3;
const MIN_SCENARIO_SHARE = 1 / 3;
const MIN_MODULES = 8;
/** Items per domain in a full 65-item mock (AIF-C01 weights 20/24/28/14/14 %). */
const BLUEPRINT: Record<number, number> = { 1: 13, 2: 16, 3: 18, 4: 9, 5: 9 };

/** Four full mocks without repeats, per domain (issue 14). */
const MOCKS = 4;
const MIN_EXAM_ITEMS: Record<number, number> = { 1: 52, 2: 64, 3: 72, 4: 36, 5: 36 };
const MIN_PER_TASK = 12;
const MIN_CHOOSE_THREE = 6;
const MAX_KEY_LONGEST = 0.3;

const modules = loadModules();
const lessons = loadLessons();
const banks = loadBanks();
// A case question counts once, however many sub-questions it has.
const questions = banks.flatMap((b) => b.questions);
/** Gradable items: non-case questions and case parts, with the case's domain and exam flag inherited. */
const allItems: QuestionLike[] = questions.flatMap((q) =>
  q.type === 'case' ? q.questions!.map((p) => ({ ...p, domain: p.domain ?? q.domain, exam: q.exam === false ? false : p.exam })) : [q],
);
/**
 * Scored items a mock can draw, by the mock's own rule (src/core/exam): a case counts with all its parts only
 * when every part is an exam type, since the mock never draws part of a case.
 */
const examItems = questions
  .filter((q) => notExamReason(q as unknown as Question) === null)
  .flatMap((q) => drawItems(q as unknown as Question));

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

  it.each(Object.entries(BLUEPRINT).map(([d, n]) => [Number(d), n] as const))(
    'domain %i has enough exam-type items for four full mock exams without repeats',
    (domain, perMock) => {
      // Issue 14's minimums: 52, 64, 72, 36, 36 = four mocks of the blueprint's 13/16/18/9/9 items.
      expect(Object.values(BLUEPRINT).reduce((a, b) => a + b)).toBe(65);
      expect(MOCKS * perMock).toBe(MIN_EXAM_ITEMS[domain]);
      expect(examItems.filter((i) => i.domain === domain).length).toBeGreaterThanOrEqual(MIN_EXAM_ITEMS[domain]!);
    },
  );

  it('every question names an AIF-C01 task statement of its own domain', () => {
    const bad = questions.filter((q) => typeof q.task !== 'string' || !(q.task in EXAM_TASKS) || q.task.split('.')[0] !== String(q.domain));
    expect(bad.map((q) => `${q.id}: task ${String(q.task)}, domain ${String(q.domain)}`)).toEqual([]);
  });

  it.each(Object.keys(EXAM_TASKS).map((t) => [t] as const))(`task %s has at least ${MIN_PER_TASK} questions`, (task) => {
    expect(questions.filter((q) => q.task === task).length).toBeGreaterThanOrEqual(MIN_PER_TASK);
  });

  it('multiple-response items include "Choose three"', () => {
    const three = allItems.filter((q) => q.type === 'multi' && (q.answers as unknown[]).length === 3);
    expect(three.length).toBeGreaterThanOrEqual(MIN_CHOOSE_THREE);
    // The prompt says how many to choose, as the exam does.
    expect(three.filter((q) => !/choose three/i.test(String(q.prompt))).map((q) => q.id)).toEqual([]);
  });

  it('case studies have 2 to 4 parts', () => {
    const off = questions.filter((q) => q.type === 'case' && !(q.questions!.length >= 2 && q.questions!.length <= 4));
    expect(off.map((q) => `${q.id}: ${q.questions!.length} parts`)).toEqual([]);
  });

  it(`the key is the uniquely longest option in at most ${MAX_KEY_LONGEST * 100} % of single-choice items`, () => {
    const singles = allItems.filter((q) => q.type === 'single') as unknown as Array<{ choices: string[]; answer: number }>;
    const cued = singles.filter(keyIsUniquelyLongest).length;
    expect(singles.length).toBeGreaterThan(0);
    expect(cued / singles.length).toBeLessThanOrEqual(MAX_KEY_LONGEST);
  });

  it('every question cites sources', () => {
    expect(questions.filter((q) => !Array.isArray(q.sources) || q.sources.length === 0).map((q) => q.id)).toEqual([]);
  });

  it('every question cites its own lesson, so feedback can name it and o can open it', () => {
    const cites = (q: QuestionLike) =>
      ((q.sources as string[] | undefined) ?? []).some((s) => s === q.lesson || s.startsWith(`${q.lesson}#`));
    expect(questions.filter((q) => !cites(q)).map((q) => q.id)).toEqual([]);
  });

  it('no explanation ends with a lesson pointer (feedback adds its own "Lesson: … (press o to open it)" line)', () => {
    const all = questions.flatMap((q) => [q, ...(q.questions ?? [])]);
    const pointer = /(?:^|[.!?)"]\s+)Lessons?\b:?\s[^]*$/;
    expect(all.filter((q) => pointer.test(String(q.explanation ?? '').trim())).map((q) => q.id)).toEqual([]);
  });

  it('every question points at an existing lesson', () => {
    const ids = new Set(lessons.map((l) => l.id));
    expect(questions.filter((q) => !ids.has(String(q.lesson))).map((q) => q.id)).toEqual([]);
  });
});
