// The contract between the lab runner and each lab's checks and actions.
// A lab's checks live in src/engines/labs/<lab-id>/checks.ts and are listed in src/engines/labs/registry.ts.

export interface CheckContext {
  /** Content root (holds labs/<id>/ with the lab's data). */
  contentRoot: string;
  /** Folder of this lab: <contentRoot>/labs/<id>. */
  labDir: string;
  /** Progress store home (answers the learner gave inside the lab are stored there). */
  home?: string;
  /** `lab verify … --url URL` / `--adapter DIR` and similar options. */
  options: Record<string, string | undefined>;
  /** Seed for random probes, so a hard-coded answer cannot pass; differs per run unless fixed. */
  seed: number;
  signal?: AbortSignal;
  /** How far a slow check is ("answering held-out tickets with the adapter: 57/200"), for a progress line. */
  progress?: (note: string) => void;
}

export interface CheckOutcome {
  ok: boolean;
  /** What was observed, specifically (shown under the check's own message when it fails). */
  detail?: string;
  /** Structured data for --json reports (per-item tables, numbers compared). */
  data?: unknown;
  /**
   * The check could not run against this setup (why, and what would let it run): reported as skipped,
   * neither passed nor failed. `ok` is ignored then.
   */
  skipped?: string;
}

export interface CheckKind {
  /** One line shown by `ftlab content check` errors and the lab runner. */
  description: string;
  /** Validates `args` from lab.yaml; returns problems as messages (empty = fine). */
  validateArgs?(args: Record<string, unknown>): string[];
  run(ctx: CheckContext, args: Record<string, unknown>): Promise<CheckOutcome>;
}

export type CheckKindTable = Record<string, CheckKind>;
