// No silent repair: a damaged copy kept aside is a pending repair, reported at every open until dismissed.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearRepairs, openStore } from '../../../src/core/store/index.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { tempHome } from './helpers.js';

function damagedHome(): { home: string; copy: string } {
  const home = tempHome('repairs');
  const deck = Deck.open(openStore({ home }));
  deck.record('c1', 3);
  deck.record('c2', 3);
  const path = join(home, 'reviews.jsonl');
  writeFileSync(path, readFileSync(path, 'utf8') + 'not json\n');
  const store = openStore({ home });
  expect(store.warnings).toHaveLength(1);
  return { home, copy: store.warnings[0]!.backup! };
}

describe('pending repairs', () => {
  it('the open that repairs says what was dropped, where the copy is, and what to do', () => {
    const home = tempHome('repairs');
    Deck.open(openStore({ home })).record('c1', 3);
    writeFileSync(join(home, 'reviews.jsonl'), readFileSync(join(home, 'reviews.jsonl'), 'utf8') + '{"v":2,"ty');
    const store = openStore({ home });
    const copy = store.warnings[0]!.backup!;
    expect(store.notices).toEqual([
      `reviews.jsonl: an entry cut off by an interrupted write was dropped; 1 entry kept (the damaged copy is kept as ${copy})`,
      'a damaged copy is kept aside: look at it (ftlab progress repairs), then run `ftlab progress repairs --clear` to stop this reminder',
    ]);
    expect(store.pendingRepairs).toEqual([
      { file: 'reviews.jsonl', copy, keptAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
    ]);
  });

  it('every later open still reminds, naming the file and the copy, until the copies are cleared', () => {
    const { home, copy } = damagedHome();
    for (let i = 0; i < 3; i++) {
      const store = openStore({ home });
      expect(store.warnings).toEqual([]); // the file itself is healthy again
      expect(store.notices).toHaveLength(2);
      expect(store.notices[0]).toMatch(
        new RegExp(
          `^reviews\\.jsonl was repaired on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; the damaged copy is kept as ${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        ),
      );
      expect(store.notices[1]).toContain('ftlab progress repairs --clear');
    }
    const { dir, moved } = clearRepairs(home);
    expect(moved.map((r) => r.copy)).toEqual([copy]);
    expect(readdirSync(dir!)).toEqual([basename(copy)]); // moved, never deleted
    expect(existsSync(copy)).toBe(false);
    expect(openStore({ home }).notices).toEqual([]);
    expect(clearRepairs(home)).toEqual({ dir: undefined, moved: [] });
  });

  it('deleting the copy dismisses it too', () => {
    const { home, copy } = damagedHome();
    rmSync(copy);
    expect(openStore({ home }).notices).toEqual([]);
  });

  it('copies of several files are listed oldest first, with one line on what to do', () => {
    const { home } = damagedHome();
    writeFileSync(join(home, 'settings.json'), '{ not json');
    writeFileSync(join(home, 'exams.jsonl.corrupt-20200101T000000Z'), 'old');
    const store = openStore({ home });
    expect(store.pendingRepairs.map((r) => r.file)).toEqual(['exams.jsonl', 'reviews.jsonl', 'settings.json']);
    expect(store.notices.filter((l) => l.includes('settings.json was damaged'))).toHaveLength(1);
    expect(store.notices.filter((l) => l.startsWith('settings.json was repaired'))).toHaveLength(0); // told once per open
    expect(store.notices.at(-1)).toContain('3 damaged copies are kept aside');
  });

  it('upgrades are told once and are not pending repairs', () => {
    const home = tempHome('repairs');
    writeFileSync(join(home, 'reviews.jsonl'), JSON.stringify({ card: 'c1', grade: 'good', ts: 1_760_000_000_000 }) + '\n');
    const first = openStore({ home });
    expect(first.warnings[0]!.level).toBe('info');
    expect(first.notices[0]).toContain('the previous copy is kept as');
    expect(first.pendingRepairs).toEqual([]);
    expect(openStore({ home }).notices).toEqual([]);
  });
});
