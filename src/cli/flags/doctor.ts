import type { Command } from 'commander';
import { contentRoot, homeOverride } from '../../shared/paths.js';
import { useColor } from '../../shared/tty.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('preflight: Node, terminal, content, progress store, Ollama (binary, server, OLLAMA_HOST, models)')
    .option('--json', 'print {ok, checks:[{name, status: ok|warn|fail, required, summary, details?, hint?}]}')
    .addHelpText(
      'after',
      '\nExamples:\n  ftlab doctor\n  OLLAMA_HOST=127.0.0.1:11435 ftlab doctor --json\n\nExit codes: 0 every required check passed (warnings are about optional features), 1 a required check failed.',
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals();
      const root = contentRoot(globals.content);
      const { runDoctor, formatDoctor } = await import('../../commands/doctor.js');
      const report = await runDoctor({ contentRoot: root, home: homeOverride() });
      if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      else process.stdout.write(formatDoctor(report, { ascii: Boolean(globals.ascii || globals.screenReader), color: useColor() }) + '\n');
      process.exitCode = report.ok ? 0 : 1;
    });
}
