// Exit codes of the CLI contract: 0 success, 1 checks/validation failed, 2 usage error.
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Wrong flags, bad flag values, missing arguments: exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Input that was understood but is wrong (bad file, failed check): exit 1. */
export class FailedError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'FailedError';
  }
}
