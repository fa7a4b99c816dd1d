// The shipped course gives `ftlab content check` no warnings (issue 14): no bank with a key-length cue,
// no near-duplicate questions across banks, no case study kept out of mocks by a part's type without
// `exam: false`, no prerequisite later in the course.
import { describe, expect, it } from 'vitest';
import { checkContent } from '../../src/core/content/check.js';
import { formatProblem } from '../../src/core/content/problems.js';
import { checkKinds } from '../../src/engines/labs/registry.js';
import { repoRoot } from './load.js';

describe('content check on the shipped course', () => {
  const report = checkContent(repoRoot, checkKinds);

  it('has no problems', () => {
    expect(report.problems.map(formatProblem)).toEqual([]);
  });

  it('has no warnings', () => {
    expect(report.warnings.map(formatProblem)).toEqual([]);
  });
});
