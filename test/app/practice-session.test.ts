// Honest ratings (issue 12, F-09/F-10): after a wrong answer Again is proposed and Good/Easy need a
// second press; undo before rating a card takes back that card's grading only and the wrong answer
// still counts; undo after rating brings the last rated card back.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppData, resetAppData, type AppData } from '../../src/app/app-data.js';
import { PracticeSession } from '../../src/app/practice-session.js';
import { writeFixtureCourse } from '../ui/fixtures.js';

let course: string;
let home: string;
let data: AppData;
let now = Date.UTC(2026, 0, 5, 12);
const clock = () => now;

beforeAll(() => {
  course = writeFixtureCourse();
});
afterAll(() => rmSync(course, { recursive: true, force: true }));
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ftlab-practice-session-'));
  resetAppData();
  data = openAppData({ contentRoot: course, home });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const reviews = () =>
  readFileSync(join(home, 'reviews.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.type === 'review');

function quiz() {
  // Every fixture question is true/false with answer true.
  return new PracticeSession({ kind: 'quiz', data, questions: data.content.questions.slice(0, 2), seed: 's', clock });
}

describe('honest ratings', () => {
  it('proposes Again after a wrong answer; Good and Easy need the same key twice', () => {
    const s = quiz();
    now += 5_000;
    s.submit({ type: 'truefalse', value: false });
    expect(s.pending?.proposed).toBe(1);
    expect(s.rate(3)).toBe('confirm');
    expect(s.phase).toBe('feedback');
    expect(s.notice).toMatch(/press 3 again/);
    expect(s.rate(4)).toBe('confirm'); // another high rating asks again
    expect(s.rate(2)).toBe('rated'); // Hard is one key away
    expect(reviews().map((e) => e.rating)).toEqual([2]);
    now += 5_000;
    s.submit({ type: 'truefalse', value: false });
    expect(s.rate(4)).toBe('confirm');
    expect(s.rate(4)).toBe('rated');
    expect(reviews().map((e) => e.rating)).toEqual([2, 4]);
  });

  it('a right answer takes Good or Easy with one key', () => {
    const s = quiz();
    now += 5_000;
    s.submit({ type: 'truefalse', value: true });
    expect(s.rate(3)).toBe('rated');
  });

  it('u before rating card N takes back N grading only: the earlier rating stays, the wrong answer still counts', () => {
    const s = quiz();
    now += 5_000;
    s.submit({ type: 'truefalse', value: true });
    s.rate(3);
    now += 5_000;
    s.submit({ type: 'truefalse', value: false }); // card 2 wrong
    expect(s.undo()).toBe(true);
    expect(s.phase).toBe('answer');
    expect(s.question?.id).toBe(data.content.questions[1]!.id);
    expect(s.draft).toEqual({ type: 'truefalse', value: false });
    expect(s.history).toHaveLength(1); // card 1's rating is untouched
    now += 2_000;
    s.submit({ type: 'truefalse', value: true }); // now right, but the first answer was wrong
    expect(s.pending?.proposed).toBe(1);
    expect(s.notice).toMatch(/first answer .* wrong/);
    expect(s.rate(3)).toBe('confirm');
    s.rate(1);
    expect(s.summary()).toMatchObject({ answered: 2, correct: 1 });
    expect(reviews().map((e) => e.rating)).toEqual([3, 1]);
  });

  it('u after rating brings the last rated card back to be rated again', () => {
    const s = quiz();
    now += 5_000;
    s.submit({ type: 'truefalse', value: true });
    s.rate(4);
    expect(s.phase).toBe('answer');
    expect(s.undo()).toBe(true);
    expect(s.phase).toBe('feedback');
    expect(s.pending?.question.id).toBe(data.content.questions[0]!.id);
    expect(s.notice).toMatch(/Undid Easy/);
  });
});
