// The Labs list counts graded steps only, as the lab runner's header and `lab verify` do (a reading step
// cannot be passed, so "1/3 steps passed" could never reach 3/3).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import Labs from '../../../src/ui/screens/Labs.js';
import { openAppData, resetAppData } from '../../../src/app/app-data.js';
import { recordLabRun } from '../../../src/app/lab-progress.js';
import { plain, renderWithProviders } from '../helpers.js';

const good = fileURLToPath(new URL('../../core/content/fixtures/good', import.meta.url));
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('Labs list', () => {
  it('says how many graded steps passed, not steps of any kind', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ftlab-labs-'));
    const home = mkdtempSync(join(tmpdir(), 'ftlab-labs-home-'));
    made.push(root, home);
    cpSync(good, root, { recursive: true });
    const file = join(root, 'labs/demo/lab.yaml');
    const yaml = readFileSync(file, 'utf8');
    const graded = yaml.slice(yaml.indexOf('  - id: write-config'), yaml.indexOf('reference:'));
    const reading = '  - id: read-first\n    title: Read first\n    instructions: |\n      Nothing to grade here.\n';
    writeFileSync(file, yaml.replace(graded, reading + graded + graded.replace('id: write-config', 'id: write-again')));
    resetAppData();
    const data = openAppData({ contentRoot: root, home });
    const lab = data.content.labById.get('demo')!;
    expect(lab.steps).toHaveLength(3);
    recordLabRun(data.store.settings, lab, [{ stepId: 'write-config', passed: true }]);
    const ui = renderWithProviders(<Labs route={{ screen: 'labs' }} />, { env: { contentRoot: root, home } });
    const frame = plain(await ui.waitFor('Demo lab'));
    expect(frame).toContain('1/2 graded steps passed');
    ui.unmount();
  });
});
