// Generates the JSON Schemas editors use for autocompletion (`# yaml-language-server: $schema=…`)
// from the zod source of truth, src/core/content/schema.ts, into schemas/.
//   node scripts/gen-schemas.mjs           write the files
//   node scripts/gen-schemas.mjs --check   exit 1 if a committed file differs from what would be written
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');

// Bundle the schema module (zod included) so this plain script can import TypeScript.
const work = mkdtempSync(join(tmpdir(), 'ftlab-schemas-'));
let schema;
try {
  const outfile = join(work, 'schema.mjs');
  await build({
    entryPoints: [join(root, 'src/core/content/schema.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
  });
  schema = await import(pathToFileURL(outfile).href);
} finally {
  rmSync(work, { recursive: true, force: true });
}
const { z } = await import('zod');

const targets = [
  {
    file: 'quiz.schema.json',
    source: schema.questionBankSchema,
    title: 'ftlab question bank',
    description: 'quizzes/<module-id>.yaml: a list of questions (see docs/content-format.md).',
  },
  {
    file: 'lab.schema.json',
    source: schema.labSchema,
    title: 'ftlab lab',
    description: 'labs/<lab-id>/lab.yaml: a lab with steps and declarative checks (see docs/content-format.md).',
  },
  {
    file: 'lesson.schema.json',
    source: schema.lessonFrontMatterSchema,
    title: 'ftlab lesson front matter',
    description: 'The YAML front matter of content/<NN>-<slug>/<NN>-<slug>.md.',
  },
  { file: 'module.schema.json', source: schema.moduleSchema, title: 'ftlab module', description: 'content/<NN>-<slug>/module.yaml.' },
];

let stale = 0;
mkdirSync(join(root, 'schemas'), { recursive: true });
for (const t of targets) {
  // io: 'input' describes what authors write: fields with defaults are optional.
  const generated = z.toJSONSchema(t.source, { target: 'draft-2020-12', io: 'input' });
  const doc = { $schema: generated.$schema, title: t.title, description: t.description, ...generated };
  const text = JSON.stringify(doc, null, 2) + '\n';
  const path = join(root, 'schemas', t.file);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (check) {
    if (current !== text) {
      stale++;
      process.stderr.write(`schemas/${t.file} is out of date: run node scripts/gen-schemas.mjs\n`);
    }
  } else if (current !== text) {
    writeFileSync(path, text);
    process.stderr.write(`wrote schemas/${t.file}\n`);
  }
}
process.exitCode = stale ? 1 : 0;
