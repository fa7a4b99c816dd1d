// cards.cache.json: a shortcut for opening long logs that must never disagree with the log.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/store/index.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { exportProgress, importProgress } from '../../../src/core/store/transfer.js';
import { tempHome } from '../store/helpers.js';

const T0 = Date.UTC(2026, 0, 10, 12);
const MIN = 60_000;
const DAY = 86_400_000;
const ids = Array.from({ length: 12 }, (_, i) => `k${i}`);

function withHistory(): string {
  const home = tempHome('cache');
  const deck = Deck.open(openStore({ home }));
  for (let i = 0; i < 40; i++) deck.record(ids[i % ids.length]!, ((i % 4) + 1) as 1, { now: T0 + i * 7 * MIN + Math.floor(i / 12) * DAY });
  deck.undoLast(T0 + 10 * DAY);
  return home;
}

/** Everything a screen can observe about the deck. */
function observe(deck: Deck, now = T0 + 20 * DAY) {
  return {
    cards: ids.map((id) => deck.card(id)),
    queue: deck.queue(ids, now),
    next: deck.nextCard(ids, now),
    days: [...deck.dayCounts()].filter(([, c]) => c.all !== 0).sort(),
    reviews: deck.reviews().map((e) => e.id),
  };
}

describe('card cache', () => {
  it('is written for long logs and gives exactly the state a full rebuild gives', () => {
    const home = withHistory();
    const full = Deck.open(openStore({ home, useCache: false }), { cacheMinEntries: 1 });
    expect(existsSync(join(home, 'cards.cache.json'))).toBe(true);
    const store = openStore({ home });
    expect(store.cache).toBeDefined();
    expect(store.initialReviews).toEqual([]);
    const cached = Deck.open(store);
    expect(observe(cached)).toEqual(observe(full));
  });

  it('reads only the tail appended since, and keeps agreeing', () => {
    const home = withHistory();
    Deck.open(openStore({ home }), { cacheMinEntries: 1 });
    const writer = Deck.open(openStore({ home }));
    writer.record('k3', 3, { now: T0 + 30 * DAY });
    writer.record('new-one', 4, { now: T0 + 30 * DAY + MIN });
    const store = openStore({ home });
    expect(store.cache).toBeDefined();
    expect(store.initialReviews.map((e) => e.card)).toEqual(['k3', 'new-one']);
    expect(observe(Deck.open(store), T0 + 31 * DAY)).toEqual(observe(Deck.open(openStore({ home, useCache: false })), T0 + 31 * DAY));
  });

  it('the log wins: a changed log prefix invalidates the cache', () => {
    const home = withHistory();
    Deck.open(openStore({ home }), { cacheMinEntries: 1 });
    const path = join(home, 'reviews.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    const first = JSON.parse(lines[0]!);
    first.after.due += 5 * DAY; // an edit that keeps the file valid
    lines[0] = JSON.stringify(first);
    writeFileSync(path, lines.join('\n'));
    const store = openStore({ home });
    expect(store.cache).toBeUndefined();
    expect(observe(Deck.open(store))).toEqual(observe(Deck.open(openStore({ home, useCache: false }))));
  });

  it('a damaged cache file is ignored', () => {
    const home = withHistory();
    Deck.open(openStore({ home }), { cacheMinEntries: 1 });
    writeFileSync(join(home, 'cards.cache.json'), '{"v":1,"cards":[[');
    const store = openStore({ home });
    expect(store.cache).toBeUndefined();
    expect(store.warnings).toEqual([]);
    expect(Deck.open(store).card('k1')).toEqual(Deck.open(openStore({ home, useCache: false })).card('k1'));
  });

  for (const [label, start] of [
    ['recent reviews (the cache keeps what an undo needs)', Date.now() - 60 * MIN],
    ['old reviews (rebuilt from the log)', T0],
  ] as const) {
    it(`undo from another window of ${label}`, () => {
      const home = tempHome('cache');
      const a = Deck.open(openStore({ home }));
      a.record('x', 3, { now: start });
      const afterFirst = a.card('x');
      a.record('x', 1, { now: start + 20 * MIN });
      Deck.open(openStore({ home }), { cacheMinEntries: 1 }); // cache covers both reviews
      const store = openStore({ home });
      expect(store.cache).toBeDefined();
      const b = Deck.open(store);

      a.undoLast(start + 21 * MIN);
      b.refresh();
      expect(b.card('x')).toEqual(afterFirst);
      expect(b.today(start).newCards).toBe(1);
      a.undoLast(start + 22 * MIN); // reaches past what b has in memory: b rebuilds from the log
      b.refresh();
      expect(b.card('x')).toBeNull();
      expect(b.reviews()).toEqual([]);
      expect(b.today(start).newCards).toBe(0);
    });
  }

  it('an import (log rewritten) invalidates the cache', () => {
    const home = withHistory();
    Deck.open(openStore({ home }), { cacheMinEntries: 1 });
    const other = tempHome('cache');
    Deck.open(openStore({ home: other })).record('imported', 3, { now: T0 + 2 * DAY });
    importProgress(openStore({ home }), JSON.parse(JSON.stringify(exportProgress(openStore({ home: other })))));
    const store = openStore({ home });
    expect(store.cache).toBeUndefined();
    expect(Deck.open(store).card('imported')).not.toBeNull();
  });
});
