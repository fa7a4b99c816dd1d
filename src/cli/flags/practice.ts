// ftlab review, ftlab quiz, ftlab exam: interactive in a terminal; without one (or with --json) a
// plain summary of what they would show. Implementations load lazily from src/commands/practice.ts.
import type { Command } from 'commander';
import { contentRoot, homeOverride } from '../../shared/paths.js';

interface GlobalFlags {
  content?: string;
  screenReader?: boolean;
  ascii?: boolean;
}

function common(cmd: Command, json: boolean | undefined) {
  const g = cmd.optsWithGlobals() as GlobalFlags;
  return {
    root: contentRoot(g.content),
    home: homeOverride(),
    screenReader: Boolean(g.screenReader),
    ascii: Boolean(g.ascii),
    json: Boolean(json),
  };
}

export function register(program: Command): void {
  program
    .command('review')
    .description('review the spaced-repetition cards due today (daily limits apply)')
    .option('--json', 'print the due queue as one JSON document instead of opening the review')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab review                 answer due cards, rate each Again/Hard/Good/Easy\n  ftlab review --json          due counts, limits and the next cards, for scripts\n\nKeys: answer, then 1-4 rate (Enter takes the proposed rating), u undo, o open the lesson, ? all keys.',
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { runReview } = await import('../../commands/practice.js');
      await runReview(common(cmd, opts.json));
    });

  program
    .command('quiz')
    .description('a quiz with immediate feedback, by lesson, module or AIF-C01 domain')
    .option('--lesson <id>', 'questions of one lesson')
    .option('--module <id>', 'questions of one module')
    .option('--domain <n>', 'questions of one AIF-C01 domain (1-5)')
    .option('-n <count>', 'number of questions (default 10)')
    .option('--json', 'print the matching questions as one JSON document instead of starting the quiz')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab quiz --lesson peft-lora\n  ftlab quiz --domain 3 -n 20\n  ftlab quiz --module peft --json\n\nAnswers are rated into your spaced-repetition deck like reviews.',
    )
    .action(async (opts: { lesson?: string; module?: string; domain?: string; n?: string; json?: boolean }, cmd: Command) => {
      const { runQuiz } = await import('../../commands/practice.js');
      await runQuiz({ ...common(cmd, opts.json), lesson: opts.lesson, module: opts.module, domain: opts.domain, n: opts.n });
    });

  program
    .command('exam')
    .description('a timed AIF-C01 style mock exam (resumes an exam in progress)')
    .option('--short', 'a short exam')
    .option('--full', 'the full exam: 65 questions in 90 minutes')
    .option('--json', 'print the exam in progress and the attempt history as one JSON document')
    .addHelpText(
      'after',
      "\nExamples:\n  ftlab exam --short\n  ftlab exam --json             attempt history and any exam in progress\n\nNo feedback until you submit; answers are saved as you go, so quitting resumes later.\nThe scaled score is an estimate on the 100-1000 scale, not AWS's official score.",
    )
    .action(async (opts: { short?: boolean; full?: boolean; json?: boolean }, cmd: Command) => {
      const { runExam } = await import('../../commands/practice.js');
      await runExam({ ...common(cmd, opts.json), short: opts.short, full: opts.full });
    });
}
