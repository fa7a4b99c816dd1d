// Shared knobs for the property-based fuzz suites: a fixed seed in CI so a failure reproduces, and
// FUZZ_RUNS / FUZZ_SEED to run longer or elsewhere (e.g. FUZZ_RUNS=5000 npx vitest run test/engines/serve).
import fc from 'fast-check';

/** Runs per property: `base` by default (sized to keep `npm test` quick), FUZZ_RUNS when set. */
export function fuzzRuns(base: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : base;
}

/** Parameters for fc.assert: fixed seed unless FUZZ_SEED says otherwise; no time-based interruption. */
export function fuzzParams(base: number): fc.Parameters<unknown> {
  const seed = Number(process.env.FUZZ_SEED);
  return { numRuns: fuzzRuns(base), seed: Number.isInteger(seed) ? seed : 20261204, endOnFailure: true };
}
