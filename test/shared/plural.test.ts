// Counts in prose (issue 12 polish): "1 new card", never "1 new cards" or "card(s)"; and the ASCII /
// screen-reader glyph for a tick is not "x", which reads as "no".
import { describe, expect, it } from 'vitest';
import { plural } from '../../src/shared/plural.js';
import { asciiGlyphs } from '../../src/ui/theme/glyphs.js';
import { dueLines } from '../../src/app/quiz-plan.js';

describe('plurals and ticks', () => {
  it('says one or many', () => {
    expect(plural(1, 'new card')).toBe('1 new card');
    expect(plural(0, 'new card')).toBe('0 new cards');
    expect(plural(3, 'study day')).toBe('3 study days');
    expect(plural(2, 'query', 'queries')).toBe('2 queries');
  });
  it('the review summary uses them', () => {
    const counts = { reviewsToday: 1, newToday: 1, reviewsDue: 0, reviewsLeftToday: 5, newAvailable: 1, newLeftToday: 0 };
    const lines = dueLines({ due: [], fresh: [], counts, nextLearningDue: undefined } as never, { newPerDay: 1, reviewsPerDay: 5 }, 0);
    expect(lines).toContain('Today: 1 review, 1 new card.');
    expect(lines).toContain('Daily new-card limit reached (1); 1 new card waits.');
  });
  it('an ASCII tick is not an x', () => {
    expect(asciiGlyphs.check).not.toBe('x');
    expect(asciiGlyphs.check).toMatch(/^[\x20-\x7e]+$/);
  });
});
