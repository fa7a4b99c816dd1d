// The lab runner's footer lists only keys that do something on the step shown (Enter on steps with
// checks, Space when a failed check has a hint), step text taller than its pane says how to scroll,
// counts read as English ("The check passed.", "Press Enter to run it."), and a failed run after a
// pass keeps the step's ✓ (the pass still counts in the header) and says so (journeys F-points 2, 3, 7).
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

const longRead = Array.from({ length: 30 }, (_, i) => `      Paragraph ${i + 1} of a long reading step.\n`).join('\n');

/** The demo lab with a long reading step and a step of one check after its graded step. */
function course() {
  const root = mkdtempSync(join(tmpdir(), 'ftlab-runner-keys-'));
  const home = mkdtempSync(join(tmpdir(), 'ftlab-runner-keys-home-'));
  made.push(root, home);
  cpSync(good, root, { recursive: true });
  const file = join(root, 'labs/demo/lab.yaml');
  const extra = [
    '  - id: read-long',
    '    title: A long read',
    '    instructions: |',
    longRead,
    '  - id: one-check',
    '    title: One check',
    '    instructions: |',
    '      Write `note.txt`.',
    '    checks:',
    '      - kind: file-exists',
    '        args: { path: "{work=work}/note.txt" }',
    '        message: note.txt is missing.',
    '        hint: Write any text to it.',
    '',
  ].join('\n');
  const yaml = readFileSync(file, 'utf8').replaceAll('{work}', '{work=work}').replace('reference:', `${extra}reference:`);
  writeFileSync(file, yaml);
  mkdirSync(join(root, 'labs/demo/work'), { recursive: true });
  return { root, home, work: join(root, 'labs/demo/work') };
}

function render(root: string, home: string) {
  resetAppData();
  return renderWithProviders(<LabRunner route={{ screen: 'lab', labId: 'demo' }} />, {
    env: { contentRoot: root, home },
    route: { screen: 'lab', labId: 'demo' },
  });
}

/** The footer: the last row with text. */
const footer = (frame: string) =>
  plain(frame)
    .split('\n')
    .filter((l) => l.trim())
    .at(-1)!;

describe('LabRunner keys and wording', () => {
  it('shows Enter only on steps with checks, Space only with hints, and how to scroll long text', async () => {
    const { root, home, work } = course();
    const ui = render(root, home);
    try {
      let frame = await ui.waitFor('2 checks for this step. Press Enter to run them.');
      expect(footer(frame)).toContain('Enter run checks');
      expect(footer(frame)).not.toContain('Space');

      await ui.press(KEYS.enter);
      frame = await ui.waitFor('0/2 checks passed.');
      expect(plain(frame)).toContain('Press Space for hints.');
      expect(footer(frame)).toContain('Space hints');
      await ui.press(' ');
      frame = await ui.waitFor('hint: Create it in your work folder.');
      expect(footer(frame)).toContain('Space hide hints');

      // A reading step: no checks, no hints; its text is taller than the pane and says so.
      await ui.press(KEYS.right);
      frame = await ui.waitFor('This step has no checks');
      expect(footer(frame)).not.toContain('Enter');
      expect(footer(frame)).not.toContain('Space');
      expect(plain(frame)).toMatch(/↓ \d+ more lines: PgDn\/Space or ↓/);
      expect(plain(frame)).not.toContain('Paragraph 30 of');
      // Space is free here: it pages the text.
      await ui.press(' ');
      frame = await ui.waitFor('PgUp back');
      for (let i = 0; i < 10 && !plain(ui.lastFrame()).includes('end of this step'); i++) await ui.press(KEYS.pageDown);
      frame = await ui.waitFor("end of this step's text: PgUp goes back up");
      expect(plain(frame)).toContain('Paragraph 30 of');

      // One check: singular wording; once it passes there is no hint to show, so no Space.
      await ui.press(KEYS.right);
      frame = await ui.waitFor('1 check for this step. Press Enter to run it.');
      await ui.press(KEYS.enter);
      frame = await ui.waitFor('0/1 checks passed.');
      expect(footer(frame)).toContain('Space hints');
      writeFileSync(join(work, 'note.txt'), 'hi');
      await ui.press(KEYS.enter);
      frame = await ui.waitFor('The check passed.');
      expect(plain(frame)).not.toContain('All 1 checks');
      expect(footer(frame)).not.toContain('Space');
      expect(plain(frame)).not.toContain('Press Space for hints');
    } finally {
      ui.unmount();
      resetAppData();
    }
  });

  it('keeps the ✓ of an earlier pass after a failed run, and says the pass still counts', async () => {
    const { root, home, work } = course();
    const ui = render(root, home);
    try {
      writeFileSync(join(work, 'config.json'), '{"r": 8, "peft_type": "LORA"}');
      await ui.waitFor('Press Enter to run them.');
      await ui.press(KEYS.enter);
      let frame = plain(await ui.waitFor('All 2 checks passed.'));
      expect(frame).toContain('1/2 graded steps passed');

      writeFileSync(join(work, 'config.json'), '{"r": 4, "peft_type": "LORA"}');
      await ui.press(KEYS.enter);
      frame = plain(await ui.waitFor('1/2 checks passed.'));
      expect(frame).toContain('1/2 graded steps passed');
      expect(frame).toContain('› ✓ 1. Write the config');
      expect(frame).toContain('This run failed, but your earlier pass of this step still counts.');
      expect(frame).toContain('✗ config.json does not say r = 8.');
    } finally {
      ui.unmount();
      resetAppData();
    }
  });
});
