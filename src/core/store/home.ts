// Where progress lives, and making sure that place is a usable folder before anything is read or written.
//
// Why not mkdirSync(home, { recursive: true })? On some file systems it never returns: for /proc/nope,
// mkdir("/proc/nope") answers ENOENT and mkdir("/proc") EEXIST, and Node's recursive mkdir retries that pair
// forever at 100 % CPU, deaf to SIGTERM. So the ancestors are inspected here one by one (a bounded walk) and
// the missing folders created level by level, each with a plain mkdir; anything unusable (a file, a dangling
// symbolic link, a folder that cannot be created or written) ends in one StoreError naming it.
import { accessSync, constants, lstatSync, mkdirSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { StoreError } from './errors.js';

/** conf's OS config folder for project "ftlab" (env-paths with the "-nodejs" suffix, as conf computes it). */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  const name = 'ftlab-nodejs';
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Preferences', name);
  if (process.platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), name, 'Config');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), name);
}

/** The progress folder: `explicit`, else FTLAB_HOME, else the OS config folder. */
export function resolveHome(explicit?: string): string {
  if (explicit) return resolve(explicit);
  if (process.env.FTLAB_HOME) return resolve(process.env.FTLAB_HOME);
  return defaultHome();
}

/** Deeper than any real path; bounds the walk up the ancestors. */
const MAX_LEVELS = 256;

function statOrError(path: string): Stats | NodeJS.ErrnoException {
  try {
    return statSync(path);
  } catch (err) {
    return err as NodeJS.ErrnoException;
  }
}

/** `code` is the errno-style reason (ENOTDIR for a file in the way), for callers that report it (doctor). */
function unusable(home: string, why: string, code: string | undefined): StoreError {
  return new StoreError(`cannot use ${home} as the progress folder: ${why}; set FTLAB_HOME to a folder you can write to`, home, code);
}

/**
 * Make sure `home` is a folder ftlab can write to, creating it (and missing parents) when needed. Throws a
 * StoreError saying what is wrong; never loops. Returns `home`, resolved.
 */
export function ensureHome(dir: string): string {
  const home = resolve(dir);
  const missing: string[] = [];
  let path = home;
  for (let level = 0; ; level++) {
    if (level > MAX_LEVELS) throw unusable(home, 'its path is too deep', 'ENAMETOOLONG');
    const st = statOrError(path);
    if (!(st instanceof Error)) {
      if (!st.isDirectory())
        throw unusable(home, path === home ? 'it is a file, not a folder' : `${path} is a file, not a folder`, 'ENOTDIR');
      break;
    }
    if (st.code === 'ENOENT' || st.code === 'ENOTDIR') {
      // ENOENT for a path that lstat still finds: a symbolic link to nowhere.
      let target: string | undefined;
      try {
        if (lstatSync(path).isSymbolicLink()) target = readlinkSync(path);
      } catch {
        /* really missing */
      }
      if (target !== undefined) throw unusable(home, `${path} is a symbolic link to ${target}, which does not exist`, 'ENOENT');
      missing.push(path);
      const up = dirname(path);
      if (up === path) throw unusable(home, `${path} does not exist`, 'ENOENT');
      path = up;
      continue;
    }
    if (st.code === 'ELOOP') throw unusable(home, `${path} is a loop of symbolic links`, 'ELOOP');
    if (st.code === 'EACCES' || st.code === 'EPERM') throw unusable(home, `no permission to look inside ${dirname(path)}`, st.code);
    throw unusable(home, `${path}: ${st.code ?? st.message}`, st.code);
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const now = statOrError(folder);
      if (code === 'EEXIST' && !(now instanceof Error) && now.isDirectory()) continue; // made by another process meanwhile
      throw unusable(home, `${folder === home ? 'it' : folder} cannot be created (${code})`, code);
    }
  }
  try {
    accessSync(home, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw unusable(home, code === 'EROFS' ? 'it is on a read-only file system' : `no permission to write in it (${code})`, code);
  }
  return home;
}

/** Create `join(home, ...parts)` level by level below an existing `home` (plain mkdirs: no retry loop). */
export function mkdirUnder(home: string, ...parts: string[]): string {
  let path = home;
  for (const part of parts) {
    path = join(path, part);
    try {
      mkdirSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const st = statOrError(path);
      if (st instanceof Error || !st.isDirectory()) throw err;
    }
  }
  return path;
}
