// `ftlab progress reset` in a real terminal asks for confirmation.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/store/index.js';
import { Deck } from '../../../src/core/srs/deck.js';
import { tempHome } from './helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pty = createRequire(import.meta.url)('node-pty') as typeof import('node-pty');

function resetInTerminal(home: string, reply: string): Promise<{ code: number; output: string }> {
  const env = { ...process.env, FTLAB_HOME: home, NO_COLOR: '1' } as Record<string, string>;
  delete env.CI;
  const term = pty.spawn(process.execPath, ['dist/cli.js', 'progress', 'reset'], { cwd: root, env, cols: 100, rows: 30 });
  let output = '';
  let answered = false;
  return new Promise((resolve) => {
    term.onData((d) => {
      output += d;
      if (!answered && output.includes('Type "reset" to confirm')) {
        answered = true;
        term.write(`${reply}\r`);
      }
    });
    term.onExit(({ exitCode }) => resolve({ code: exitCode, output }));
  });
}

describe('progress reset on a TTY', () => {
  it('does nothing unless the learner types "reset"', async () => {
    const home = tempHome('reset');
    Deck.open(openStore({ home })).record('kept', 3);
    const no = await resetInTerminal(home, 'no');
    expect(no.code).toBe(1);
    expect(no.output).toContain('Nothing was changed');
    expect(existsSync(join(home, 'reviews.jsonl'))).toBe(true);

    const yes = await resetInTerminal(home, 'reset');
    expect(yes.code).toBe(0);
    expect(yes.output).toContain('Progress reset');
    expect(existsSync(join(home, 'reviews.jsonl'))).toBe(false);
    expect(Deck.open(openStore({ home })).reviews()).toEqual([]);
  });
});
