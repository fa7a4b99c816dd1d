// Issue 12's polish list, where it is about layout rather than typing: the title line gives way in
// order of importance, the ? overlay fills its rows, module names are never cut, wrapped items hang
// under their text, feedback names the lesson once, and the review header counts cards in learning.
import { describe, expect, it } from 'vitest';
import { Text } from 'ink';
import { titleLine, Screen } from '../../src/ui/layouts/Screen.js';
import { Command } from '../../src/ui/keys/keyBindings.js';
import { statsLines } from '../../src/ui/components/statsText.js';
import { lineText } from '../../src/ui/markdown/text.js';
import { unicodeGlyphs } from '../../src/ui/theme/glyphs.js';
import { noColorTheme } from '../../src/ui/theme/palettes.js';
import { Explanation, withoutLessonTail } from '../../src/ui/screens/QuizParts.js';
import { QuestionView } from '../../src/ui/questions/QuestionView.js';
import { dueStatus } from '../../src/app/quiz-plan.js';
import type { Stats } from '../../src/core/stats/index.js';
import type { DueQueue } from '../../src/core/srs/index.js';
import type { Question } from '../../src/core/content/schema.js';
import { plain, renderWithProviders } from './helpers.js';

describe('title line', () => {
  const status = ['19:02 left', '3/20 answered', '1 flagged'];
  it('keeps the question number and the clock: the short title first, then the least important status parts go', () => {
    const wide = titleLine('Exam (short) · question 17 of 20', 'Question 17 of 20', status, 118);
    expect(wide).toEqual({ titleText: 'ftlab › Exam (short) · question 17 of 20', statusText: '19:02 left · 3/20 answered · 1 flagged' });
    const at80 = titleLine('Exam (short) · question 17 of 20', 'Question 17 of 20', status, 78);
    expect(at80.titleText).toMatch(/[Qq]uestion 17 of 20/);
    expect(at80.statusText).toBe('19:02 left · 3/20 answered · 1 flagged');
    const at60 = titleLine('Exam (short) · question 17 of 20', 'Question 17 of 20', status, 60);
    expect(at60).toEqual({ titleText: 'ftlab › Question 17 of 20', statusText: '19:02 left · 3/20 answered' });
    const at40 = titleLine('Exam (short) · question 17 of 20', 'Question 17 of 20', status, 40);
    expect(at40).toEqual({ titleText: 'ftlab › Question 17 of 20', statusText: '19:02 left' });
    for (const w of [30, 40, 60, 78]) {
      const { titleText, statusText } = titleLine('Exam (short) · question 17 of 20', 'Question 17 of 20', status, w);
      expect(titleText.length + 1 + statusText.length).toBeLessThanOrEqual(w);
    }
  });
  it('cuts a long title with a marker rather than dropping the only status part', () => {
    const r = titleLine('Lab: Scoring model outputs with BLEU, ROUGE and friends', undefined, '0/5 graded steps passed', 60);
    expect(r.statusText).toBe('0/5 graded steps passed');
    expect(r.titleText.endsWith('…')).toBe(true);
    expect(r.titleText.length + 1 + r.statusText.length).toBeLessThanOrEqual(60);
  });
});

describe('? overlay', () => {
  it('uses every row it has: blank separators take a row, nothing is left empty below a scrolled list', async () => {
    const hints = [
      Command.DOWN,
      Command.UP,
      Command.PAGE_DOWN,
      Command.PAGE_UP,
      Command.TOP,
      Command.BOTTOM,
      Command.TOC,
      Command.MARK_COMPLETE,
    ];
    const r = renderWithProviders(
      <Screen title="Reader" hints={hints} moreKeys={[Command.QUIZ_LESSON, Command.NEXT_LESSON, Command.PREV_LESSON]}>
        <Text>body</Text>
      </Screen>,
    );
    await r.settle();
    await r.press('?');
    const rows = plain(r.lastFrame()).split('\n');
    const bottom = rows.findIndex((l) => l.includes('╰'));
    const footerRule = rows.findLastIndex((l) => /^─+$/.test(l.trim()));
    // The box ends on the last body row (the row above the footer rule).
    expect(bottom).toBe(footerRule - 1);
    expect(rows.join('\n')).toMatch(/│\s+│\n\s*│ Lesson/); // the blank row between two groups is drawn
    r.unmount();
  });
});

describe('? overlay at 60 columns', () => {
  it('wraps a long description under itself instead of cutting it', async () => {
    const r = renderWithProviders(
      <Screen title="Home" hints={[Command.SELECT]}>
        <Text>body</Text>
      </Screen>,
      { columns: 60, rows: 40 },
    );
    await r.settle();
    await r.press('?');
    const text = plain(r.lastFrame());
    expect(text).not.toContain('…');
    expect(text.replace(/[│\s]+/g, ' ')).toContain('quit immediately (progress is already saved)');
    r.unmount();
  });
});

