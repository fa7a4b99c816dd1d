// Home, lesson list, stats and help screens rendered at 80×24 from a fixture course.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Text } from 'ink';
import Home from '../../src/ui/screens/Home.js';
import LessonList from '../../src/ui/screens/LessonList.js';
import StatsScreen from '../../src/ui/screens/Stats.js';
import Help from '../../src/ui/screens/Help.js';
import { Screen } from '../../src/ui/layouts/Screen.js';
import { resetAppData } from '../../src/app/app-data.js';
import { FIXTURE_LESSONS, writeFixtureCourse } from './fixtures.js';
import { KEYS, navLog, plain, renderWithProviders } from './helpers.js';

let course: string;
let home: string;
let unmount: (() => void) | undefined;
beforeAll(() => {
  course = writeFixtureCourse();
  home = mkdtempSync(join(tmpdir(), 'ftlab-ui-screens-'));
});
afterEach(() => {
  unmount?.();
  unmount = undefined;
  resetAppData();
});
afterAll(() => {
  rmSync(course, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});
const env = () => ({ contentRoot: course, home });
const fits = (frame: string, cols = 80, rows = 24) => {
  const lines = plain(frame).split('\n');
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(cols);
};

describe('screens', () => {
  it('home shows the numbers, the next step and the menu, and navigates by letter', async () => {
    const r = renderWithProviders(<Home route={{ screen: 'home' }} />, { env: env() });
    unmount = r.unmount;
    const f = plain(await r.waitFor('Next:'));
    fits(f);
    expect(f).toContain('Due now 0   New today 3   Streak 0 days   Lessons 0/3');
    expect(f).toContain('› Next: Read the next lesson: "Rank basics"');
    expect(f).toMatch(/Adapters\s+░+ 0\/2 lessons\s+mastery 0%/);
    expect(f).toMatch(/Serving\s+░+ 0\/1 lessons\s+mastery n\/a/);
    await r.press('s');
    expect(navLog.at(-1)).toEqual({ screen: 'stats' });
  });
  it('home menu opens the suggested lesson with Enter', async () => {
    const r = renderWithProviders(<Home route={{ screen: 'home' }} />, { env: env() });
    unmount = r.unmount;
    await r.waitFor('Next:');
    await r.press(KEYS.enter);
    expect(navLog.at(-1)).toEqual({ screen: 'lesson', lessonId: FIXTURE_LESSONS.first });
  });
  it('lesson list groups lessons by module', async () => {
    const r = renderWithProviders(<LessonList route={{ screen: 'lessons' }} />, { env: env() });
    unmount = r.unmount;
    const f = plain(await r.waitFor('Serving intro'));
    fits(f);
    expect(f).toMatch(/Adapters {2}\(0\/2\)\n\s+›\s+Rank basics\s+5 min · domain 3\n\s+Alpha scaling/);
    await r.press('j', 'j', KEYS.enter);
    expect(navLog.at(-1)).toEqual({ screen: 'lesson', lessonId: FIXTURE_LESSONS.third });
  });
  it('stats scroll to the bottom with G', async () => {
    const r = renderWithProviders(<StatsScreen route={{ screen: 'stats' }} />, { env: env(), rows: 16 });
    unmount = r.unmount;
    const f = plain(await r.waitFor('Overview'));
    fits(f, 80, 16);
    expect(f).not.toContain('Mock exams');
    await r.press('G');
    const g = plain(await r.waitFor('Mock exams'));
    expect(g).not.toContain('Overview');
  });
  it('help lists every key group', async () => {
    const r = renderWithProviders(<Help route={{ screen: 'help' }} />, { env: env(), rows: 120 });
    unmount = r.unmount;
    const f = plain(await r.waitFor('Lesson reader'));
    for (const g of ['Everywhere', 'Moving around', 'Answering questions', 'Rating a card', 'Mock exam', 'Home screen'])
      expect(f).toContain(g);
  });
  it('cuts a long title so the title line never wraps', async () => {
    const r = renderWithProviders(
      <Screen title={'A very long title '.repeat(8)} status="0/5 steps">
        <Text>body</Text>
      </Screen>,
    );
    unmount = r.unmount;
    const f = plain(await r.waitFor('body'));
    const first = f.split('\n')[0]!;
    expect(first.length).toBeLessThanOrEqual(80);
    expect(first).toMatch(/…\s+0\/5 steps$/);
    expect(f.split('\n')[2]).toBe(' body');
  });
});
