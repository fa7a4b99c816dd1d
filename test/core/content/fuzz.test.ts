// Content check under mutation: one damaged spot in a copy of the small valid fixture course (a byte
// flipped, the file cut short, a tab, NUL or invalid UTF-8 byte inserted, a line deleted, duplicated or
// swapped with its neighbour) must never throw, must place every problem inside an existing file, and
// must stay one root cause → a handful of problems (one tab in a bank used to give 2,082).
// FUZZ_RUNS=2000 npx vitest run test/core/content/fuzz.test.ts runs it longer.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../../src/core/content/loader.js';
import { formatProblem, type Problem } from '../../../src/core/content/problems.js';
import { genericChecks } from '../../../src/engines/labs/checks/index.js';
import { fuzzParams } from '../../helpers/fuzz.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const good = join(repo, 'test/core/content/fixtures/good');
const FILES = ['content/01-basics/module.yaml', 'content/01-basics/01-intro.md', 'content/01-basics/02-next.md', 'quizzes/basics.yaml', 'labs/demo/lab.yaml'];
/** The most problems one damaged spot may cause. */
const MAX_PROBLEMS = 5;

let dir: string;
const originals = new Map<string, Buffer>();
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ftlab-content-fuzz-'));
  cpSync(good, dir, { recursive: true });
  for (const f of FILES) originals.set(f, readFileSync(join(dir, f)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete-line' | 'duplicate-line' | 'swap-lines'; line: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    // a tab, a NUL, a lone continuation byte, a truncated two-byte sequence, 0xFF, an escape
    bytes: fc.constantFrom<number[]>([0x09], [0x00], [0x80], [0xc3], [0xff], [0x1b], [0x09, 0x09]),
  }),
  fc.record({ kind: fc.constantFrom('delete-line' as const, 'duplicate-line' as const, 'swap-lines' as const), line: fc.nat() }),
);

function mutate(src: Buffer, m: Mutation): Buffer {
  if (m.kind === 'flip') {
    const out = Buffer.from(src);
    const at = m.at % src.length;
    out[at] = out[at]! ^ (1 << m.bit);
    return out;
  }
  if (m.kind === 'truncate') return src.subarray(0, m.at % src.length);
  if (m.kind === 'insert') {
    const at = m.at % (src.length + 1);
    return Buffer.concat([src.subarray(0, at), Buffer.from(m.bytes), src.subarray(at)]);
  }
  const lines = src.toString('latin1').split('\n');
  const i = m.line % lines.length;
  if (m.kind === 'delete-line') lines.splice(i, 1);
  else if (m.kind === 'duplicate-line') lines.splice(i, 0, lines[i]!);
  else if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
  return Buffer.from(lines.join('\n'), 'latin1');
}

/** Every problem names a file or folder of the course and a line inside it. */
function checkPlacement(problems: Problem[]): void {
  for (const p of problems) {
    const file = join(dir, p.path);
    expect(existsSync(file), formatProblem(p)).toBe(true);
    expect(p.col, formatProblem(p)).toBeGreaterThanOrEqual(1);
    expect(p.line, formatProblem(p)).toBeGreaterThanOrEqual(1);
    if (statSync(file).isFile()) {
      const lines = readFileSync(file).toString('latin1').split('\n').length;
      expect(p.line, `${formatProblem(p)} (the file has ${lines} lines)`).toBeLessThanOrEqual(lines);
    }
  }
}