describe('stats', () => {
  const mastery = (title: string, cards: number) => ({ module: title, title, cards, mastered: 0, started: 0, share: 0 });
  const stats = {
    today: '2026-01-01',
    cards: { total: 1, new: 1, learning: 0, relearning: 0, review: 0, mastered: 0, dueNow: 0 },
    streak: { current: 0, longest: 0, activeToday: false },
    totals: { reviews: 0, studyDays: 0 },
    reviewsPerDay: [],
    retention: { overall: null, total: 0, byDay: [] },
    forecast: [],
    mastery: [
      mastery('Parameter-efficient fine-tuning', 40),
      mastery('Operating fine-tuned models', 42),
      mastery('Building applications with foundation models', 53),
    ],
    exams: [],
    byTask: [],
  } as unknown as Stats;
  it('never cuts a module name: a name too long for the column gets its own row above its bar', () => {
    for (const width of [60, 80, 120]) {
      const text = statsLines(stats, { glyphs: unicodeGlyphs, theme: noColorTheme, width }).map(lineText);
      for (const m of stats.mastery)
        expect(
          text.some((l) => l.startsWith(m.title)),
          `${m.title} at ${width}`,
        ).toBe(true);
      for (const l of text) expect(l.length).toBeLessThanOrEqual(width);
      expect(text.join('\n')).not.toContain('…');
      // The tail is whole, not cut ("0% 0/53 mastered, 0 started").
      expect(text.filter((l) => l.includes('mastered, 0 started'))).toHaveLength(3);
    }
    const wide = statsLines(stats, { glyphs: unicodeGlyphs, theme: noColorTheme, width: 120 }).map(lineText);
    expect(wide.some((l) => /^Building applications with foundation models\s+\S*\s+0%/.test(l))).toBe(true);
  });
});

describe('quiz feedback', () => {
  it('names the lesson once: the explanation loses its own "Lesson: …" tail when the lesson line follows', async () => {
    expect(withoutLessonTail('Adapters are small. Lesson: What fine-tuning changes.')).toBe('Adapters are small.');
    expect(withoutLessonTail('No tail here.')).toBe('No tail here.');
    const r = renderWithProviders(
      <Explanation text="Adapters are small. Lesson: What fine-tuning changes." lessonTitle="What fine-tuning changes" />,
    );
    await r.settle();
    expect(plain(r.lastFrame()).match(/Lesson:/g)).toHaveLength(1);
    r.unmount();
  });
  it('hangs a wrapped match item under its text, not under its letter', async () => {
    const question: Question = {
      id: 'm',
      lesson: 'l',
      domain: 1,
      task: '1.1',
      difficulty: 'easy',
      type: 'match',
      prompt: 'Match.',
      pairs: [
        { left: 'A rather long left-hand item that will certainly need to wrap onto a second row at forty columns', right: 'One' },
        { left: 'Short', right: 'A right-hand side long enough that it also wraps onto a second row at forty' },
      ],
      explanation: '',
    } as Question;
    const r = renderWithProviders(<QuestionView question={question} value={null} onChange={() => undefined} onSubmit={() => undefined} />, {
      columns: 40,
    });
    await r.settle();
    const rows = plain(r.lastFrame()).split('\n');
    const first = rows.findIndex((l) => l.includes('A. A rather long'));
    expect(first).toBeGreaterThanOrEqual(0);
    const textCol = rows[first]!.indexOf('A rather');
    expect(rows[first + 1]!.slice(0, textCol).trim()).toBe('');
    expect(rows[first + 1]![textCol]).not.toBe(' ');
    const right = rows.findIndex((l) => /\d\. A right-hand side/.test(l));
    const rightCol = rows[right]!.indexOf('A right-hand');
    expect(rows[right + 1]!.slice(0, rightCol).trim()).toBe('');
    r.unmount();
  });
});

describe('review header', () => {
  it('counts cards in learning apart from reviews due and new cards', () => {
    const queue = {
      due: ['a'],
      fresh: ['n1', 'n2'],
      counts: {
        reviewsDue: 0,
        learningDue: 1,
        learningLater: 2,
        newAvailable: 2,
        reviewsToday: 3,
        newToday: 1,
        reviewsLeftToday: 197,
        newLeftToday: 19,
      },
    } as DueQueue;
    expect(dueStatus(queue, { reviewsPerDay: 200, newPerDay: 20 })).toEqual([
      '0 due',
      '3 learning',
      '2 new',
      'left today 197/200 reviews, 19/20 new',
    ]);
  });
});
