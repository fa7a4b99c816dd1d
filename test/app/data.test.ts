// The data behind the home and stats screens, the outline cache, the charts and terminal safety.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAppData, resetAppData } from '../../src/app/app-data.js';
import { homeSummary, homeText } from '../../src/app/home-summary.js';
import { homeDataIfReady, prepareHomeData } from '../../src/app/home-data.js';
import { contentFingerprint, readCachedOutline } from '../../src/app/outline-cache.js';
import { setCompleted } from '../../src/app/lessons.js';
import { statsFor } from '../../src/app/stats.js';
import { statsText } from '../../src/ui/components/statsText.js';
import { bar, columns, sparkline } from '../../src/ui/components/charts.js';
import { asciiGlyphs, unicodeGlyphs } from '../../src/ui/theme/glyphs.js';
import { assertRawModeAvailable, RawModeUnavailableError, restoreTerminal, RESTORE_SEQUENCE } from '../../src/ui/app/terminal.js';
import { FIXTURE_LESSONS, writeFixtureCourse } from '../ui/fixtures.js';

let course: string;
let home: string;
beforeAll(() => {
  course = writeFixtureCourse();
  home = mkdtempSync(join(tmpdir(), 'ftlab-ui-data-'));
});
afterEach(() => resetAppData());
afterAll(() => {
  rmSync(course, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('home summary', () => {
  it('counts new cards, lessons and suggests the next step', () => {
    const data = openAppData({ contentRoot: course, home });
    const s = homeSummary(data);
    expect(s.due).toBe(0);
    expect(s.newToday).toBe(3);
    expect(s.lessons).toBe(3);
    expect(s.modules.map((m) => [m.id, m.lessons, m.cards])).toEqual([
      ['adapters', 2, 3],
      ['serving', 1, 0],
    ]);
    expect(s.next.route).toEqual({ screen: 'lesson', lessonId: FIXTURE_LESSONS.first });
    setCompleted(data, FIXTURE_LESSONS.first, true);
    const after = homeSummary(data);
    expect(after.lessonsDone).toBe(1);
    expect(after.streak.activeToday).toBe(true);
    // With a lesson read and its cards still new, learning them comes first.
    expect(after.next.route).toEqual({ screen: 'review' });
    expect(homeText(after, [])).toMatch(/Lessons completed: 1\/3/);
    setCompleted(data, FIXTURE_LESSONS.first, false);
    expect(homeSummary(data).lessonsDone).toBe(0);
  });
  it('reads the course outline from its cache, and misses it after an edit', async () => {
    const env = { contentRoot: course, home };
    openAppData(env); // loading writes the cache
    const storeHome = openAppData(env).store.home;
    resetAppData();
    expect(readCachedOutline(storeHome, course)?.lessons).toHaveLength(3);
    const ready = homeDataIfReady(env);
    expect(ready?.outline.questions.map((q) => q.id)).toEqual(['rank-q1', 'rank-q2', 'rank-q3']);
    const before = contentFingerprint(course);
    const file = join(course, 'content/02-serving/01-serving-intro.md');
    appendFileSync(file, '\nMore text.\n');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(contentFingerprint(course)).not.toBe(before);
    expect(readCachedOutline(storeHome, course)).toBeUndefined();
    resetAppData();
    const fresh = await prepareHomeData(env);
    expect(fresh.outline.lessons).toHaveLength(3);
    expect(readCachedOutline(storeHome, course)).toBeDefined();
  });
});

describe('stats', () => {
  it('prints charts as plain text, with JSON-ready data underneath', () => {
    const data = openAppData({ contentRoot: course, home });
    for (const [id, rating] of [
      ['rank-q1', 3],
      ['rank-q2', 1],
      ['rank-q3', 4],
    ] as const)
      data.deck.record(id, rating, { answerMs: 4000 });
    const stats = statsFor(data);
    expect(stats.reviewsPerDay.at(-1)?.total).toBe(3);
    const text = statsText(stats, unicodeGlyphs);
    expect(text).toContain('Reviews per day (last 30 days: 3 reviews, today 3)');
    expect(text).toMatch(/Due forecast, next 30 days: today \d+/);
    expect(text).toMatch(/Adapters .*0%  0\/3 mastered, 3 started/);
    expect(text).toContain('No mock exams yet');
    expect(statsText(stats, asciiGlyphs)).not.toMatch(/[^\x00-\x7f]/);
  });
});

describe('charts', () => {
  it('draws bars with eighth-cell precision and ASCII fallbacks', () => {
    expect(bar(1, 2, 4, unicodeGlyphs)).toBe('██  ');
    expect(bar(1, 3, 4, unicodeGlyphs)).toBe('█▍  '); // 1.33 cells = 1 full + 3/8
    expect(bar(1, 2, 4, asciiGlyphs)).toBe('##  ');
    expect(bar(5, 0, 3, asciiGlyphs)).toBe('   ');
  });
  it('draws sparklines and columns scaled to the maximum', () => {
    expect(sparkline([0, 1, 2, 4, null], unicodeGlyphs)).toBe('▁▃▅█ ');
    expect(columns([0, 2, 4], 2, asciiGlyphs)).toEqual(['  #', ' ##']);
  });
});

describe('terminal safety', () => {
  const fakeIn = (over: Partial<NodeJS.ReadStream>) =>
    ({
      isTTY: true,
      isRaw: false,
      setRawMode() {
        return this;
      },
      ...over,
    }) as unknown as NodeJS.ReadStream;
  it('explains clearly when raw mode is not available', () => {
    expect(() => assertRawModeAvailable(fakeIn({ isTTY: false }))).toThrow(RawModeUnavailableError);
    expect(() => assertRawModeAvailable(fakeIn({ isTTY: false }))).toThrow(/not a terminal.*interactive terminal/s);
    expect(() =>
      assertRawModeAvailable(
        fakeIn({
          setRawMode: () => {
            throw new Error('EPERM');
          },
        } as never),
      ),
    ).toThrow(/switching to raw mode failed: EPERM/);
    expect(() => assertRawModeAvailable(fakeIn({}))).not.toThrow();
  });
  it('restores cooked mode, the cursor and attributes', () => {
    let raw = true;
    const written: string[] = [];
    const stdin = fakeIn({ isRaw: true, setRawMode: (v: boolean) => ((raw = v), stdin) } as never);
    const stdout = { isTTY: true, destroyed: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    restoreTerminal(stdin, stdout);
    expect(raw).toBe(false);
    expect(written).toEqual([RESTORE_SEQUENCE]);
    expect(RESTORE_SEQUENCE).toContain('\x1b[?25h');
  });
});
