// The metrics lab screen: scores per system, the sortable item table, matched n-grams, the brevity
// walk-through, answering a question (stored and graded), loading your own file, and leaving.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import MetricsLab from '../../../../src/ui/screens/labs/MetricsLab.js';
import { answersPath } from '../../../../src/engines/labs/metrics/answers.js';
import { loadSet, scoreSet } from '../../../../src/engines/labs/metrics/data.js';
import { taskById } from '../../../../src/engines/labs/metrics/tasks.js';
import { KEYS, plain, renderWithProviders } from '../../helpers.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));

function setup() {
  const home = mkdtempSync(join(tmpdir(), 'ftlab-metrics-screen-'));
  const onExit = vi.fn();
  const r = renderWithProviders(<MetricsLab contentRoot={root} home={home} onExit={onExit} />, { columns: 100, rows: 30 });
  return { ...r, home, onExit, frame: () => plain(r.lastFrame()) };
}

describe('MetricsLab screen', () => {
  it('shows both systems, then the sortable table, the matches and the brevity penalty', async () => {
    const s = setup();
    const sum = scoreSet(loadSet(join(root, 'labs/metrics'), 'summarisation')).systems;
    await s.waitFor('corpus BLEU');
    expect(s.frame()).toContain(sum.finetuned.rougeL.toFixed(4));
    await s.press(KEYS.right);
    await s.waitFor('sorted by id');
    await s.press(' ');
    await s.waitFor('sorted by bleu-base');
    await s.press(KEYS.enter);
    await s.waitFor('matched 1-grams');
    expect(s.frame()).toContain('[');
    await s.press(KEYS.right);
    await s.waitFor('BP = exp(1 - r/c)');
    s.unmount();
  });

  it('answers a question: stored with its seed and graded on the spot', async () => {
    const s = setup();
    await s.waitFor('corpus BLEU');
    for (let i = 0; i < 5; i++) await s.press(KEYS.right);
    await s.waitFor('Which system wins on ROUGE-L?');
    const labDir = join(root, 'labs/metrics');
    const def = taskById('rougeL-winner')!;
    const want = def.grade(null, def.question(labDir, 1), labDir).expected as { system: string; margin: number };
    await s.press(KEYS.enter);
    await s.press(`${want.system} ${want.margin}`, KEYS.enter);
    await s.waitFor('correct:');
    const stored = JSON.parse(readFileSync(answersPath(s.home), 'utf8'));
    expect(stored.answers['rougeL-winner'].answer).toEqual({ system: want.system, margin: want.margin });
    s.unmount();
  });

  it('loads your own pairs file and leaves with Esc', async () => {
    const s = setup();
    const file = join(s.home, 'mine.jsonl');
    writeFileSync(file, JSON.stringify({ prediction: 'the cat sat on the mat', reference: 'the cat sat on a mat' }) + '\n');
    await s.waitFor('corpus BLEU');
    await s.press(KEYS.left);
    await s.waitFor('Load your own file');
    await s.press(KEYS.enter);
    await s.press(file, KEYS.enter);
    await s.waitFor('1 pairs: mean sentence BLEU');
    await s.press(KEYS.escape);
    expect(s.onExit).toHaveBeenCalled();
    s.unmount();
  });

  it('while typing, the footer offers Enter and one Esc (leave the field), not Esc twice', async () => {
    const s = setup();
    await s.waitFor('corpus BLEU');
    for (let i = 0; i < 5; i++) await s.press(KEYS.right);
    await s.waitFor('Which system wins on ROUGE-L?');
    await s.press(KEYS.enter);
    const footer = () => s.frame().split('\n').filter((l) => l.trim()).at(-1)!;
    await s.until(() => expect(footer()).toContain('Enter answer'));
    expect(footer()).toContain('Esc leave field');
    expect(footer().match(/Esc/g)).toHaveLength(1);
    await s.press(KEYS.escape);
    await s.until(() => expect(footer()).toContain('Esc/Backspace back'));
    expect(s.onExit).not.toHaveBeenCalled();
    s.unmount();
  });
});
