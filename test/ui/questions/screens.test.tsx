import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppEnvProvider } from '../../../src/ui/contexts/AppEnvContext.js';
import { KeypressPriority, useKeypress } from '../../../src/ui/contexts/KeypressContext.js';
import { NavigationProvider } from '../../../src/ui/contexts/NavigationContext.js';
import { openAppData, resetAppData, type AppData } from '../../../src/app/app-data.js';
import { dueLines, dueStatus } from '../../../src/app/quiz-plan.js';
import { PracticeSession } from '../../../src/app/practice-session.js';
import { PracticeScreen } from '../../../src/ui/screens/QuizSession.js';
import { correctKeys, wrongKeys } from './answers.js';
import { KEY } from './fixtures.js';
import { renderWithProviders } from '../helpers.js';

const contentRoot = fileURLToPath(new URL('./content', import.meta.url));
let home: string;
let data: AppData;
let now: number;
const clock = () => now;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'ftlab-practice-'));
  resetAppData();
  data = openAppData({ contentRoot, home });
  now = Date.UTC(2026, 0, 5, 12);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function mountSession(session: PracticeSession, opts: { screenReader?: boolean } = {}) {
  const review = session.kind === 'review';
  return renderWithProviders(
    <AppEnvProvider env={{ contentRoot, home }}>
      <NavigationProvider initial={{ screen: 'quiz' }}>
        <PracticeScreen
          title={review ? 'Review' : 'Quiz'}
          session={session}
          data={data}
          status={review ? (s) => dueStatus(s.queue(), data.deck.limits()) : undefined}
          doneLines={review ? (s) => dueLines(s.queue(), data.deck.limits(), now) : undefined}
        />
      </NavigationProvider>
    </AppEnvProvider>,
    { ui: { screenReader: opts.screenReader ?? false }, columns: 100 },
  );
}

