// Store / spaced-repetition benchmark. Quality bars (issue 2): pick the next due card among 50,000 cards
// with a 100,000-entry review log in < 20 ms, and append one review in < 5 ms. Also reports opening that
// log cold (parse + rebuild every card), the full due queue, the interval preview and the proposal.
// Prints a small table; figures are recorded in docs/bench-store.md.
import { build } from 'esbuild';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ftlab-bench-store-'));
const CARDS = 50_000;
const ENTRIES = 100_000;

try {
  const outfile = join(work, 'store-bench.mjs');
  await build({
    stdin: {
      contents: `export * from './src/core/store/index.js'; export * from './src/core/srs/index.js'; export { createReviewLogFile, snapshotOf, cardOf } from './src/core/store/reviews.js';`,
      resolveDir: root,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  const lib = await import(pathToFileURL(outfile).href);
  const { fsrs } = await import(pathToFileURL(join(root, 'node_modules/ts-fsrs/dist/index.mjs')).href);

  // ---- build a realistic log: 50,000 cards, two reviews each, spread over the last 400 days ----------
  const home = join(work, 'home');
  const now = Date.now();
  const DAY = 86_400_000;
  const scheduler = fsrs({ enable_fuzz: false, enable_short_term: true });
  const log = lib.openStore({ home }).reviews;
  const ids = Array.from({ length: CARDS }, (_, i) => `bench-card-${i}`);
  let seed = 42;
  const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const t0 = performance.now();
  const batch = [];
  for (let i = 0; i < CARDS; i++) {
    let card = lib.cardOf(null, 0);
    let at = now - Math.floor(random() * 400 * DAY);
    for (let r = 0; r < ENTRIES / CARDS; r++) {
      const rating = 1 + Math.floor(random() * 4);
      const before = r === 0 ? null : lib.snapshotOf(card);
      const out = scheduler.next(card, new Date(at), rating);
      card = out.card;
      batch.push({
        v: 2,
        type: 'review',
        id: `e-${i}-${r}`,
        card: ids[i],
        rating,
        at,
        tz: 0,
        elapsed_days: out.log.elapsed_days,
        answer_ms: 5000,
        session: 'bench',
        before,
        after: lib.snapshotOf(card),
      });
      at = Math.min(now - 1000, card.due.getTime() + Math.floor(random() * 3 * DAY));
    }
    if (batch.length >= 10_000) log.append(batch.splice(0));
  }
  log.append(batch.splice(0));
  const genMs = performance.now() - t0;
  const logBytes = statSync(join(home, 'reviews.jsonl')).size;

  // ---- measurements ------------------------------------------------------------------------------
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
    return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
  };
  // Wall time per call (median, p95, max) and mean CPU time of this process per call: on a busy machine the
  // wall figures include waiting for a core, the CPU figure does not.
  const time = (n, fn) => {
    const xs = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      fn(i);
      xs.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    return { ...stats(xs), cpu: (cpu.user + cpu.system) / 1000 / n };
  };

  // Full rebuild (the first open, or after the log was rewritten); it writes cards.cache.json.
  const openRuns = time(3, () => lib.Deck.open(lib.openStore({ home, useCache: false })));
  // Later opens: the cache covers a verified prefix (SHA-1 of its bytes), only the tail is parsed.
  const openCached = time(3, () => {
    const s = lib.openStore({ home });
    if (!s.cache) throw new Error('expected the card cache to be used');
    lib.Deck.open(s);
  });
  const store = lib.openStore({ home });
  const deck = lib.Deck.open(store);
  store.settings.setLimits({ newPerDay: 20, reviewsPerDay: 1_000_000 });
  const limits = deck.limits();
  const next = time(200, () => deck.nextCard(ids, now, limits));
  const nextWithSettings = time(50, () => deck.nextCard(ids, now));
  const queue = time(20, () => deck.queue(ids, now, limits));
  const preview = time(500, (i) => deck.preview(ids[i % CARDS], now));
  const record = time(500, (i) => deck.record(ids[(i * 97) % CARDS], 3, { answerMs: 4000 }));
  const undo = time(50, () => {
    deck.record(ids[7], 3);
    deck.undoLast();
  });

  const rows = [
    ['open store + rebuild 50,000 cards from 100,000 entries', openRuns, null],
    ['open store with the card cache (verify prefix, read tail)', openCached, null],
    ['next due card among 50,000 (limits given)', next, 20],
    ['next due card among 50,000 (limits read from settings)', nextWithSettings, 20],
    ['full due queue (sorted) among 50,000', queue, null],
    ['preview the four intervals', preview, null],
    ['append one review (lock, catch up, FSRS, write)', record, 5],
    ['record + undo', undo, null],
  ];
  const fmt = (x) => x.toFixed(x < 10 ? 3 : 1).padStart(9);
  console.log(
    `store benchmark — ${CARDS.toLocaleString('en')} cards, ${ENTRIES.toLocaleString('en')}-entry log (${(logBytes / 1e6).toFixed(1)} MB), generated in ${(genMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log('');
  console.log(
    `${'operation'.padEnd(58)} ${'median ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'max ms'.padStart(9)} ${'cpu ms'.padStart(9)}  bar (median)`,
  );
  for (const [name, s, bar] of rows) {
    const verdict = bar === null ? '' : s.median < bar ? `< ${bar} ms ok` : `< ${bar} ms MISSED`;
    console.log(`${name.padEnd(58)} ${fmt(s.median)} ${fmt(s.p95)} ${fmt(s.max)} ${fmt(s.cpu)}  ${verdict}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
