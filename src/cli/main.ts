// The command line: commander, with every command's flags. Command modules only declare flags here;
// each action imports its implementation lazily so a command loads just what it needs (see
// scripts/build.mjs). The process starts in entry.ts.
import { Command, CommanderError } from 'commander';
import { EXIT_FAILED, EXIT_USAGE, FailedError, UsageError } from '../shared/errors.js';
import { packageVersion } from '../shared/paths.js';
import { registerAll } from './flags/index.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('ftlab')
    .description('Learn LLM fine-tuning, evaluation and model serving in your terminal.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .option('--content <dir>', 'content root holding content/, quizzes/ and labs/ (env FTLAB_CONTENT)')
    .option('--screen-reader', 'plain text layout: no box art, readable lists')
    .option('--ascii', 'ASCII borders instead of box-drawing characters')
    .addHelpText(
      'after',
      '\nEnvironment:\n  FTLAB_HOME     where progress is stored (default: the OS config dir)\n  FTLAB_CONTENT  same as --content\n  NO_COLOR       disable colour\n\nExit codes: 0 success, 1 checks or validation failed, 2 usage error.',
    );
  program.exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    writeOut: (s) => process.stdout.write(s),
    outputError: (s, write) => write(ftlabStyle(s)),
  });
  registerAll(program);
  // Every subcommand exits through exitOverride too, so usage errors map to exit 2, and its usage
  // errors end with a hint naming the command's own --help.
  const applyOverride = (cmd: Command): void => {
    cmd.exitOverride();
    cmd.showHelpAfterError(`hint: run ${commandPath(cmd)} --help for its ${cmd.commands.length ? 'commands' : 'options'}`);
    cmd.commands.forEach(applyOverride);
  };
  applyOverride(program);
  return program;
}

/** "ftlab lab verify" for the verify subcommand. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" in ftlab's one-line style. */
export function ftlabStyle(message: string): string {
  return message
    .replace(/^error: /, 'ftlab: ')
    .replace(/\s*\(Did you mean (.+?)\?\)/, ' (did you mean $1?)')
    .replace(/\s*$/, '\n');
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  argv = rewriteHelpCommand(program, argv);
  const unknown = unknownCommand(program, argv.slice(2));
  if (unknown !== undefined) {
    process.stderr.write(`ftlab: unknown command '${unknown}'\n`);
    const close = suggestCommand(program, unknown);
    process.stderr.write(`hint: ${close ? `did you mean '${close}'? ` : ''}run ftlab --help to list the commands\n`);
    return EXIT_USAGE;
  }
  if (opensHomeScreen(program, argv.slice(2))) {
    // Bare `ftlab` in a terminal: start loading the UI's code now, so its file reads overlap the
    // command parsing and the store opening that come before the first frame.
    void import('../ui/app/load.js').then((m) => m.loadUiModules()).catch(() => undefined);
  }
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

/** True for a bare `ftlab` (options only, no help or version) with a terminal on both ends. */
function opensHomeScreen(program: Command, args: string[]): boolean {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return false;
  if (args.some((a) => a === '-h' || a === '--help' || a === '-V' || a === '--version')) return false;
  return firstWord(program, args) === undefined;
}

/**
 * The first word that is not an option (or an option's value) must name a command. The root program has an
 * action of its own (the home screen), so commander would report a mistyped command only as "too many
 * arguments"; this names it instead.
 */
function unknownCommand(program: Command, args: string[]): string | undefined {
  const at = firstWord(program, args);
  if (at === undefined) return undefined;
  const word = args[at];
  const known = word === 'help' || program.commands.some((c) => c.name() === word || c.aliases().includes(word));
  return known ? undefined : word;
}

/**
 * `ftlab help [COMMAND…]` means `ftlab [COMMAND…] --help`. Commander adds no implicit help command to a
 * program that has an action of its own, so the root spells it out (groups such as `metrics help bleu` keep
 * commander's own).
 */
function rewriteHelpCommand(program: Command, argv: string[]): string[] {
  const args = argv.slice(2);
  const at = firstWord(program, args);
  if (at === undefined || args[at] !== 'help') return argv;
  return [...argv.slice(0, 2), ...args.slice(0, at), ...args.slice(at + 1), '--help'];
}

/** Index of the first argument that is neither an option of the root program nor an option's value. */
function firstWord(program: Command, args: string[]): number | undefined {
  const takesValue = new Set<string>();
  for (const opt of program.options) {
    if (opt.required || opt.optional) {
      if (opt.long) takesValue.add(opt.long);
      if (opt.short) takesValue.add(opt.short);
    }
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return undefined;
    if (!arg.startsWith('-')) return i;
    if (takesValue.has(arg)) i++; // `--content DIR`; `--content=DIR` carries its value
  }
  return undefined;
}

/** The closest command name by edit distance, when it is close enough to be a likely typo. */
function suggestCommand(program: Command, word: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of program.commands.map((c) => c.name())) {
    const d = editDistance(word, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

export function reportError(err: unknown): number {
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
