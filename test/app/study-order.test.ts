// Review order (issue 12, F-01): new cards follow the course (module order, then lesson order), not the
// alphabetical order of the bank files; by default cards of lessons the learner has opened come first;
// `progress limits --new-order course` switches to the whole course in course order.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppData, resetAppData, studyOrder } from '../../src/app/app-data.js';
import { PracticeSession } from '../../src/app/practice-session.js';
import { runLimits } from '../../src/commands/progress.js';
import { FIXTURE_LESSONS, writeFixtureCourse } from '../ui/fixtures.js';

let course: string;
const homes: string[] = [];
const question = (id: string, lesson: string) => `- id: ${id}
  lesson: ${lesson}
  domain: 3
  task: "3.3"
  difficulty: easy
  type: truefalse
  prompt: "Statement ${id}."
  answer: true
  explanation: "Because."
`;

beforeAll(() => {
  course = writeFixtureCourse();
  // Bank files that sort before the first module's bank: the serving lesson (module 2) and lesson 2.
  writeFileSync(
    join(course, 'quizzes/a-serving.yaml'),
    question('serve-q1', FIXTURE_LESSONS.third) + question('serve-q2', FIXTURE_LESSONS.third),
  );
  writeFileSync(join(course, 'quizzes/m-alpha.yaml'), question('alpha-q1', FIXTURE_LESSONS.second));
});
afterEach(() => resetAppData());
afterAll(() => {
  rmSync(course, { recursive: true, force: true });
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function fresh() {
  const home = mkdtempSync(join(tmpdir(), 'ftlab-order-'));
  homes.push(home);
  resetAppData();
  return { home, data: openAppData({ contentRoot: course, home }) };
}

describe('new-card order', () => {
  it("a new learner's first cards follow the course, whatever the bank files' names", () => {
    const { data } = fresh();
    expect(data.content.questions[0]!.id).toBe('serve-q1'); // the banks load alphabetically
    expect(studyOrder(data)).toEqual(['rank-q1', 'rank-q2', 'rank-q3', 'alpha-q1', 'serve-q1', 'serve-q2']);
    const review = new PracticeSession({ kind: 'review', data, seed: 's' });
    expect(review.question?.id).toBe('rank-q1');
  });

  it('cards of opened lessons come first by default; --new-order course switches to the whole course', () => {
    const { home, data } = fresh();
    data.store.settings.setLessonPosition(FIXTURE_LESSONS.third, 0);
    expect(studyOrder(data)).toEqual(['serve-q1', 'serve-q2', 'rank-q1', 'rank-q2', 'rank-q3', 'alpha-q1']);
    expect(new PracticeSession({ kind: 'review', data, seed: 's' }).question?.id).toBe('serve-q1');
    const prev = process.env.FTLAB_HOME;
    process.env.FTLAB_HOME = home;
    try {
      runLimits({ newOrder: 'course', json: true });
      expect(() => runLimits({ newOrder: 'random' })).toThrow(/--new-order must be "opened-first" or "course" \(got "random"\)/);
    } finally {
      if (prev === undefined) delete process.env.FTLAB_HOME;
      else process.env.FTLAB_HOME = prev;
    }
    data.store.settings.get(); // re-read what the command wrote
    expect(data.store.settings.get().newCardOrder).toBe('course');
    expect(studyOrder(data)[0]).toBe('rank-q1');
  });
});
