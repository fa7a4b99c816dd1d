import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumeExam, startExam, type ExamSession } from '../../../src/core/exam/index.js';
import { AppEnvProvider } from '../../../src/ui/contexts/AppEnvContext.js';
import { NavigationProvider } from '../../../src/ui/contexts/NavigationContext.js';
import { openAppData, resetAppData, type AppData } from '../../../src/app/app-data.js';
import Exam from '../../../src/ui/screens/Exam.js';
import { ExamRun } from '../../../src/ui/screens/ExamRun.js';
import { ExamReview } from '../../../src/ui/screens/ExamReview.js';
import { correctKeys } from './answers.js';
import { KEY } from './fixtures.js';
import { renderWithProviders } from '../helpers.js';

// Exactly one short mock of exam-type questions, plus questions a mock must never draw.
const contentRoot = fileURLToPath(new URL('./exam-content', import.meta.url));
let home: string;
let data: AppData;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ftlab-exam-'));
  resetAppData();
  data = openAppData({ contentRoot, home });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function mountExam(mode?: 'short' | 'full') {
  const route = { screen: 'exam' as const, mode };
  return renderWithProviders(
    <AppEnvProvider env={{ contentRoot, home }}>
      <NavigationProvider initial={route}>
        <Exam route={route} />
      </NavigationProvider>
    </AppEnvProvider>,
    { columns: 100 },
  );
}

const saved = (): ExamSession => {
  const r = resumeExam(data.store, data.content.questionById);
  if (r.status !== 'in-progress') throw new Error(`no exam in progress (${r.status})`);
  return r.session;
};

