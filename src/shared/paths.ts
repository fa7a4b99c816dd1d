// Where ftlab's own files, the course content and the learner's progress live.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.js';

let cachedRoot: string | undefined;

/** The installed package's root (holds package.json, content/, quizzes/, labs/). */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'ftlab') return (cachedRoot = dir);
      } catch {
        /* keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot locate the ftlab package root');
    dir = up;
  }
}

export function packageVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
}

/** Root holding content/, quizzes/ and labs/: --content, then FTLAB_CONTENT, then the shipped content. */
export function contentRoot(flag?: string): string {
  const chosen = flag ?? process.env.FTLAB_CONTENT;
  if (!chosen) return packageRoot();
  const dir = resolve(chosen);
  if (!existsSync(dir)) {
    throw new UsageError(
      `content folder not found: ${dir}`,
      'pass --content DIR (or FTLAB_CONTENT) pointing at a folder that holds content/, quizzes/ and labs/',
    );
  }
  return dir;
}

/** Directory for progress files. FTLAB_HOME wins; otherwise undefined and the store uses conf's OS config dir. */
export function homeOverride(): string | undefined {
  return process.env.FTLAB_HOME ? resolve(process.env.FTLAB_HOME) : undefined;
}
