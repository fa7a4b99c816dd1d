import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import LessonScreen from '../../src/ui/screens/Lesson.js';
import { resetAppData } from '../../src/app/app-data.js';
import { FIXTURE_LESSONS, writeFixtureCourse } from './fixtures.js';
import { KEYS, plain, renderWithProviders } from './helpers.js';

let course: string;
let home: string;
let unmount: (() => void) | undefined;
beforeAll(() => {
  course = writeFixtureCourse();
  home = mkdtempSync(join(tmpdir(), 'ftlab-ui-'));
});
afterEach(() => {
  unmount?.();
  resetAppData();
});
afterAll(() => {
  rmSync(course, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

const open = (lessonId: string) => {
  const r = renderWithProviders(<LessonScreen route={{ screen: 'lesson', lessonId }} />, {
    env: { contentRoot: course, home },
    route: { screen: 'lesson', lessonId },
  });
  unmount = r.unmount;
  return r;
};

describe('lesson reader', () => {
  it('renders only what fits, with blank lines between blocks', async () => {
    const r = open(FIXTURE_LESSONS.first);
    const f = plain(await r.waitFor('Rank basics'));
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(lines[4]).toBe('');
    expect(f).toMatch(/0% · 19\/\d+ · 5 min/);
  });
  it('scrolls with j/k, space and g/G; marks complete; remembers the position', async () => {
    const r = open(FIXTURE_LESSONS.first);
    await r.waitFor('Rank basics');
    await r.press('j', 'j', 'j');
    expect(plain(r.lastFrame()).split('\n')[2]).toBe(' Low-rank adapters add a small trainable product `B·A` next to a frozen weight.');
    await r.press('G');
    expect(plain(await r.waitFor('End of lesson'))).toContain('100%');
    await r.press('c');
    expect(plain(await r.waitFor('Marked complete'))).toContain('✓ completed');
    await r.press('g', ' ');
    const f = plain(await r.waitFor(/\d+%/));
    expect(f).not.toContain('End of lesson');
    r.unmount();
    unmount = undefined;
    resetAppData();
    const again = open(FIXTURE_LESSONS.first);
    const g = plain(await again.waitFor('✓'));
    expect(g.split('\n')[2]).toBe(f.split('\n')[2]);
  });
  it('opens the table of contents and jumps to a heading', async () => {
    const r = open(FIXTURE_LESSONS.first);
    await r.waitFor('Rank basics');
    await r.press('g', 't');
    await r.waitFor('Contents');
    await r.press(KEYS.down, KEYS.down, KEYS.enter);
    const f = plain(await r.waitFor(/^ Walkthrough$/m));
    expect(f.split('\n')[2]).toBe(' Walkthrough');
  });
  it('says so when the lesson does not exist', async () => {
    const r = open('rank-basic');
    expect(plain(await r.waitFor('Lesson not found'))).toContain('did you mean "rank-basics"');
  });
});
