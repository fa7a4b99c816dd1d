// The LoRA lab's task data (labs/lora/data/generate.mjs) and pretraining corpus (scripts/make-corpus.mjs):
// the committed files are what the generators write; held-out tickets are made only of phrasings the
// fine-tuning data never shows; the corpus holds no label in the answer format and no held-out ticket.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const lab = join(root, 'labs/lora');
// plain JavaScript modules (no type declarations): imported by URL
const load = async (rel: string) => import(pathToFileURL(join(root, rel)).href);

interface Row {
  instruction: string;
  input: string;
  output: string;
}
const readRows = (name: string): Row[] =>
  readFileSync(join(lab, 'data', name), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
const label = (r: Row, key: string) => new RegExp(`^${key}: (\\w+)$`, 'm').exec(r.output)![1];
const sentences = (s: string) => s.split(/(?<=[.?!])\s+/);

describe('LoRA lab task data', () => {
  const train = readRows('train.jsonl');
  const val = readRows('val.jsonl');
  const heldout = readRows('heldout.jsonl');

  it('the committed files are what generate.mjs writes', async () => {
    const { makeData } = await load('labs/lora/data/generate.mjs');
    const data = makeData();
    expect(data.train).toEqual(train);
    expect(data.val).toEqual(val);
    expect(data.heldout).toEqual(heldout);
  });

  it('held-out tickets share no sentence, instruction or ticket with train and val', () => {
    const seen = new Set([...train, ...val].flatMap((r) => sentences(r.input)));
    const shared = heldout.flatMap((r) => sentences(r.input)).filter((s) => seen.has(s));
    expect(shared).toEqual([]);
    const instructions = new Set([...train, ...val].map((r) => r.instruction));
    expect(heldout.filter((r) => instructions.has(r.instruction))).toEqual([]);
    const inputs = new Set(train.map((r) => r.input));
    expect(val.filter((r) => inputs.has(r.input))).toEqual([]);
  });

  it('every label value occurs, and the most common class is well short of every ticket', () => {
    for (const [key, values] of [['category', ['billing', 'shipping', 'account', 'technical']]] as const) {
      for (const rows of [train, heldout]) {
        const counts = new Map<string, number>();
        for (const r of rows) counts.set(label(r, key), (counts.get(label(r, key)) ?? 0) + 1);
        expect([...counts.keys()].sort()).toEqual([...values].sort());
        expect(Math.max(...counts.values()) / rows.length).toBeLessThan(0.45);
      }
    }
  });

  it('the two sides of every phrase list are disjoint and both non-empty', async () => {
    const L = await load('labs/lora/data/language.mjs');
    const lists: unknown[][] = [
      L.FRAMES,
      L.OPENERS,
      L.CLOSERS,
      ...Object.values(L.PROBLEMS as Record<string, unknown[]>),
      ...Object.values(L.DETAILS as Record<string, unknown[]>),
      ...Object.values(L.URGENCY as Record<string, unknown[]>),
    ];
    for (const list of lists) {
      const a = L.side(list, 'train');
      const b = L.side(list, 'heldout');
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
      expect(a.filter((x: unknown) => b.includes(x))).toEqual([]);
      expect(a.length + b.length).toBe(list.length);
    }
  });
});

describe('LoRA lab pretraining corpus', () => {
  const read = (name: string) => readFileSync(join(lab, 'corpus', name), 'utf8');

  it('holds no label in the answer format and no held-out ticket', () => {
    const heldout = readRows('heldout.jsonl');
    for (const name of ['lessons.txt', 'tickets.txt', 'help.txt']) {
      const text = read(name);
      expect(text).not.toMatch(/\b(category|priority): /i);
      expect(heldout.filter((r) => text.includes(r.input))).toEqual([]);
    }
  });

  it('tickets.txt and help.txt are what make-corpus.mjs writes', async () => {
    const { makeCorpus } = await load('scripts/make-corpus.mjs');
    const { heldoutTickets } = await load('labs/lora/data/generate.mjs');
    const files = makeCorpus({ heldoutTexts: new Set(heldoutTickets()) });
    expect(files['tickets.txt']).toBe(read('tickets.txt'));
    expect(files['help.txt']).toBe(read('help.txt'));
  });

  it('the course prose keeps sentences and drops markup', async () => {
    const { markdownToParagraphs } = await load('scripts/make-corpus.mjs');
    const md = [
      '---',
      'id: x',
      '---',
      '# A title here',
      '',
      'Some **bold** text and `code`, a [link](http://x) here.',
      'It continues on a second line.',
      '',
      '```ts',
      'const hidden = 1;',
      '```',
      '',
      '| a | b |',
      '|---|---|',
      '',
      '- first item of the list',
      '- second item of the list',
    ].join('\n');
    expect(markdownToParagraphs(md)).toEqual([
      'A title here',
      'Some bold text and code, a link here. It continues on a second line.',
      'first item of the list',
      'second item of the list',
    ]);
  });
});
