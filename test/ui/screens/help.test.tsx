// The Help screen explains what a learner must know to study well (issue 12, F-28): ratings, FSRS
// intervals, daily limits and how the mock exam is scored, before the key list.
import { describe, expect, it } from 'vitest';
import Help from '../../../src/ui/screens/Help.js';
import { plain, renderWithProviders } from '../helpers.js';

describe('Help screen', () => {
  it('explains ratings, FSRS, daily limits and exam scoring', async () => {
    const r = renderWithProviders(<Help route={{ screen: 'help' }} />, { columns: 80, rows: 200 });
    await r.settle();
    const text = plain(r.lastFrame()).replace(/\s+/g, ' ');
    expect(text).toContain('1 Again: you did not');
    expect(text).toContain('Good or Easy then need a second press');
    expect(text).toContain('FSRS');
    expect(text).toContain('up to 20 new cards and up to 200 reviews');
    expect(text).toContain('700 to pass');
    r.unmount();
  });
});
