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
    .option('--type <type>', 'questions of one type: single, multi, truefalse, order, match, cloze, numeric or case')
    .option('-n <count>', 'number of questions (default 10)')
    .option('--json', 'print the matching questions as one JSON document instead of starting the quiz')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab quiz --lesson peft-lora\n  ftlab quiz --domain 3 -n 20\n  ftlab quiz --type order --module peft\n  ftlab quiz --module peft --json\n\nAnswers are rated into your spaced-repetition deck like reviews.',
    )
    .action(
      async (opts: { lesson?: string; module?: string; domain?: string; type?: string; n?: string; json?: boolean }, cmd: Command) => {
        const { runQuiz } = await import('../../commands/practice.js');
        await runQuiz({
          ...common(cmd, opts.json),
          lesson: opts.lesson,
          module: opts.module,
          domain: opts.domain,
          type: opts.type,
          n: opts.n,
        });
      },
    );

  const exam = program
    .command('exam')
    .description('a timed AIF-C01 style mock exam (resumes an exam in progress)')
    .option('--short', 'a short exam: 15 scored items in 20 minutes')
    .option('--full', 'the full exam: 65 scored items in 90 minutes')
    .option('--json', 'print the exam in progress and the attempt history as one JSON document')
    .addHelpText(
      'after',
      "\nExamples:\n  ftlab exam --short\n  ftlab exam --json             attempt history and any exam in progress\n  ftlab exam draw --full --json a draw without starting it (see ftlab exam draw --help)\n\nOnly the exam's item types (multiple choice, multiple response, ordering, matching, case study),\ndrawn by the AIF-C01 domain weights; case-study parts count as items. Questions you saw in\nearlier mocks come last. No feedback until you submit; answers are saved as you go, so\nquitting resumes later. The scaled score is an estimate on the 100-1000 scale, not AWS's\nofficial score.",
    )
    .action(async (opts: { short?: boolean; full?: boolean; json?: boolean }, cmd: Command) => {
      const { runExam } = await import('../../commands/practice.js');
      await runExam({ ...common(cmd, opts.json), short: opts.short, full: opts.full });
    });

  exam
    .command('draw')
    .description('print a mock exam draw without starting it (ids, types, domains, tasks), for instructors')
    .option('--short', 'draw a short exam (15 scored items)')
    .option('--full', 'draw the full exam (65 scored items; the default)')
    .option('--seed <n>', 'the draw seed (a whole number): the same bank and seed give the same draw')
    .option('--json', 'print the draw as one JSON document')
    .addHelpText(
      'after',
      "\nExamples:\n  ftlab exam draw --full --seed 42 --json    every scored item with id, type, domain and task\n  ftlab exam draw --short                    a short draw with a random seed (printed, to repeat it)\n\nCase-study parts count as items. Only single, multi, order, match and case questions not marked\nexam: false are drawn. Nothing is started or saved; a learner's own mock also puts questions\nseen in earlier mocks last.",
    )
    .action(async (_opts: unknown, cmd: Command) => {
      // Commander lets `exam` take --short/--full/--json even after "draw" (they are exam's flags too), so
      // read them from both commands.
      const opts = cmd.optsWithGlobals() as { short?: boolean; full?: boolean; seed?: string; json?: boolean };
      const { runExamDraw } = await import('../../commands/practice.js');
      await runExamDraw({ ...common(cmd, opts.json), short: opts.short, full: opts.full, seed: opts.seed });
    });
}
