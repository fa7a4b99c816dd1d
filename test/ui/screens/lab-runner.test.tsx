// The interactive lab runner screen: steps listed, instructions rendered, checks run on Enter with
// ✓/✗, hints only on demand, and results stored in the progress store.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import LabRunner from '../../../src/ui/screens/LabRunner.js';
import { resetAppData } from '../../../src/app/app-data.js';
import { KEYS, plain, renderWithProviders } from '../helpers.js';

const good = fileURLToPath(new URL('../../core/content/fixtures/good', import.meta.url));
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function course() {
  const root = mkdtempSync(join(tmpdir(), 'ftlab-runner-'));
  const home = mkdtempSync(join(tmpdir(), 'ftlab-runner-home-'));
  made.push(root, home);
  cpSync(good, root, { recursive: true });
  // The learner works in the lab's own work/ folder unless told otherwise ({work=work}).
  const lab = readFileSync(join(root, 'labs/demo/lab.yaml'), 'utf8').replaceAll('{work}', '{work=work}');
  writeFileSync(join(root, 'labs/demo/lab.yaml'), lab);
  return { root, home };
}

describe('LabRunner screen', () => {
  it("runs a step's checks on Enter, shows hints on demand and records the result", async () => {
    const { root, home } = course();
    resetAppData();
    const ui = renderWithProviders(<LabRunner route={{ screen: 'lab', labId: 'demo' }} />, {
      env: { contentRoot: root, home },
      route: { screen: 'lab', labId: 'demo' },
    });
    try {
      let frame = plain(await ui.waitFor('Press Enter to run them'));
      expect(frame).toContain('Lab: Demo lab');
      expect(frame).toContain('1. Write the config');
      expect(frame).toContain('Write `config.json` with `r: 8`.');
      expect(frame).toContain('0/1 graded step passed');

      await ui.press(KEYS.enter);
      frame = plain(await ui.waitFor('0/2 checks passed.'));
      expect(frame).toContain('✗ config.json is missing.');
      expect(frame).toMatch(/observed: .*work\/config\.json does not/);
      expect(frame).not.toContain('hint: Create it in your work folder.');

      await ui.press(' ');
      frame = plain(await ui.waitFor('hint: Create it in your work folder.'));

      mkdirSync(join(root, 'labs/demo/work'), { recursive: true });
      writeFileSync(join(root, 'labs/demo/work/config.json'), '{"r": 8, "peft_type": "LORA"}');
      await ui.press(KEYS.enter);
      frame = plain(await ui.waitFor('All 2 checks passed.'));
      expect(frame).toContain('1/1 graded step passed');

      const settings = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'));
      expect(settings.labs.demo.steps['write-config'].passed).toBe(true);
      expect(typeof settings.labs.demo.completedAt).toBe('number');

      // ? describes the runner's own keys, not the generic commands they once borrowed.
      await ui.press('?');
      frame = plain(await ui.waitFor('Lab steps'));
      expect(frame).toContain("run this step's checks on your machine");
      expect(frame).toContain("show or hide this step's hints");
    } finally {
      ui.unmount();
      resetAppData();
    }
  });

  it('explains an unknown lab instead of crashing', async () => {
    const { root, home } = course();
    resetAppData();
    const ui = renderWithProviders(<LabRunner route={{ screen: 'lab', labId: 'nope' }} />, { env: { contentRoot: root, home } });
    try {
      expect(plain(await ui.waitFor('There is no lab'))).toContain('There is no lab "nope".');
    } finally {
      ui.unmount();
      resetAppData();
    }
  });
});
