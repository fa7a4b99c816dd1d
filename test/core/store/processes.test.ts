// Store behaviour across real processes: concurrent reviewers, SIGKILL in the middle of writing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/store/index.js';
import { Deck } from '../../../src/core/srs/deck.js';
import type { ReviewEntry } from '../../../src/core/store/reviews.js';
import { buildChild, finished, runChild, tempHome, waitFor } from './helpers.js';

let child: string;
beforeAll(async () => {
  child = await buildChild();
});

function reviewLines(home: string): ReviewEntry[] {
  return readFileSync(join(home, 'reviews.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ReviewEntry);
}

describe('two processes reviewing at the same time', () => {
  it('keeps all 400 reviews, in the log and in card state', async () => {
    const home = tempHome();
    openStore({ home }); // create the folder and settings first, as the app would
    const a = runChild(child, ['review', home, '200', 'A', '10']);
    const b = runChild(child, ['review', home, '200', 'B', '10']);
    const [ra, rb] = await Promise.all([finished(a), finished(b)]);
    expect(ra.stderr).toBe('');
    expect(rb.stderr).toBe('');
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);

    const lines = reviewLines(home);
    expect(lines).toHaveLength(400);
    expect(new Set(lines.map((l) => l.id)).size).toBe(400);
    expect(new Set(lines.map((l) => l.session)).size).toBe(2);

    const store = openStore({ home });
    expect(store.warnings).toEqual([]);
    const deck = Deck.open(store);
    expect(deck.reviews()).toHaveLength(400);
    // Both processes reviewed the same 10 cards: each card's history must be one chain, not two forks.
    const perCard = new Map<string, ReviewEntry[]>();
    for (const e of deck.reviews()) perCard.set(e.card, [...(perCard.get(e.card) ?? []), e]);
    expect(perCard.size).toBe(10);
    for (const [card, history] of perCard) {
      expect(deck.card(card)!.reps).toBe(history.length);
      for (let i = 1; i < history.length; i++) expect(history[i]!.before).toEqual(history[i - 1]!.after);
    }
    expect([...perCard.values()].reduce((s, h) => s + h.length, 0)).toBe(400);
  });
});

describe('kill -9', () => {
  it('in the middle of a write (lock held, half a line written): nothing else lost, lock recovered, bad copy kept', async () => {
    const home = tempHome();
    const store = openStore({ home });
    const deck = Deck.open(store);
    for (let i = 0; i < 5; i++) deck.record(`before-${i}`, 3);

    const proc = runChild(child, ['torn', home]);
    const done = finished(proc);
    await waitFor(proc, 'ready');
    proc.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(existsSync(join(home, 'reviews.jsonl.lock'))).toBe(true);

    // The deck still open in "another window" can keep recording: the dead owner's lock is broken and
    // the torn fragment does not swallow the new line.
    const after = deck.record('after-kill', 4);
    expect(after.card).toBe('after-kill');

    const reopened = openStore({ home });
    expect(reopened.warnings).toHaveLength(1);
    const w = reopened.warnings[0]!;
    expect(w.level).toBe('warning');
    expect(w.message).toMatch(/1 damaged line/);
    expect(w.backup && existsSync(w.backup)).toBe(true);
    expect(readFileSync(w.backup!, 'utf8')).toContain('half-written');
    const fresh = Deck.open(reopened);
    expect(fresh.reviews().map((e) => e.card)).toEqual(['before-0', 'before-1', 'before-2', 'before-3', 'before-4', 'after-kill']);
    // The repaired log is clean: the next open has nothing to report.
    expect(openStore({ home }).warnings).toEqual([]);
  });

  it('while recording in a tight loop: every review reported as written survives', async () => {
    const home = tempHome();
    openStore({ home });
    const proc = runChild(child, ['loop', home]);
    let out = '';
    proc.stdout!.on('data', (d) => (out += d));
    const done = finished(proc);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (out.split('\n').length > 150) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    proc.kill('SIGKILL');
    await done;
    const reported = out.split('\n').slice(0, -1); // the last line may be cut
    const store = openStore({ home });
    const ids = new Set(
      Deck.open(store)
        .reviews()
        .map((e) => e.id),
    );
    for (const id of reported) expect(ids.has(id)).toBe(true);
    // Whatever the kill interrupted, the store opens and keeps working.
    Deck.open(store).record('next', 3);
    expect(readdirSync(home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
