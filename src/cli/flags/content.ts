import type { Command } from 'commander';
import { contentRoot } from '../../shared/paths.js';

export function register(program: Command): void {
  const content = program.command('content').description('work with course content (lessons, question banks, labs)');
  content
    .command('check')
    .description('validate all content and report every problem as path:line:col: message')
    .option('--json', 'print one JSON document: {ok, problems:[{path,line,col,message}], counts}')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab content check\n  ftlab --content ./my-course content check --json\n\nExit codes: 0 no problems, 1 problems found (paths in --json are relative to the content root).',
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const root = contentRoot(cmd.optsWithGlobals().content);
      const { runContentCheck } = await import('../../commands/content.js');
      process.exitCode = await runContentCheck(root, opts);
    });
}
