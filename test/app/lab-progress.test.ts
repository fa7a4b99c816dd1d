// One lab-completion rule for `lab verify` and the lab runner: graded steps only; complete when all passed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { labStanding, recordLabRun, type LabShape } from '../../src/app/lab-progress.js';
import { SettingsStore } from '../../src/core/store/settings.js';

const lab: LabShape = {
  id: 'demo',
  steps: [
    { id: 'read', checks: [] },
    { id: 'a', checks: [{}] },
    { id: 'b', checks: [{}, {}] },
  ],
};
const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true })));
function settings(): SettingsStore {
  const home = mkdtempSync(join(tmpdir(), 'ftlab-lab-progress-'));
  homes.push(home);
  return SettingsStore.open(home, []);
}

describe('lab progress', () => {
  it('records graded steps only and counts graded steps only', () => {
    const s = settings();
    const standing = recordLabRun(s, lab, [
      { stepId: 'read', passed: true },
      { stepId: 'a', passed: true },
    ]);
    expect(standing).toEqual({ passed: 1, graded: 2, complete: false });
    expect(s.get().labs.demo?.steps.read).toBeUndefined();
    expect(s.get().labs.demo?.completedAt).toBeUndefined();
  });

  it('a run of one step cannot complete the lab; the last graded step does', () => {
    const s = settings();
    recordLabRun(s, lab, [{ stepId: 'b', passed: true }]);
    expect(s.get().labs.demo?.completedAt).toBeUndefined();
    const standing = recordLabRun(s, lab, [{ stepId: 'a', passed: true }]);
    expect(standing.complete).toBe(true);
    expect(s.get().labs.demo?.completedAt).toBeTypeOf('number');
    expect(labStanding(s, lab)).toEqual({ passed: 2, graded: 2, complete: true });
  });

  it('a failure is recorded with its reason', () => {
    const s = settings();
    recordLabRun(s, lab, [{ stepId: 'a', passed: false, detail: 'wrong port' }]);
    expect(s.get().labs.demo?.steps.a).toMatchObject({ passed: false, detail: 'wrong port' });
    expect(labStanding(s, lab).passed).toBe(0);
  });

  it('a failed run never erases an earlier pass (a later server down, an adapter moved)', () => {
    const s = settings();
    recordLabRun(s, lab, [{ stepId: 'a', passed: true }]);
    const standing = recordLabRun(s, lab, [{ stepId: 'a', passed: false, detail: 'could not reach the API' }]);
    expect(standing.passed).toBe(1);
    expect(s.get().labs.demo?.steps.a?.passed).toBe(true);
    // A step never passed records its failure.
    recordLabRun(s, lab, [{ stepId: 'b', passed: false, detail: 'loss did not drop' }]);
    expect(s.get().labs.demo?.steps.b).toMatchObject({ passed: false, detail: 'loss did not drop' });
  });
});
