// The actions behind `ftlab progress …` (loaded lazily by src/cli/commands/progress.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { FailedError, UsageError } from '../cli/errors.js';
import { isInteractive, note, packageVersion, printJson } from '../cli/context.js';
import { writeFileAtomic } from './atomic.js';
import { openStore, type ProgressStore } from './index.js';
import { exportProgress, importProgress, ImportError, resetProgress } from './transfer.js';

function open(): ProgressStore {
  let store: ProgressStore;
  try {
    store = openStore();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.name === 'StoreBusyError') throw new FailedError(e.message, 'close the other ftlab window, or remove the stale *.lock file in the progress folder');
    if (e.code) throw new FailedError(`cannot open the progress folder (${e.code}: ${e.message})`, 'set FTLAB_HOME to a folder you can write to');
    throw err;
  }
  for (const w of store.warnings) note(`ftlab: ${w.level}: ${w.message}${w.backup ? ` (copy kept: ${w.backup})` : ''}`);
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
  writeFileAtomic(target, JSON.stringify(doc, null, 2) + '\n');
  const summary = { file: target, reviews: doc.reviews.length, exams: doc.exams.length, lessons: Object.keys(doc.settings.lessons).length };
  if (opts.json) printJson(summary);
  else process.stdout.write(`Exported ${summary.reviews} review entries, ${summary.exams} exam attempt(s) and ${summary.lessons} lesson record(s) to ${target}\n`);
}

export function runImport(file: string, opts: { json?: boolean }): void {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new FailedError(`${path} is not valid JSON (${(err as Error).message}); nothing was imported`, 'export a file with `ftlab progress export FILE` and import that');
  }
  const store = open();
  let summary;
  try {
    summary = importProgress(store, doc);
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
      const answer = await rl.question(`This moves all progress in ${store.home} (reviews, exams, lesson positions, settings) aside.\nType "reset" to confirm: `);
      if (answer.trim().toLowerCase() !== 'reset') {
        note('Nothing was changed.');
        process.exitCode = 1;
        return;
      }
    } finally {
      rl.close();
    }
  }
  const { backupDir, moved } = resetProgress(store);
  if (opts.json) printJson({ home: store.home, backupDir, moved });
  else process.stdout.write(`Progress reset. The previous files (${moved.length ? moved.join(', ') : 'none'}) were moved to ${backupDir}\n`);
}
