import type { Command } from 'commander';
import { contentRoot, homeOverride } from '../../shared/paths.js';
import { isInteractive, useColor } from '../../shared/tty.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function register(program: Command): void {
  const lab = program.command('lab').description('hands-on labs: list them, grade your work, check the reference solutions');

  lab
    .command('list')
    .description('list the labs in the content root')
    .option('--json', 'print {labs:[{id,title,summary,minutes,requires,lessons,steps,checks,reference,path}]}')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const root = contentRoot(cmd.optsWithGlobals().content);
      const { listLabs } = await import('../../commands/lab.js');
      process.exitCode = listLabs(root, { json: opts.json });
    });

  lab
    .command('open')
    .description('open the interactive lab runner (without a terminal: print the steps)')
    .argument('<id>', 'lab id (see ftlab lab list)')
    .option('--json', "print the lab's steps as one JSON document instead")
    .option('--port <port>', 'serving lab: port of its model server (default 11435; 0 = any free port)')
    .option('--api-port <port>', 'serving lab: port of its serving API (default 8000; 0 = any free port)')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab lab open serving\n  ftlab lab open serving --port 12435 --api-port 8080\n  OLLAMA_HOST=127.0.0.1:11434 ftlab lab open serving   # use a running Ollama instead of the built-in backend',
    )
    .action(async (id: string, opts: { json?: boolean; port?: string; apiPort?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals();
      const root = contentRoot(globals.content);
      const { openLab } = await import('../../commands/lab.js');
      process.exitCode = await openLab(root, id, {
        json: opts.json,
        ascii: Boolean(globals.ascii),
        screenReader: Boolean(globals.screenReader),
        home: homeOverride(),
        interactive: isInteractive(),
        port: opts.port,
        apiPort: opts.apiPort,
      });
    });

  lab
    .command('path')
    .description("print the lab's working folder (created from the lab's data/ and starter/ on first use; your edits are kept)")
    .argument('<id>', 'lab id (see ftlab lab list)')
    .option('--package', 'print the shipped lab folder instead (read-only: reference solution, base model)')
    .addHelpText(
      'after',
      '\nThe commands in a lab start with cd "$(ftlab lab path ID)", so they work from any folder.\n\nExamples:\n  cd "$(ftlab lab path metrics)"\n  ls "$(ftlab lab path serving --package)/solution"',
    )
    .action(async (id: string, opts: { package?: boolean }, cmd: Command) => {
      const root = contentRoot(cmd.optsWithGlobals().content);
      const { labPath } = await import('../../commands/lab.js');
      process.exitCode = await labPath(root, id, { home: homeOverride(), package: opts.package });
    });

  lab
    .command('verify')
    .description('self-grade a lab: run every check of every step; exit 0 iff all pass')
    .argument('<id>', 'lab id (see ftlab lab list)')
    .option('--url <url>', 'base URL of the serving API to grade (yours or the reference)')
    .option('--adapter <dir>', 'adapter folder to grade (adapter_config.json + adapter_model.safetensors)')
    .option('-o, --option <name=value>', "another option a lab's checks read (repeatable)", collect)
    .option('--step <id>', 'only this step (repeatable)', collect)
    .option('--seed <n>', 'seed for the random probes (to reproduce a run; random by default)')
    .option('--no-record', 'do not save the result to your progress')
    .option('--json', 'print the report as one JSON document')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab lab verify serving --url http://127.0.0.1:8000\n  ftlab lab verify lora --adapter ./out/adapter\n  ftlab lab verify metrics --json --seed 7\n\nExit codes: 0 every check passed, 1 a check failed, 2 unknown lab or bad flags.',
    )
    .action(async (id: string, opts: Record<string, unknown>, cmd: Command) => {
      const globals = cmd.optsWithGlobals();
      const root = contentRoot(globals.content);
      const { verify } = await import('../../commands/lab.js');
      process.exitCode = await verify(root, id, {
        ...(opts as object),
        ascii: Boolean(globals.ascii || globals.screenReader),
        color: useColor(),
        home: homeOverride(),
      });
    });

  lab
    .command('dev-check')
    .description('for labs with a reference solution and a starter: the solution must pass every check, the starter must fail one')
    .argument('[ids...]', 'lab ids (default: every lab that declares "reference")')
    .option('--json', 'print {ok, labs:[{lab, ok, solution, starter}], skipped} as one JSON document')
    .action(async (ids: string[], opts: { json?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals();
      const root = contentRoot(globals.content);
      const { devCheck } = await import('../../commands/lab.js');
      process.exitCode = await devCheck(root, ids, {
        json: opts.json,
        ascii: Boolean(globals.ascii || globals.screenReader),
        cliPath: process.argv[1],
      });
    });
}
