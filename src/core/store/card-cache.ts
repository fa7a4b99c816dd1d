// cards.cache.json: a snapshot of every card's state, so opening a long review log does not re-parse it.
//
// The log wins: the cache records how many bytes of reviews.jsonl it covers, that file's inode and a SHA-1
// of exactly those bytes. It is used only when the log still starts with those very bytes (same file, not
// rewritten, not damaged); then only the entries appended after it are read. Anything else — a missing,
// damaged or stale cache — means a full rebuild from the log, after which the cache is written again.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import type { CardSnapshot, CardStateValue } from './reviews.js';

export const CACHE_FILE = 'cards.cache.json';
const CACHE_VERSION = 1;

/** The latest effective review of a card, as much of it as an undo from another window needs. */
export interface LastReview {
  id: string;
  at: number;
  tz: number;
  before: CardSnapshot | null;
}

export interface CachedCard {
  snapshot: CardSnapshot;
  last: LastReview | undefined;
}

export interface DayCount {
  /** Reviews of cards that were in Review state (what the daily review limit counts). */
  reviews: number;
  /** First reviews of new cards. */
  newCards: number;
  /** All effective reviews that day. */
  all: number;
}

export interface CardCache {
  /** Bytes of reviews.jsonl covered. */
  offset: number;
  inode: number;
  sha1: string;
  dayStartsAtHour: number;
  /** Effective reviews covered (for deciding when to refresh the cache). */
  entries: number;
  cards: Map<string, CachedCard>;
  days: Map<string, DayCount>;
}

type SnapArray = [number, number, number, number, number, number, number, number, number | null];
type CardRow = [string, SnapArray, string | null, number, number, SnapArray | null];

const toArray = (s: CardSnapshot): SnapArray => [
  s.due,
  s.stability,
  s.difficulty,
  s.scheduled_days,
  s.learning_steps,
  s.reps,
  s.lapses,
  s.state,
  s.last_review,
];
const fromArray = (a: SnapArray): CardSnapshot => ({
  due: a[0],
  stability: a[1],
  difficulty: a[2],
  scheduled_days: a[3],
  learning_steps: a[4],
  reps: a[5],
  lapses: a[6],
  state: a[7] as CardStateValue,
  last_review: a[8],
});

/** SHA-1 of the first `length` bytes of a file, or undefined if it is shorter. */
export function hashPrefix(path: string, length: number): { sha1: string; inode: number } | undefined {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.size < length) return undefined;
    const hash = createHash('sha1');
    const chunk = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    while (pos < length) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, length - pos), pos);
      if (n === 0) return undefined;
      hash.update(chunk.subarray(0, n));
      pos += n;
    }
    return { sha1: hash.digest('hex'), inode: st.ino };
  } finally {
    closeSync(fd);
  }
}

/** The cache, if it exists, parses and still describes the start of the log; otherwise undefined. */
export function loadCardCache(home: string, logPath: string, dayStartsAtHour: number): CardCache | undefined {
  const path = join(home, CACHE_FILE);
  if (!existsSync(path) || !existsSync(logPath)) return undefined;
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    if (raw.v !== CACHE_VERSION || raw.dayStartsAtHour !== dayStartsAtHour) return undefined;
    const offset = raw.offset as number;
    const st = statSync(logPath);
    if (st.ino !== raw.inode || st.size < offset) return undefined;
    const prefix = hashPrefix(logPath, offset);
    if (!prefix || prefix.sha1 !== raw.sha1 || prefix.inode !== raw.inode) return undefined;
    const cards = new Map<string, CachedCard>();
    for (const [id, snap, lastId, lastAt, lastTz, lastBefore] of raw.cards as CardRow[]) {
      cards.set(id, {
        snapshot: fromArray(snap),
        last: lastId === null ? undefined : { id: lastId, at: lastAt, tz: lastTz, before: lastBefore ? fromArray(lastBefore) : null },
      });
    }
    const days = new Map<string, DayCount>();
    for (const [day, reviews, newCards, all] of raw.days as Array<[string, number, number, number]>)
      days.set(day, { reviews, newCards, all });
    return { offset, inode: st.ino, sha1: prefix.sha1, dayStartsAtHour, entries: raw.entries as number, cards, days };
  } catch {
    return undefined; // a damaged cache is just ignored: the log is rebuilt
  }
}

/**
 * Write the cache for the first `offset` bytes of the log (those the caller's state reflects). Skipped if the
 * log was replaced meanwhile (its inode changed).
 */
export function saveCardCache(
  home: string,
  logPath: string,
  state: {
    offset: number;
    inode: number | undefined;
    dayStartsAtHour: number;
    entries: number;
    cards: Iterable<[string, CachedCard]>;
    days: Iterable<[string, DayCount]>;
  },
): boolean {
  if (state.inode === undefined || state.offset === 0) return false;
  const prefix = hashPrefix(logPath, state.offset);
  if (!prefix || prefix.inode !== state.inode) return false;
  const cards: CardRow[] = [];
  for (const [id, c] of state.cards) {
    cards.push([
      id,
      toArray(c.snapshot),
      c.last?.id ?? null,
      c.last?.at ?? 0,
      c.last?.tz ?? 0,
      c.last?.before ? toArray(c.last.before) : null,
    ]);
  }
  const days = [...state.days].map(([day, d]) => [day, d.reviews, d.newCards, d.all]);
  const doc = {
    v: CACHE_VERSION,
    offset: state.offset,
    inode: prefix.inode,
    sha1: prefix.sha1,
    dayStartsAtHour: state.dayStartsAtHour,
    entries: state.entries,
    cards,
    days,
  };
  writeFileAtomic(join(home, CACHE_FILE), JSON.stringify(doc));
  return true;
}
