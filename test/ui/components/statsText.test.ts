// The stats captions count in prose (journeys review polish list): "1 review", never "1 reviews";
// "1 day", never "1 days", in the chart headings and in the screen-reader lines.
import { describe, expect, it } from 'vitest';
import { statsLines, statsText } from '../../../src/ui/components/statsText.js';
import { lineText } from '../../../src/ui/markdown/text.js';
import { asciiGlyphs } from '../../../src/ui/theme/glyphs.js';
import { noColorTheme } from '../../../src/ui/theme/palettes.js';
import { addDays, type Stats } from '../../../src/core/stats/index.js';

const TODAY = '2026-12-05';

/** Stats with `reviewsToday` reviews today over `days` days and `due` cards due on each of `forecastDays` days. */
function stats(opts: { days: number; reviewsToday: number; streak: number; forecastDays: number; due: number }): Stats {
  const reviewsPerDay = Array.from({ length: opts.days }, (_, i) => {
    const total = i === opts.days - 1 ? opts.reviewsToday : 0;
    return { day: addDays(TODAY, i - opts.days + 1), total, again: 0, hard: 0, good: total, easy: 0, answerMs: 0 };
  });
  return {
    generatedAt: `${TODAY}T12:00:00.000Z`,
    today: TODAY,
    cards: { total: 1, new: 0, learning: 1, review: 0, relearning: 0, dueNow: 0, mastered: 0 },
    reviewsPerDay,
    retention: { overall: null, total: 0, passed: 0, byDay: [] },
    forecast: Array.from({ length: opts.forecastDays }, (_, i) => ({ day: addDays(TODAY, i), due: opts.due })),
    mastery: [],
    streak: { current: opts.streak, longest: opts.streak, activeToday: opts.reviewsToday > 0, lastActiveDay: TODAY },
    exams: [],
    byTask: [],
    totals: { reviews: opts.reviewsToday, studyDays: opts.reviewsToday ? 1 : 0, answerMs: 0 },
  };
}

const lines = (s: Stats, screenReader = false) =>
  statsLines(s, { glyphs: asciiGlyphs, theme: noColorTheme, width: 80, screenReader }).map(lineText);

describe('stats captions are singular for exactly one', () => {
  it('one review today over 30 days: "1 review", and the streak and totals say "1 day" and "1 study day"', () => {
    const text = statsText(stats({ days: 30, reviewsToday: 1, streak: 1, forecastDays: 30, due: 1 }), asciiGlyphs);
    expect(text).toContain('Reviews per day (last 30 days: 1 review, today 1)');
    expect(text).toContain('Streak 1 day (longest 1), studied today; 1 review on 1 study day');
    expect(text).toContain('Due forecast, next 30 days: today 1, tomorrow 1, 7 days 7, 30 days 30');
    expect(text).not.toMatch(/\b1 (reviews|days|lessons|cards|study days)\b/);
  });

  it('a one-day window and a one-day forecast say "1 day"', () => {
    const text = lines(stats({ days: 1, reviewsToday: 2, streak: 2, forecastDays: 1, due: 0 })).join('\n');
    expect(text).toContain('Reviews per day (last 1 day: 2 reviews, today 2)');
    expect(text).toContain('Streak 2 days');
    expect(text).toContain('Due forecast, next 1 day:');
    expect(text).not.toMatch(/\b1 (reviews|days)\b/);
  });

  it("the screen-reader lines count each day's reviews in words that agree", () => {
    expect(lines(stats({ days: 30, reviewsToday: 1, streak: 1, forecastDays: 30, due: 0 }), true)).toContain(
      `${TODAY}: 1 review (again 0, hard 0, good 1, easy 0)`,
    );
    expect(lines(stats({ days: 30, reviewsToday: 3, streak: 1, forecastDays: 30, due: 0 }), true)).toContain(
      `${TODAY}: 3 reviews (again 0, hard 0, good 3, easy 0)`,
    );
  });
});
