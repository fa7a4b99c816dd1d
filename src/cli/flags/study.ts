// ftlab (home), ftlab learn [LESSON_ID], ftlab stats [--json]. Interactive in a terminal; a plain-text
// summary (or one JSON document with --json) otherwise. Implementations load lazily from src/commands/.
import type { Command } from 'commander';
import { contentRoot, homeOverride } from '../../shared/paths.js';

interface GlobalFlags {
  content?: string;
  screenReader?: boolean;
  ascii?: boolean;
}

function common(cmd: Command) {
  const g = cmd.optsWithGlobals() as GlobalFlags;
  return { root: contentRoot(g.content), home: homeOverride(), screenReader: Boolean(g.screenReader), ascii: Boolean(g.ascii) };
}

export function register(program: Command): void {
  // `ftlab` alone opens the home screen; `ftlab home` is the same with a --json form for scripts.
  // (No --json on the root program: it would swallow the --json of every subcommand.)
  program.action(async (_opts: unknown, cmd: Command) => {
    const { runHome } = await import('../../commands/home.js');
    await runHome({ ...common(cmd), json: false });
  });
  program
    .command('home')
    .description('the home screen: due cards, streak, progress per module, next step (same as plain `ftlab`)')
    .option('--json', 'print the home summary as one JSON document')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { runHome } = await import('../../commands/home.js');
      await runHome({ ...common(cmd), json: Boolean(opts.json) });
    });

  program
    .command('learn')
    .description('read lessons: the list grouped by module, or one lesson in the reader')
    .argument('[LESSON_ID]', 'lesson id (see `ftlab learn --json` or the list)')
    .option('--json', 'print the lesson list (or the lesson: metadata, headings, progress) as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab learn                   lesson list\n  ftlab learn peft-lora         open a lesson where you left it\n  ftlab learn --json            lessons with progress, for scripts\n\nIn the reader: j/k or arrows scroll, space/PgDn page, g/G top/bottom, t contents, c complete,\nz quiz me on this lesson, ? all keys. Without a terminal the lesson is printed as plain text.',
    )
    .action(async (lessonId: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const { runLearn } = await import('../../commands/learn.js');
      await runLearn({ ...common(cmd), json: Boolean(opts.json), lessonId });
    });

  program
    .command('stats')
    .description('charts of reviews per day, retention, due forecast, mastery per module and exam history')
    .option('--json', 'print the statistics as one JSON document')
    .option('--days <n>', 'history window in days, 1 to 365 (default 30)')
    .addHelpText('after', '\nExamples:\n  ftlab stats\n  ftlab stats --json | jq .retention.overall')
    .action(async (opts: { json?: boolean; days?: string }, cmd: Command) => {
      const { runStats } = await import('../../commands/stats.js');
      await runStats({ ...common(cmd), json: Boolean(opts.json), days: opts.days });
    });
}