const logLines = () =>
  readFileSync(join(home, 'reviews.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('quiz screen', () => {
  it('loads the fixture content without problems', () => {
    expect(data.content.problems).toEqual([]);
    expect(data.content.questions.map((q) => q.type).sort()).toEqual([
      'case',
      'cloze',
      'match',
      'multi',
      'numeric',
      'order',
      'single',
      'truefalse',
    ]);
  });

  it('answers a card of every type correctly, with feedback and rating intervals', async () => {
    const questions = data.content.questions;
    const session = new PracticeSession({ kind: 'quiz', data, questions, seed: 'all-types', clock });
    const ui = mountSession(session);
    await ui.settle();
    for (const q of questions) {
      expect(session.question?.id).toBe(q.id);
      now += 6_000;
      await ui.press(...correctKeys(q, session.layout));
      const f = ui.lastFrame()!;
      expect(session.phase, `${q.id}: ${f}`).toBe('feedback');
      expect(f).toContain('Correct');
      expect(f).toContain(q.explanation.slice(0, 30));
      expect(f).toMatch(/1 Again \S+/);
      expect(f).toMatch(/4 Easy \S+/);
      expect(f).toContain('Lesson: Fixture lesson');
      await ui.press('3');
    }
    expect(session.phase).toBe('done');
    expect(ui.lastFrame()).toContain('Answered 8 · correct 8 (100%)');
    expect(logLines().map((e) => e.card)).toEqual(questions.map((q) => q.id));
    expect(logLines().every((e) => e.rating === 3)).toBe(true);
  });

  it('proposes Again for a wrong answer and Enter accepts the proposal', async () => {
    const q = data.content.questionById.get('fx-single')!;
    const session = new PracticeSession({ kind: 'quiz', data, questions: [q], seed: 's', clock });
    const ui = mountSession(session);
    await ui.settle();
    await ui.press(...wrongKeys(q, session.layout));
    expect(ui.lastFrame()).toContain('Not right');
    expect(ui.lastFrame()).toMatch(/\[1 Again \S+\]/);
    await ui.press(KEY.enter);
    expect(logLines()[0]).toMatchObject({ card: 'fx-single', rating: 1, proposed: 1 });
  });

  it('proposes Easy for a fast right answer, and the learner may override it', async () => {
    const q = data.content.questionById.get('fx-tf')!;
    const session = new PracticeSession({ kind: 'quiz', data, questions: [q], seed: 's', clock });
    const ui = mountSession(session);
    await ui.settle();
    now += 1_000;
    await ui.press('t', KEY.enter);
    expect(ui.lastFrame()).toMatch(/\[4 Easy \S+\]/);
    await ui.press('2');
    expect(logLines()[0]).toMatchObject({ card: 'fx-tf', rating: 2, proposed: 4 });
  });

  it('undoes the last rating and lets the learner rate the card again', async () => {
    const [a, b] = [data.content.questionById.get('fx-single')!, data.content.questionById.get('fx-tf')!];
    const session = new PracticeSession({ kind: 'quiz', data, questions: [a, b], seed: 's', clock });
    const ui = mountSession(session);
    await ui.settle();
    await ui.press(...correctKeys(a, session.layout), '1');
    expect(session.question?.id).toBe('fx-tf');
    await ui.press('u');
    expect(ui.lastFrame()).toContain('Undid Again');
    expect(session.phase).toBe('feedback');
    expect(session.pending?.question.id).toBe('fx-single');
    expect(data.deck.card('fx-single')).toBeNull();
    await ui.press('4');
    expect(session.question?.id).toBe('fx-tf');
    const log = logLines();
    expect(log.map((e) => e.type)).toEqual(['review', 'undo', 'review']);
    expect(log[2]).toMatchObject({ card: 'fx-single', rating: 4 });
  });

  it('says so when there is nothing to undo', async () => {
    const session = new PracticeSession({ kind: 'quiz', data, questions: [data.content.questionById.get('fx-single')!], seed: 's', clock });
    const ui = mountSession(session);
    await ui.settle();
    await ui.press('u');
    expect(ui.lastFrame()).toContain('Nothing to undo');
  });

  it('renders the rating choices as a plain list in screen-reader mode', async () => {
    const q = data.content.questionById.get('fx-tf')!;
    const session = new PracticeSession({ kind: 'quiz', data, questions: [q], seed: 's', clock });
    const ui = mountSession(session, { screenReader: true });
    await ui.settle();
    now += 5_000;
    await ui.press('t', KEY.enter);
    const f = ui.lastFrame()!;
    expect(f).toMatch(/^3\. Good: next in \S+( \(proposed\))?$/m);
    expect(f).not.toMatch(/[─│╭]/);
  });

  it('scrolls feedback that is taller than the screen', async () => {
    const q = data.content.questionById.get('fx-case')!;
    const session = new PracticeSession({ kind: 'quiz', data, questions: [q], seed: 's', clock });
    const ui = mountSession(session);
    await ui.settle();
    await ui.press(...correctKeys(q, session.layout));
    await ui.until(() => expect(ui.lastFrame()).toMatch(/(\d+) more lines?/));
    const before = Number(/(\d+) more lines?/.exec(ui.lastFrame()!)![1]);
    await ui.press('j', 'j');
    await ui.until(() => expect(Number(/(\d+) more lines?|scroll back up/.exec(ui.lastFrame()!)![1] ?? 0)).toBe(Math.max(0, before - 2)));
  });

  it('keeps typed letters in a text answer away from the app shortcuts', async () => {
    const q = data.content.questionById.get('fx-cloze')!;
    const session = new PracticeSession({ kind: 'quiz', data, questions: [q], seed: 's', clock });
    const fallback: string[] = [];
    function Fallback() {
      useKeypress((k) => void fallback.push(k.name), { priority: KeypressPriority.Fallback });
      return null;
    }
    const ui = renderWithProviders(
      <AppEnvProvider env={{ contentRoot, home }}>
        <NavigationProvider initial={{ screen: 'quiz' }}>
          <Fallback />
          <PracticeScreen title="Quiz" session={session} data={data} />
        </NavigationProvider>
      </AppEnvProvider>,
      { columns: 100 },
    );
    await ui.settle();
    await ui.press('q', '?', 'u');
    expect(fallback).toEqual([]);
    expect(session.draft).toEqual({ type: 'cloze', text: 'q?u' });
  });
});

describe('review screen', () => {
  it('shows due counts against the daily limits and stops at the new-card limit', async () => {
    data.store.settings.setLimits({ newPerDay: 2, reviewsPerDay: 10 });
    const session = new PracticeSession({ kind: 'review', data, seed: 'r', clock });
    const ui = mountSession(session);
    await ui.settle();
    const first = session.question!;
    expect(first.id).toBe('fx-single');
    await ui.press(...correctKeys(first, session.layout), '4');
    const second = session.question!;
    await ui.press(...correctKeys(second, session.layout), '4');
    expect(session.phase).toBe('done');
    await ui.until(() => expect(ui.lastFrame()).toContain('Daily new-card limit reached (2)'));
    expect(ui.lastFrame()).toContain('Answered 2');
  });

  it('brings an Again card back once its learning step is due', async () => {
    data.store.settings.setLimits({ newPerDay: 1, reviewsPerDay: 10 });
    const session = new PracticeSession({ kind: 'review', data, seed: 'r', clock });
    const ui = mountSession(session);
    await ui.settle();
    const q = session.question!;
    await ui.press(...wrongKeys(q, session.layout), '1');
    expect(session.phase).toBe('done');
    expect(ui.lastFrame()).toMatch(/Next learning card due in \d+m/);
    now += 11 * 60_000;
    const later = new PracticeSession({ kind: 'review', data, seed: 'r2', clock });
    expect(later.question?.id).toBe(q.id);
  });
});
