// The actions behind `ftlab progress …` (loaded lazily by src/cli/flags/progress.ts).
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { FailedError, UsageError } from '../shared/errors.js';
import { isInteractive } from '../shared/tty.js';
import { note, printJson } from '../shared/output.js';
import { packageVersion } from '../shared/paths.js';
import { writeFileAtomic } from '../core/store/atomic.js';
import { openStore, type ProgressStore } from '../core/store/index.js';
import { guard } from '../core/store/errors.js';
import { clearRepairs, type PendingRepair } from '../core/store/repairs.js';
import { exportProgress, importProgress, ImportError, resetProgress } from '../core/store/transfer.js';
import { plural } from '../shared/plural.js';

/**
 * Open the store and tell the user what it repaired. `remind: false` (show, repairs) leaves the reminder of
 * older repairs to the command's own listing. Problems arrive as StoreError (one line, exit 1).
 */
function open(opts: { remind?: boolean } = {}): ProgressStore {
  const store = openStore();
  const lines = opts.remind === false ? store.notices.slice(0, store.warnings.length) : store.notices;
  for (const line of lines) note(`ftlab: warning: ${line}`);
  return store;
}

export function runExport(file: string | undefined, opts: { json?: boolean }): void {
  const store = open();
  const doc = exportProgress(store, packageVersion());
  if (!file || file === '-') {
    printJson(doc);
    return;
  }
  const target = resolve(file);
  try {
    writeFileAtomic(target, JSON.stringify(doc, null, 2) + '\n');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code) throw err;
    throw new FailedError(
      `cannot write ${target} (${code}); nothing was exported`,
      'pass a file in a folder you can write to, or leave FILE out to print to stdout',
    );
  }
  const summary = { file: target, reviews: doc.reviews.length, exams: doc.exams.length, lessons: Object.keys(doc.settings.lessons).length };
  if (opts.json) printJson(summary);
  else
    process.stdout.write(
      `Exported ${summary.reviews} review entries, ${summary.exams} exam attempt(s) and ${summary.lessons} lesson record(s) to ${target}\n`,
    );
}

export function runImport(file: string, opts: { json?: boolean }): void {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // A missing or unreadable input file is a failed check on the input (exit 1), as for the metrics and train commands.
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : (code ?? (err as Error).message);
    throw new FailedError(`cannot read ${path}: ${why}`, 'pass a file written by `ftlab progress export FILE`');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new FailedError(
      `${path} is not valid JSON (${(err as Error).message}); nothing was imported`,
      'export a file with `ftlab progress export FILE` and import that',
    );
  }
  const store = open();
  let summary;
  try {
    summary = guard(() => importProgress(store, doc));
  } catch (err) {
    if (err instanceof ImportError) throw new FailedError(`${path}: ${err.message}\nnothing was imported`);
    throw err;
  }
  if (opts.json) printJson({ file: path, home: store.home, ...summary });
  else {
    process.stdout.write(
      `Imported from ${path} into ${store.home}:\n` +
        `  reviews: ${summary.reviewsAdded} added, ${summary.reviewsAlreadyPresent} already present (${summary.cardsReplayed} card(s) rescheduled from the merged history)\n` +
        `  exam attempts: ${summary.examsAdded} added, ${summary.examsAlreadyPresent} already present\n` +
        `  lessons: ${summary.lessonsMerged} merged; labs: ${summary.labsMerged} merged\n` +
        (summary.examInProgress === 'imported' ? '  the exam in progress was imported (resume it with `ftlab exam`)\n' : '') +
        (summary.examInProgress === 'kept-local' ? '  an exam is already in progress here; the imported one was ignored\n' : ''),
    );
  }
}

export async function runReset(opts: { yes?: boolean; json?: boolean }): Promise<void> {
  const store = open();
  if (!opts.yes) {
    if (!isInteractive()) {
      throw new UsageError('refusing to reset progress without confirmation', 'run it in a terminal to confirm, or pass --yes');
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(
        `This moves all progress in ${store.home} (reviews, exams, lesson positions, settings) aside.\nType "reset" to confirm: `,
      );
      if (answer.trim().toLowerCase() !== 'reset') {
        note('Nothing was changed.');
        process.exitCode = 1;
        return;
      }
    } finally {
      rl.close();
    }
  }
  const { backupDir, moved } = guard(() => resetProgress(store));
  if (opts.json) printJson({ home: store.home, backupDir, moved });
  else
    process.stdout.write(`Progress reset. The previous files (${moved.length ? moved.join(', ') : 'none'}) were moved to ${backupDir}\n`);
}

