// Driver for parent-watch.test.ts, bundled and run as its own process (a test cannot kill -9 itself).
//   child [linger]            watchParent(); print {watching, envLeft}; end soon, or linger forever
//   parent watched|plain      spawn `child linger` with or without the parent pipe; print {child}
//   foreign-parent [release]  spawn a detached plain command guarded by a sentinel; print {child, sentinel}
import { spawn } from 'node:child_process';
import { guardForeignChild, PARENT_WATCH_ENV, watchParent, watchedChildOptions } from '../../src/shared/parent-watch.js';

const [mode, arg] = process.argv.slice(2);
const print = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

if (mode === 'child') {
  const watching = watchParent();
  process.on('SIGTERM', () => process.exit(42));
  print({ watching, envLeft: process.env[PARENT_WATCH_ENV] ?? null });
  if (arg === 'linger') setInterval(() => undefined, 1000);
  else setTimeout(() => undefined, 100); // a natural end: the watch must not hold the process open
} else if (mode === 'parent') {
  const opts =
    arg === 'watched' ? watchedChildOptions() : { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  const child = spawn(process.execPath, [process.argv[1], 'child', 'linger'], opts);
  child.stdout!.once('data', () => print({ child: child.pid }));
  setInterval(() => undefined, 1000);
} else if (mode === 'foreign-parent') {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
  const guard = guardForeignChild(child);
  if (arg === 'release') guard.release();
  print({ child: child.pid, sentinel: guard.pid });
  setInterval(() => undefined, 1000);
}
