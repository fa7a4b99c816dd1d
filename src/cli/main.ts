// ftlab's entry point. Command modules only declare flags here; each action imports its
// implementation lazily so a command loads just what it needs (see scripts/build.mjs).
import { Command, CommanderError } from 'commander';
import { EXIT_FAILED, EXIT_USAGE, FailedError, UsageError } from './errors.js';
import { packageVersion } from './context.js';
import { registerAll } from './commands/index.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('ftlab')
    .description('Learn LLM fine-tuning, evaluation and model serving in your terminal.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .option('--content <dir>', 'content root holding content/, quizzes/ and labs/ (env FTLAB_CONTENT)')
    .option('--screen-reader', 'plain text layout: no box art, readable lists')
    .option('--ascii', 'ASCII borders instead of box-drawing characters')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nEnvironment:\n  FTLAB_HOME     where progress is stored (default: the OS config dir)\n  FTLAB_CONTENT  same as --content\n  NO_COLOR       disable colour\n\nExit codes: 0 success, 1 checks or validation failed, 2 usage error.',
    );
  program.exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
  });
  registerAll(program);
  // Every subcommand exits through exitOverride too, so usage errors map to exit 2.
  const applyOverride = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.commands.forEach(applyOverride);
  };
  program.commands.forEach(applyOverride);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    // commander already printed the message
    return EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`ftlab: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof FailedError) {
    process.stderr.write(`ftlab: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
    return EXIT_FAILED;
  }
  const e = err as Error;
  process.stderr.write(`ftlab: unexpected error: ${e?.stack ?? String(err)}\n`);
  process.stderr.write('hint: this is a bug in ftlab; please report it with the command you ran.\n');
  return EXIT_FAILED;
}

// A reader that stops early (`ftlab --help | head`) closes the pipe: that is a normal end, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const invokedDirectly = process.argv[1] && /(?:^|[\\/])(cli|main)\.(?:js|ts)$/.test(process.argv[1]) || process.argv[1]?.endsWith('ftlab');
if (invokedDirectly) {
  main(process.argv).then(
    (code) => {
      // Let pending stdout writes flush before exiting.
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(String(err) + '\n');
      process.exitCode = 1;
    },
  );
}
