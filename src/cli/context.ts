// Shared CLI plumbing: where content and progress live, and how data is printed.
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
    throw new UsageError(`content folder not found: ${dir}`, 'pass --content DIR (or FTLAB_CONTENT) pointing at a folder that holds content/, quizzes/ and labs/');
  }
  return dir;
}

/** Directory for progress files. FTLAB_HOME wins; otherwise undefined and the store uses conf's OS config dir. */
export function homeOverride(): string | undefined {
  return process.env.FTLAB_HOME ? resolve(process.env.FTLAB_HOME) : undefined;
}

/** stdout holds exactly one JSON document in --json mode. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Messages go to stderr so that stdout stays machine-readable. */
export function note(message: string): void {
  process.stderr.write(message + '\n');
}

export function isInteractive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && process.env.CI !== 'true';
}

export function useColor(): boolean {
  return !('NO_COLOR' in process.env && process.env.NO_COLOR !== '') && Boolean(process.stdout.isTTY);
}
