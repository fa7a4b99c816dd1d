// The serving lab's retrieval example (labs/serving/retrieval.mjs) runs against ftlab backend serving the
// shipped base model and prints every passage ranked by cosine similarity. No figure of the current model
// is assumed (the base model may be replaced): only the ranking's form.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
let app: FastifyInstance;
let host: string;

beforeAll(async () => {
  ({ app } = await buildBackendApp({ modelDir: repo('labs/lora/base'), name: 'ftlab-micro', adapters: [], workers: 1, maxQueue: 8 }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  host = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await app?.close();
});

describe('labs/serving/retrieval.mjs', () => {
  it('ranks the passages for a question with the shipped model, best first', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [repo('labs/serving/retrieval.mjs'), 'What does LoRA train?'], {
      env: { ...process.env, OLLAMA_HOST: host },
      timeout: 60_000,
    });
    const [header, ...lines] = stdout.trim().split('\n');
    const hidden = (JSON.parse(readFileSync(repo('labs/lora/base/config.json'), 'utf8')) as { hidden_size: number }).hidden_size;
    expect(header).toBe(`What does LoRA train?  (model ftlab-micro, ${hidden} dimensions)`);
    expect(lines).toHaveLength(4);
    const scores = lines.map((l) => Number(/^\s+(-?\d\.\d{3})\s{2}\S/.exec(l)?.[1]));
    expect(scores.every((s) => Number.isFinite(s) && Math.abs(s) <= 1)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const script = readFileSync(repo('labs/serving/retrieval.mjs'), 'utf8');
    for (const line of lines) expect(script).toContain(line.replace(/^\s+-?\d\.\d{3}\s{2}/, ''));
  });
});
