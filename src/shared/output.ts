// How commands print: data on stdout (one JSON document with --json), messages on stderr.

/** stdout holds exactly one JSON document in --json mode. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Messages go to stderr so that stdout stays machine-readable. */
export function note(message: string): void {
  process.stderr.write(message + '\n');
}
