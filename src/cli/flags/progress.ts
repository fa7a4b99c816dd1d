import type { Command } from 'commander';

// `ftlab progress show|repairs|limits|export|import|reset`: the learner's progress (FTLAB_HOME or the OS config dir).
export function register(program: Command): void {
  const progress = program
    .command('progress')
    .description('show, export, import or reset your study progress (reviews, exams, lesson positions, settings)')
    .addHelpText('after', '\nProgress lives in FTLAB_HOME, or in the OS config dir when it is not set. See docs/store.md.');
  progress
    .command('show')
    .description('where progress is stored and what it holds (reviews, exams, limits)')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const { runShow } = await import('../../commands/progress.js');
      runShow(opts);
    });
  progress
    .command('repairs')
    .description('list the damaged copies the store kept aside when it repaired a file; --clear dismisses them')
    .option('--clear', 'move the copies to <home>/backups/repairs-<time>/ and stop the reminder')
    .option('--json', 'print {home, pendingRepairs:[{file, copy, keptAt}]} (with --clear: {home, movedTo, cleared})')
    .addHelpText(
      'after',
      '\nWhen a progress file is damaged, ftlab keeps what it can read, saves the damaged file as <file>.corrupt-<time>\nand reminds you at every start until you act. Deleting a copy dismisses it too.\n\nExamples:\n  ftlab progress repairs\n  ftlab progress repairs --clear',
    )
    .action(async (opts: { clear?: boolean; json?: boolean }) => {
      const { runRepairs } = await import('../../commands/progress.js');
      runRepairs(opts);
    });
  progress
    .command('limits')
    .description('show or change the daily limits for new cards and reviews')
    .option('--new <n>', 'new cards introduced per day')
    .option('--reviews <n>', 'reviews of already-seen cards per day')
    .option(
      '--new-order <order>',
      'which new cards come first: opened-first (lessons you opened, then the rest; the default) or course (all, in course order)',
    )
    .option('--json', 'print the limits as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab progress limits\n  ftlab progress limits --new 10 --reviews 150\n  ftlab progress limits --new-order course',
    )
    .action(async (opts: { new?: string; reviews?: string; newOrder?: string; json?: boolean }) => {
      const { runLimits } = await import('../../commands/progress.js');
      runLimits(opts);
    });
  progress
    .command('export [file]')
    .description('write all progress as one JSON document to FILE (or stdout)')
    .option('--json', 'with FILE: print a JSON summary {file, reviews, exams, lessons}')
    .addHelpText('after', '\nExamples:\n  ftlab progress export backup.json\n  ftlab progress export > backup.json')
    .action(async (file: string | undefined, opts: { json?: boolean }) => {
      const { runExport } = await import('../../commands/progress.js');
      runExport(file, opts);
    });
  progress
    .command('import <file>')
    .description('merge an export into your progress (validated first; nothing is duplicated)')
    .option('--json', 'print a JSON summary of what was merged')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab progress import backup.json\n\nExit codes: 0 merged, 1 the file is not a valid export (nothing changed), 2 the file cannot be read.',
    )
    .action(async (file: string, opts: { json?: boolean }) => {
      const { runImport } = await import('../../commands/progress.js');
      runImport(file, opts);
    });
  progress
    .command('reset')
    .description('start over: move all progress files aside (asks for confirmation)')
    .option('-y, --yes', 'do not ask (required without a terminal)')
    .option('--json', 'print a JSON summary {home, backupDir, moved}')
    .addHelpText(
      'after',
      '\nThe old files are kept in <home>/backups/reset-<time>/.\n\nExamples:\n  ftlab progress reset\n  FTLAB_HOME=/tmp/try ftlab progress reset --yes',
    )
    .action(async (opts: { yes?: boolean; json?: boolean }) => {
      const { runReset } = await import('../../commands/progress.js');
      await runReset(opts);
    });
}