/** `ftlab progress show`: where progress lives and what it holds. */
export function runShow(opts: { json?: boolean }): void {
  const store = open({ remind: false });
  const settings = store.settings.get();
  const reviews = store.reviews.readAll().entries;
  const reviewCount = reviews.filter((e) => e.type === 'review').length;
  const undoCount = reviews.length - reviewCount;
  const cards = new Set(reviews.filter((e) => e.type === 'review').map((e) => e.card)).size;
  const attempts = store.exams.attempts();
  const current = store.exams.current();
  const files = ['settings.json', 'reviews.jsonl', 'exams.jsonl', 'exam-current.json', 'cards.cache.json']
    .map((name) => {
      try {
        return { name, bytes: statSync(join(store.home, name)).size };
      } catch {
        return undefined;
      }
    })
    .filter((f): f is { name: string; bytes: number } => f !== undefined);
  const summary = {
    home: store.home,
    files,
    reviews: reviewCount,
    undos: undoCount,
    cardsSeen: cards,
    lessonsCompleted: Object.values(settings.lessons).filter((l) => l.completedAt !== undefined).length,
    examAttempts: attempts.length,
    examInProgress: current ? { id: current.id, mode: current.mode, deadline: new Date(current.deadline).toISOString() } : null,
    limits: settings.limits,
    desiredRetention: settings.desiredRetention,
    dayStartsAtHour: settings.dayStartsAtHour,
    warnings: store.warnings,
    pendingRepairs: store.pendingRepairs,
  };
  if (opts.json) {
    printJson(summary);
    return;
  }
  process.stdout.write(
    [
      `Progress folder: ${store.home}`,
      `  ${files.map((f) => `${f.name} (${formatBytes(f.bytes)})`).join(', ') || 'no files yet'}`,
      `Reviews: ${reviewCount} (${undoCount} undone) over ${plural(cards, 'card')}; lessons completed: ${summary.lessonsCompleted}`,
      `Mock exams: ${attempts.length} finished${current ? `, one in progress (${current.mode}, time up ${new Date(current.deadline).toLocaleString()})` : ''}`,
      `Daily limits: ${plural(settings.limits.newPerDay, 'new card')}, ${plural(settings.limits.reviewsPerDay, 'review')}; target retention ${settings.desiredRetention}; the day starts at ${settings.dayStartsAtHour}:00`,
      ...repairsText(store.pendingRepairs),
    ].join('\n') + '\n',
  );
}

/** The pending repairs and what to do about them (empty when there are none). */
function repairsText(pending: readonly PendingRepair[]): string[] {
  if (pending.length === 0) return [];
  return [
    `Pending repairs: ${pending.length} damaged cop${pending.length === 1 ? 'y' : 'ies'} kept aside (what could be read was kept; the rest is only in the copy):`,
    ...pending.map((r) => `  ${r.file}, repaired ${r.keptAt.slice(0, 16).replace('T', ' ')} UTC: ${r.copy}`),
    'Look at them (or restore lines from them by hand), then run `ftlab progress repairs --clear` to move them to backups/ and stop the reminder (deleting them works too).',
  ];
}

/** `ftlab progress repairs [--clear]`: list the damaged copies the store kept aside, or dismiss them. */
export function runRepairs(opts: { clear?: boolean; json?: boolean }): void {
  const store = open({ remind: false });
  if (!opts.clear) {
    if (opts.json) printJson({ home: store.home, pendingRepairs: store.pendingRepairs });
    else
      process.stdout.write(
        (store.pendingRepairs.length ? repairsText(store.pendingRepairs) : [`No pending repairs in ${store.home}.`]).join('\n') + '\n',
      );
    return;
  }
  const { dir, moved } = clearRepairs(store.home);
  if (opts.json) printJson({ home: store.home, movedTo: dir ?? null, cleared: moved });
  else if (!dir) process.stdout.write(`No pending repairs in ${store.home}.\n`);
  else
    process.stdout.write(
      `Moved ${moved.length} damaged cop${moved.length === 1 ? 'y' : 'ies'} to ${dir}; ftlab will not mention ${moved.length === 1 ? 'it' : 'them'} again.\n`,
    );
}

/** `ftlab progress limits`: show or change the daily limits. */
export function runLimits(opts: { new?: string; reviews?: string; newOrder?: string; json?: boolean }): void {
  const parse = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 100_000)
      throw new UsageError(`${flag} must be a whole number from 0 to 100000 (got "${value}")`);
    return n;
  };
  const newPerDay = parse('--new', opts.new);
  const reviewsPerDay = parse('--reviews', opts.reviews);
  if (opts.newOrder !== undefined && !['opened-first', 'course'].includes(opts.newOrder))
    throw new UsageError(`--new-order must be "opened-first" or "course" (got "${opts.newOrder}")`);
  const store = open();
  if (opts.newOrder !== undefined) {
    const order = opts.newOrder;
    store.settings.update((s) => {
      s.newCardOrder = order;
    });
  }
  const limits =
    newPerDay === undefined && reviewsPerDay === undefined
      ? store.settings.get().limits
      : store.settings.setLimits({
          ...(newPerDay !== undefined ? { newPerDay } : {}),
          ...(reviewsPerDay !== undefined ? { reviewsPerDay } : {}),
        }).limits;
  const newOrder = store.settings.get().newCardOrder;
  if (opts.json) printJson({ ...limits, newOrder });
  else
    process.stdout.write(
      `Daily limits: ${plural(limits.newPerDay, 'new card')}, ${plural(limits.reviewsPerDay, 'review')}\n` +
        `New cards come ${newOrder === 'course' ? 'from the whole course, in course order' : 'from lessons you have opened first, then the rest, in course order'} (--new-order ${newOrder})\n`,
    );
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
