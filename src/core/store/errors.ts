// The store's user-facing error. Raw file-system errors (EISDIR, EACCES, ENOTDIR, ENOSPC …) never leave the
// store as they are: they are turned into one line naming the file and what to do, so the CLI prints it
// (exit 1) instead of "unexpected error" and a stack, and a screen shows it in place.
import { FailedError } from '../../shared/errors.js';

export class StoreError extends FailedError {
  constructor(
    message: string,
    /** The file or folder concerned. */
    readonly file?: string,
    /** The file-system error code behind it, when there was one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

type Errno = NodeJS.ErrnoException & { dest?: string };

const isErrno = (err: unknown): err is Errno =>
  err instanceof Error && typeof (err as Errno).code === 'string' && typeof (err as Errno).syscall === 'string';

/** `x.tmp-<pid>-<rand>` is our own temporary file: name the file it stands for. */
function shown(path: string): string {
  return path.replace(/\.tmp-\d+-[0-9a-f]+$/, '');
}

/** What is wrong and what to do about it, for a file-system error on `file`. */
function advice(err: Errno, file: string): string {
  switch (err.code) {
    case 'EISDIR':
      return 'it is a folder where ftlab keeps a file; move the folder out of the way (ftlab creates the file again)';
    case 'ENOTDIR':
      return 'part of its path is a file where a folder should be; move that file out of the way or set FTLAB_HOME to another folder';
    case 'EACCES':
    case 'EPERM':
      return `no permission; make it and its folder writable by you (chmod u+rw '${file}') or set FTLAB_HOME to a folder you can write to`;
    case 'EROFS':
      return 'the file system is read-only; set FTLAB_HOME to a folder you can write to';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full; free some space and run ftlab again';
    case 'ELOOP':
      return 'it is a loop of symbolic links; replace it with a real file';
    default:
      return `${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*$/, '')}; fix or move it, or set FTLAB_HOME to another folder`;
  }
}

const READS = /^(open|read|fstat|stat|lstat|scandir|readdir|access|copyfile)$/;

/**
 * The user-facing form of an error raised inside the store: a raw file-system error becomes a StoreError
 * naming the file (`fallbackFile` when the error carries no path, e.g. a read on a descriptor). StoreError
 * and other errors are returned unchanged (those are bugs, and must keep their stack).
 */
export function toStoreError(err: unknown, fallbackFile?: string): unknown {
  if (err instanceof StoreError || !isErrno(err)) return err;
  // A failed rename names both ends; the destination is the store file (the source is our temporary copy).
  const raw = err.syscall === 'rename' && err.dest ? err.dest : (err.path ?? fallbackFile ?? err.dest);
  const file = raw ? shown(raw) : 'a progress file';
  const what =
    err.code === 'EISDIR' || err.code === 'ENOTDIR' || err.code === 'ELOOP'
      ? 'use'
      : err.syscall === 'mkdir'
        ? 'create'
        : READS.test(err.syscall ?? '')
          ? 'read'
          : 'write';
  return new StoreError(`cannot ${what} ${file} (${err.code}): ${advice(err, file)}`, file, err.code);
}

/** Run `fn`; a raw file-system error it throws becomes a StoreError (about `file` when it names none). */
export function guard<T>(fn: () => T, file?: string): T {
  try {
    return fn();
  } catch (err) {
    throw toStoreError(err, file);
  }
}