describe('content check on mutated content', () => {
  it('never throws, places every problem in a file, and one damaged spot gives at most a few problems', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), mutation, (file, m) => {
        const path = join(dir, file);
        writeFileSync(path, mutate(originals.get(file)!, m));
        try {
          const { problems } = loadContent(dir, { checkKinds: genericChecks });
          checkPlacement(problems);
          expect(problems.length, problems.map(formatProblem).join('\n')).toBeLessThanOrEqual(MAX_PROBLEMS);
          // The fixture is ASCII: an inserted NUL, escape or stray high byte is never valid, and is named.
          if (m.kind === 'insert' && m.bytes[0] !== 0x09) expect(problems.some((p) => p.path === file)).toBe(true);
        } finally {
          writeFileSync(path, originals.get(file)!);
        }
      }),
      fuzzParams(100),
    );
  }, 120_000);

  it('two damaged files: every problem still placed, the count still bounded', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.constantFrom(...FILES), mutation, mutation, (a, b, ma, mb) => {
        fc.pre(a !== b);
        writeFileSync(join(dir, a), mutate(originals.get(a)!, ma));
        writeFileSync(join(dir, b), mutate(originals.get(b)!, mb));
        try {
          const { problems } = loadContent(dir, { checkKinds: genericChecks });
          checkPlacement(problems);
          expect(problems.length, problems.map(formatProblem).join('\n')).toBeLessThanOrEqual(2 * MAX_PROBLEMS);
        } finally {
          writeFileSync(join(dir, a), originals.get(a)!);
          writeFileSync(join(dir, b), originals.get(b)!);
        }
      }),
      fuzzParams(30),
    );
  }, 120_000);
});

describe('ftlab content check --content DIR (CLI) on damaged content', () => {
  // Run from inside the course so the problem paths are the short relative ones an editor opens.
  const cli = (content: string, ...extra: string[]) =>
    spawnSync(process.execPath, [join(repo, 'dist/cli.js'), 'content', 'check', ...extra, '--content', content], { encoding: 'utf8', cwd: content, timeout: 20_000 });
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ftlab-content-cli-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  function damaged(name: string, file: string, edit: (b: Buffer) => Buffer): string {
    const d = join(work, name);
    cpSync(good, d, { recursive: true });
    writeFileSync(join(d, file), edit(readFileSync(join(d, file))));
    return d;
  }
  const lines = (out: string) => out.split('\n').filter(Boolean);

  it('a tab in the indentation of a bank: exit 1, one problem on stdout at path:line:col', () => {
    const d = damaged('tab', 'quizzes/basics.yaml', (b) => Buffer.from(b.toString().replace('  lesson: intro', '\tlesson: intro')));
    const r = cli(d);
    expect(r.status).toBe(1);
    expect(lines(r.stdout)).toEqual([`quizzes/basics.yaml:3:1: invalid YAML: a tab in the indentation: YAML indents with spaces only`]);
    expect(r.stderr).toContain('1 problem found');
  });

  it('invalid UTF-8 in a lesson: exit 1, one problem at the byte, no knock-on from the questions that cite it', () => {
    const d = damaged('utf8', 'content/01-basics/01-intro.md', (b) => Buffer.from(b.toString('latin1').replace('## Parameter count', '## Param\xe9ter count'), 'latin1'));
    const r = cli(d);
    expect(r.status).toBe(1);
    expect(lines(r.stdout)).toEqual([`content/01-basics/01-intro.md:24:9: the file is not valid UTF-8 (byte 0xE9 here): save it as UTF-8`]);
  });

  it('a lab.yaml that does not parse gives one problem, not one per following line', () => {
    const d = damaged('lab', 'labs/demo/lab.yaml', (b) => Buffer.from(b.toString().replace('    title: Write the config', '     title: Write the config')));
    const r = cli(d);
    expect(r.status).toBe(1);
    expect(lines(r.stdout)).toHaveLength(1);
    expect(r.stdout).toMatch(/^labs\/demo\/lab\.yaml:8:6: invalid YAML: this line is indented more than line 7, /);
  });

  it('--json carries the same single problem', () => {
    const d = damaged('json', 'quizzes/basics.yaml', (b) => Buffer.concat([b, Buffer.from([0x00])]));
    const r = cli(d, '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.problems).toHaveLength(1);
    expect(doc.problems[0]).toMatchObject({ path: 'quizzes/basics.yaml', col: expect.any(Number), message: expect.stringContaining('NUL byte') });
  });
});
