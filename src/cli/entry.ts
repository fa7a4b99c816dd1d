// ftlab's entry point. A bare `ftlab` in a terminal opens the home screen without loading the
// command-line parser and the declarations of every command (commander and main.ts are ~165 KB to
// evaluate, a tenth of the time to the first frame); everything else goes through main.ts.
import { contentRoot, homeOverride } from '../shared/paths.js';
import { isInteractive } from '../shared/tty.js';

// A reader that stops early (`ftlab --help | head`) closes the pipe: that is a normal end, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

// Started by ftlab (a lab's backend, API or trainer): stop when that parent dies, even by kill -9.
if (process.env.FTLAB_PARENT_WATCH !== undefined) void import('../shared/parent-watch.js').then((m) => m.watchParent());

async function run(argv: string[]): Promise<number> {
  // --ascii: every byte written is ASCII, lesson text and messages included (see shared/ascii.ts).
  const end = argv.indexOf('--');
  const options = argv.slice(2, end >= 0 ? end : undefined);
  if (options.includes('--ascii')) {
    const { asciiOnly } = await import('../shared/ascii.js');
    asciiOnly(process.stdout);
    asciiOnly(process.stderr);
  }
  if (argv.length === 2 && isInteractive()) {
    try {
      const { runHome } = await import('../commands/home.js');
      await runHome({ root: contentRoot(), home: homeOverride(), screenReader: false, ascii: false, json: false });
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    } catch (err) {
      const { reportError } = await import('./main.js');
      return reportError(err);
    }
  }
  const { main } = await import('./main.js');
  return main(argv);
}

run(process.argv).then(
  (code) => {
    // Let pending stdout writes flush before exiting.
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(String(err) + '\n');
    process.exitCode = 1;
  },
);