describe('exam screens', () => {
  it('takes a short exam: answers, flag, navigator, blanks listed, submit, result, review, history', async () => {
    // `ftlab exam --short` starts the exam at once: no menu, no Enter.
    const ui = mountExam('short');
    await ui.until(() => expect(ui.lastFrame()).toMatch(/question 1 of 15/));
    expect(ui.lastFrame()).not.toContain('short: 15 questions, 20 minutes');
    const s = saved();
    expect(s.items.length).toBe(15); // the advertised number: 12 questions + a case with 3 parts
    expect(s.items.map((i) => i.question.type).filter((t) => !['single', 'multi', 'order', 'match'].includes(t))).toEqual([]);
    await ui.until(() => expect(ui.lastFrame()).toMatch(/question 1 of 15/));
    expect(ui.lastFrame()).toMatch(/\d+:\d\d left · 0\/15 answered/);
    // Answer every item but the last right, flag item 2, leave the last blank.
    for (const item of s.items.slice(0, -1)) {
      await ui.until(() => expect(ui.lastFrame()).toContain(`question ${item.index + 1} of 15`));
      await ui.press(...correctKeys(item.question, s.layout(item)));
      if (item.index === 0) {
        await ui.until(() => expect(ui.lastFrame()).toContain('question 2 of 15'));
        await ui.press('\u001B[5~'); // PgUp: previous, also while a text answer has the keys
        await ui.until(() => expect(ui.lastFrame()).toContain('question 1 of 15'));
        // m marks (flags) for review; a typed answer's field takes letters, so there it is Ctrl+F.
        const typed = item.question.type === 'cloze' || item.question.type === 'numeric';
        await ui.press(typed ? '\u0006' : 'm');
        await ui.until(() => expect(ui.lastFrame()).toContain('answered · 1 flagged'));
        await ui.press(KEY.tab);
      }
    }
    await ui.until(() => expect(ui.lastFrame()).toContain('question 15 of 15'));
    expect(saved().isFlagged(s.items[0]!.key)).toBe(true);
    expect(Object.keys(saved().items.filter((i) => saved().isAnswered(i.key)))).toHaveLength(14);
    // No feedback before the end.
    expect(ui.lastFrame()).not.toMatch(/correct|wrong/i);

    // Non-printing keys: the last item may be a typed answer, which takes letters.
    await ui.press('\u0007'); // Ctrl+G navigator
    await ui.until(() => expect(ui.lastFrame()).toContain('Navigator'));
    await ui.press(KEY.esc);
    await ui.press('\u0005'); // Ctrl+E finish
    await ui.until(() => expect(ui.lastFrame()).toContain('1 question not answered: 15'));
    expect(ui.lastFrame()).toContain('Flagged for review: 1');
    await ui.press('y');
    await ui.until(() => expect(ui.lastFrame()).toContain('PASS'));
    const f = ui.lastFrame()!;
    expect(f).toContain('14 of 15 right (93%)');
    expect(f).toMatch(/Estimated scaled score: \d+ \/ 1000/);
    expect(f).toContain('not the official score');
    expect(f).toMatch(/3\. Applications of Foundation Models/);
    // What to study next: the task statements, weakest first; the one wrong (blank) item's task leads.
    expect(f).toContain('By task statement, weakest first');
    // The draw is random: other items may share the blank item's task (all of those were answered right).
    const last = s.items[14]!;
    const sameTask = s.items.filter((i) => i.task === last.task).length;
    expect(f).toContain(`${last.task}  ${sameTask - 1}/${sameTask} (${Math.round((100 * (sameTask - 1)) / sameTask)}%)`);
    expect(data.store.exams.current()).toBeUndefined();
    expect(data.store.exams.attempts()).toHaveLength(1);

    await ui.press('w');
    await ui.until(() => expect(ui.lastFrame()).toContain('Exam review (wrong answers)'));
    expect(ui.lastFrame()).toContain('not answered');
    expect(ui.lastFrame()).toContain(s.items[14]!.question.explanation.slice(0, 25));
    await ui.press(KEY.esc, 'a');
    await ui.until(() => expect(ui.lastFrame()).toContain('1 of 15'));
    await ui.press(KEY.esc, 'h');
    await ui.until(() => expect(ui.lastFrame()).toContain('Exam history'));
    expect(ui.lastFrame()).toMatch(/short\s+14\/15\s+~\s*\d+ pass/);
  });

  it('shows the exam-type question count and refuses a full exam this bank cannot supply, saying why', async () => {
    const ui = mountExam();
    await ui.until(() => expect(ui.lastFrame()!.replace(/\s+/g, ' ')).toContain('from the 13 exam-type questions'));
    await ui.press('f');
    await ui.until(() => expect(ui.lastFrame()).toContain('Cannot start: the question bank cannot supply a full mock exam'));
    expect(ui.lastFrame()!.replace(/\s+/g, ' ')).toContain('domain 1 needs 13 items and has 3');
    expect(data.store.exams.current()).toBeUndefined();
  });

  it('--full that the bank cannot supply, or --short while an exam is in progress, says why on the start screen', async () => {
    const full = mountExam('full');
    await full.until(() => expect(full.lastFrame()).toContain('Cannot start: the question bank cannot supply a full mock exam'));
    full.unmount();
    const s = startExam(data.store, data.content.questions, { mode: 'short', seed: 7 });
    const again = mountExam('short');
    await again.until(() =>
      expect(again.lastFrame()!.replace(/\s+/g, ' ')).toContain('A short exam is already in progress: resume it (r)'),
    );
    expect(again.lastFrame()).toContain('An exam is in progress');
    expect(saved().items.map((i) => i.key)).toEqual(s.items.map((i) => i.key)); // nothing new was started
  });

  it('the review shows choices in the order the exam showed them', async () => {
    const s = startExam(data.store, data.content.questions, { mode: 'short', seed: 11 });
    const item = s.items.find((i) => i.question.type === 'single' && s.layout(i).choices!.some((c, k) => c !== k));
    if (!item || item.question.type !== 'single') throw new Error('the fixture bank needs a shuffled single-choice item');
    const attempt = s.submit();
    expect(attempt.seed).toBe(11);
    const ui = renderWithProviders(<ExamReview attempt={attempt} which="all" content={data.content} onClose={() => {}} />, {
      columns: 100,
    });
    for (let i = 0; i < item.index; i++) await ui.press('n');
    await ui.until(() => expect(ui.lastFrame()).toContain(`question ${item.index + 1}`));
    const frame = ui.lastFrame()!;
    const shown = item.question.choices.map((c) => frame.indexOf(c));
    const expected = s.layout(item).choices!.map((orig) => shown[orig]);
    expect(expected.every((pos, k) => k === 0 || pos > expected[k - 1]!)).toBe(true);
  });

  it('offers to resume a saved attempt and continues at the saved question', async () => {
    const s = startExam(data.store, data.content.questions, { mode: 'short', seed: 7 });
    s.answer(s.items[0]!.key, { type: 'truefalse', value: true });
    s.goTo(3);
    const ui = mountExam();
    await ui.until(() => expect(ui.lastFrame()).toContain('An exam is in progress'));
    expect(ui.lastFrame()).toContain('1 of 15 answered');
    await ui.press('r');
    await ui.until(() => expect(ui.lastFrame()).toContain('question 4 of 15'));
    expect(ui.lastFrame()).toContain('1/15 answered');
  });

  it('submits automatically when the time ran out while ftlab was closed', async () => {
    startExam(data.store, data.content.questions, { mode: 'short', seed: 3, now: Date.now() - 3 * 3600_000 });
    const ui = mountExam();
    await ui.until(() => expect(ui.lastFrame()).toContain('Time ran out while ftlab was closed'));
    expect(ui.lastFrame()).toContain('FAIL');
    expect(data.store.exams.attempts()[0]).toMatchObject({ autoSubmitted: true, correct: 0 });
  });

  it('the countdown submits the exam at zero', async () => {
    let now = Date.now();
    const s = startExam(data.store, data.content.questions, { mode: 'short', seed: 5, now });
    const submitted: boolean[] = [];
    const ui = renderWithProviders(<ExamRun session={s} clock={() => now} onSubmit={(auto) => submitted.push(auto)} />, { columns: 100 });
    await ui.until(() => expect(ui.lastFrame()).toMatch(/(20:00|19:5\d) left/));
    now = s.deadline + 1;
    await ui.until(() => expect(submitted).toEqual([true]), 3000);
  });

  it('can discard a saved attempt after confirming', async () => {
    startExam(data.store, data.content.questions, { mode: 'short', seed: 9 });
    const ui = mountExam();
    await ui.until(() => expect(ui.lastFrame()).toContain('An exam is in progress'));
    await ui.press('d');
    expect(ui.lastFrame()).toContain('Discard this attempt?');
    await ui.press('y');
    await ui.until(() => expect(ui.lastFrame()).toContain('The saved attempt was discarded'));
    expect(data.store.exams.current()).toBeUndefined();
  });
});
