// The JSON Schemas in schemas/ are generated from src/core/content/schema.ts; the committed files must be
// exactly what the generator writes today.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QUESTION_TYPES } from '../../../src/core/content/schema.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('generated JSON Schemas', () => {
  it('committed schemas equal what scripts/gen-schemas.mjs generates', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-schemas.mjs', '--check'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('the quiz schema offers every question type to editors', () => {
    const quiz = JSON.parse(readFileSync(`${root}/schemas/quiz.schema.json`, 'utf8'));
    expect(quiz.type).toBe('array');
    const types = quiz.items.oneOf.map((o: { properties: { type: { const: string } } }) => o.properties.type.const);
    expect(types).toEqual([...QUESTION_TYPES]);
  });
});
