// The one rule for lab progress, used by `ftlab lab verify` and the lab runner screen alike: only
// graded steps (steps with checks) are recorded, and a lab is complete once every graded step has
// passed. Reading steps count for nothing, and a run of some steps cannot complete the whole lab. A
// pass, once earned, stays: a later failed run (a server no longer up, an adapter moved) never erases it.
import type { SettingsStore } from '../core/store/settings.js';

/** What the rule needs of a lab: its steps and whether each is graded. */
export interface LabShape {
  id: string;
  steps: ReadonlyArray<{ id: string; checks: readonly unknown[] }>;
}

export interface StepOutcome {
  stepId: string;
  passed: boolean;
  /** Why it failed (the failed checks' messages), for the progress store. */
  detail?: string;
}

export interface LabStanding {
  /** Graded steps passed, as recorded now. */
  passed: number;
  /** Graded steps in the lab. */
  graded: number;
  complete: boolean;
}

const isGraded = (step: { checks: readonly unknown[] }) => step.checks.length > 0;

/** Records the outcomes of the graded steps that ran, completes the lab when the rule holds, returns the standing. */
export function recordLabRun(settings: SettingsStore, lab: LabShape, outcomes: readonly StepOutcome[]): LabStanding {
  const graded = new Set(lab.steps.filter(isGraded).map((s) => s.id));
  const before = settings.get().labs[lab.id]?.steps ?? {};
  for (const o of outcomes) {
    if (!graded.has(o.stepId) || (!o.passed && before[o.stepId]?.passed)) continue;
    settings.recordLabStep(lab.id, o.stepId, o.passed, o.passed ? undefined : o.detail);
  }
  const standing = labStanding(settings, lab);
  if (standing.complete && settings.get().labs[lab.id]?.completedAt === undefined) settings.completeLab(lab.id);
  return standing;
}

/** Where the learner stands in a lab, from the store (graded steps only). */
export function labStanding(settings: Pick<SettingsStore, 'get'>, lab: LabShape): LabStanding {
  const progress = settings.get().labs[lab.id];
  const gradedSteps = lab.steps.filter(isGraded);
  const passed = gradedSteps.filter((s) => progress?.steps[s.id]?.passed).length;
  return { passed, graded: gradedSteps.length, complete: gradedSteps.length > 0 && passed === gradedSteps.length };
}
