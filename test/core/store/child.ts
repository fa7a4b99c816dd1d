// A separate ftlab-like process for the store tests (bundled with esbuild by helpers.ts and run with node).
//   review <home> <count> <prefix> <cards>   record <count> reviews over <cards> shared card ids
//   loop <home>                                record reviews forever, printing each id once it is written
//   torn <home>                                take the log lock, write half a line, say "ready", hang
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock } from '../../../src/core/store/lock.js';
import { openStore } from '../../../src/core/store/index.js';
import { Deck } from '../../../src/core/srs/deck.js';

const [mode, home, ...rest] = process.argv.slice(2);
if (!mode || !home) throw new Error('usage: child MODE HOME …');

if (mode === 'review') {
  const [count, prefix, cards] = rest.map((x, i) => (i === 1 ? x : Number(x))) as [number, string, number];
  const deck = Deck.open(openStore({ home }));
  for (let i = 0; i < count; i++) {
    deck.record(`card-${i % cards}`, ((i % 4) + 1) as 1 | 2 | 3 | 4, { answerMs: 1000 + i });
  }
  process.stdout.write(`${prefix} done\n`);
} else if (mode === 'loop') {
  const deck = Deck.open(openStore({ home }));
  for (let i = 0; ; i++) {
    const e = deck.record(`loop-${i % 50}`, 3, { answerMs: i });
    writeSync(1, `${e.id}\n`);
  }
} else if (mode === 'torn') {
  openStore({ home });
  const log = join(home, 'reviews.jsonl');
  acquireLock(`${log}.lock`);
  const fd = openSync(log, 'a');
  writeSync(fd, '{"v":2,"type":"review","id":"torn-1","card":"half-written","rating":3,"at":17');
  closeSync(fd);
  writeSync(1, 'ready\n');
  setInterval(() => {}, 1000);
} else throw new Error(`unknown mode ${mode}`);
