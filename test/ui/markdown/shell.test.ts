// Shell commands broken over rows stay one command when copied from the terminal (issue 12, F-15): a
// terminal copies each row as a line, with the spaces the screen put before it. bash must read the
// copied text as the same words as the command on one line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shellCommandRows } from '../../../src/ui/markdown/shell.js';
import { textWidth } from '../../../src/ui/markdown/text.js';

// A scratch folder: a command with a redirection writes its (printf) output there.
const scratch = mkdtempSync(join(tmpdir(), 'ftlab-shell-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The words bash reads from `script` (its first command word replaced by printf). */
function words(script: string): string[] {
  const lines = script.split('\n');
  const at = lines.findIndex((l) => l.trim() && !l.trim().startsWith('#'));
  lines[at] = lines[at]!.replace(/^(\s*)\S+/, "$1printf '%s\\0'");
  const r = spawnSync('bash', ['-c', lines.join('\n')], { encoding: 'utf8', cwd: scratch });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

const COMMANDS = [
  'ftlab metrics bleu --hyp data/summarisation.base.txt --ref data/summarisation.reference.txt',
  `curl -s localhost:11435/api/generate -d '{"model":"ftlab-micro","prompt":"What is LoRA?","stream":false}'`,
  `curl -sN localhost:8000/generate -H 'content-type: application/json' -d '{"prompt":"Hi there, how are you","stream":true}'`,
  'ftlab serve --ollama-host http://127.0.0.1:11435     # --model NAME for a real Ollama model',
  'ftlab lab verify serving -o start="node $PWD/starter/server.mjs --port {port}" --seed 7 --json',
  'node starter/scorer.mjs data/translation.jsonl --format jsonl --strict   # then grade it below',
];

describe('shell commands over several rows', () => {
  it('keep their words when copied row by row, with the indent the screen adds, at 80, 60 and 40 columns', () => {
    for (const command of COMMANDS) {
      const expected = words(command);
      for (const width of [76, 56, 36]) {
        const rows = shellCommandRows(command, width);
        // A row may run long only when it holds one word that no break can split (a quoted JSON body).
        for (const row of rows)
          if (textWidth(row) > width) expect(words(`x ${row.trim().replace(/ \\$/, '')}`), `${row} (${width})`).toHaveLength(1);
        // A terminal copy: each row as a line, with the screen's padding (and any gutter spaces) before it.
        expect(words(rows.map((r) => `   ${r}`).join('\n')), `${command} at ${width}:\n${rows.join('\n')}`).toEqual(expected);
        if (rows.length > 1) expect(rows.slice(0, -1).every((r) => r.endsWith(' \\') || r.trimStart().startsWith('#'))).toBe(true);
      }
    }
  });
  it('leaves a command that fits as it is, spacing included', () => {
    expect(shellCommandRows('ftlab backend                     # or: ollama serve', 76)).toEqual([
      'ftlab backend                     # or: ollama serve',
    ]);
  });
  it('moves a comment that does not fit above the command, as comment rows', () => {
    const rows = shellCommandRows('ftlab serve --ollama-host http://127.0.0.1:11435     # --model NAME for a real Ollama model', 56);
    expect(rows).toEqual(['# --model NAME for a real Ollama model', 'ftlab serve --ollama-host http://127.0.0.1:11435']);
  });
  it('never breaks inside quotes', () => {
    const rows = shellCommandRows(`ftlab lab verify serving -o start="uvicorn app:app --port {port} --host 127.0.0.1"`, 40);
    expect(rows.some((r) => r.includes('start="uvicorn app:app --port {port} --host 127.0.0.1"'))).toBe(true);
  });
});
