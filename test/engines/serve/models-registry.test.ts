// Model management on ftlab backend over real HTTP on 127.0.0.1 with the official `ollama` client (and curl-
// style fetches for the forms it does not send): create a model from the base plus a LoRA adapter folder,
// generate with it by name, copy it, delete it; the Modelfile forms (`ftlab train`'s folder, `path`,
// `modelfile`); the refusals; and the registry file that keeps created models across a restart.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelfile } from '../../../src/engines/llm/io.js';
import { parseModelfile } from '../../../src/engines/serve/ollama/modelfile.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { writeTinyAdapter } from './tiny-adapter.js';
import { writeTinyModel } from './tiny-model.js';

const modelDir = writeTinyModel();
const adapterDir = writeTinyAdapter(modelDir);
const registryFile = join(mkdtempSync(join(tmpdir(), 'ftlab-registry-')), 'backend', 'models.json');
const apps: FastifyInstance[] = [];

async function start(): Promise<{ host: string; app: FastifyInstance }> {
  const { app } = await buildBackendApp({ modelDir, name: 'm', adapters: [], workers: 2, maxQueue: 32, registryFile });
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { host: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app };
}

let host: string;
let client: Ollama;
beforeAll(async () => {
  ({ host } = await start());
  client = new Ollama({ host });
}, 60_000);
afterAll(async () => {
  for (const app of apps) await app.close();
});

const ask = (model: string, prompt = 'My parcel is late') =>
  client.generate({ model, prompt, stream: false, options: { temperature: 0, num_predict: 12 } }).then((r) => r.response);
const names = async () => (await client.list()).models.map((m) => m.name).sort();
const post = (path: string, body: unknown, method = 'POST') => fetch(`${host}${path}`, { method, body: JSON.stringify(body) });

describe('create → generate by name → copy → delete (the ollama client)', () => {
  it('a base + adapter model answers with the adapter, is listed everywhere, and shows its Modelfile', async () => {
    const base = await ask('m');
    const progress = await client.create({ model: 'support', from: 'm', adapters: { support: adapterDir }, stream: true });
    const statuses: string[] = [];
    for await (const p of progress) statuses.push(p.status);
    expect(statuses.at(-1)).toBe('success');
    const tuned = await ask('support');
    expect(tuned).not.toBe(base);
    expect(await ask('support:latest')).toBe(tuned);
    expect(await names()).toEqual(['m:latest', 'support:latest']);
    const show = await client.show({ model: 'support' });
    expect(show.details.parent_model).toBe('m:latest');
    expect(show.modelfile).toContain(`ADAPTER ${adapterDir}`);
    const models = await new OpenAI({ baseURL: `${host}/v1`, apiKey: 'x', maxRetries: 0 }).models.list();
    expect(models.data.map((m) => m.id)).toContain('support:latest');
    // it embeds too (the merged weights)
    expect((await client.embed({ model: 'support', input: 'hi' })).embeddings[0]).toHaveLength(16);
  });

  it('copy serves the same model under a second name; delete removes one name (200), then 404', async () => {
    await client.copy({ source: 'support', destination: 'support-backup' });
    expect(await ask('support-backup')).toBe(await ask('support'));
    expect((await client.show({ model: 'support-backup' })).modelfile).toContain(`ADAPTER ${adapterDir}`);
    await client.delete({ model: 'support' });
    await expect(ask('support')).rejects.toMatchObject({ status_code: 404, error: "model 'support' not found" });
    expect(await ask('support-backup')).not.toBe(await ask('m'));
    await expect(client.delete({ model: 'support' })).rejects.toMatchObject({ status_code: 404 });
    // Ollama's own answers: 200 with an empty body; the older {name} field works too
    const copied = await post('/api/copy', { source: 'm', destination: 'ns/m2:v1' });
    expect([copied.status, await copied.text()]).toEqual([200, '']);
    const deleted = await post('/api/delete', { name: 'ns/m2:v1' }, 'DELETE');
    expect([deleted.status, await deleted.text()]).toEqual([200, '']);
    expect((await post('/api/copy', { source: 'absent', destination: 'x' })).status).toBe(404);
  });

  it("SYSTEM and PARAMETERs become the model's defaults; a request still overrides them", async () => {
    await client.create({ model: 'terse', from: 'm', system: 'Answer in one word.', parameters: { num_predict: 3, temperature: 0 } });
    const r = await client.generate({ model: 'terse', prompt: 'My parcel is late', stream: false });
    expect(r.eval_count).toBeLessThanOrEqual(3);
    const withSystem = await client.generate({
      model: 'm',
      prompt: 'My parcel is late',
      system: 'Answer in one word.',
      stream: false,
      options: { num_predict: 3, temperature: 0 },
    });
    expect(r.response).toBe(withSystem.response);
    expect(r.prompt_eval_count).toBe(withSystem.prompt_eval_count);
    const longer = await client.generate({ model: 'terse', prompt: 'My parcel is late', stream: false, options: { num_predict: 6 } });
    expect(longer.eval_count).toBeGreaterThan(3);
    const show = await client.show({ model: 'terse' });
    expect(show.system).toBe('Answer in one word.');
    expect(show.parameters).toContain('num_predict 3');
  });
});

describe('the Modelfile forms', () => {
  it("`ftlab train`'s folder (FROM the base, ADAPTER ., TEMPLATE) becomes a model by `from`, `path` or `modelfile`", async () => {
    writeModelfile(adapterDir, { baseDir: modelDir, adapter: true });
    const parsed = parseModelfile(readFileSync(join(adapterDir, 'Modelfile'), 'utf8'));
    expect(parsed.adapters).toEqual(['.']);
    const viaFolder = await post('/api/create', { model: 'from-folder', from: adapterDir, stream: false });
    expect([viaFolder.status, await viaFolder.json()]).toEqual([200, { status: 'success' }]);
    const viaPath = await post('/api/create', { model: 'from-path', path: join(adapterDir, 'Modelfile'), stream: false });
    expect(viaPath.status).toBe(200);
    const text = `FROM m\nADAPTER ${adapterDir}\n# a comment\nPARAMETER stop "\\n"\nSYSTEM """Be\nbrief."""\n`;
    const viaText = await post('/api/create', { model: 'from-text', modelfile: text, stream: false });
    expect(viaText.status).toBe(200);
    const reference = await ask('support-backup');
    expect(await ask('from-folder')).toBe(reference);
    expect(await ask('from-path')).toBe(reference);
    expect((await client.show({ model: 'from-text' })).system).toBe('Be\nbrief.');
    // an adapter folder alone goes on the server's base model
    await client.create({ model: 'bare', from: 'm', adapters: { a: join(adapterDir, 'adapter_model.safetensors') } });
    expect(await ask('bare')).toBe(reference);
  });

  it('refuses with a 400 that says why: blobs, quantize, a custom template, MESSAGE, two adapters, bad names and folders', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ model: 'x', from: 'm', adapters: { a: 'sha256:abc' } }, /reads adapter folders on its own disk/],
      [{ model: 'x', files: { 'model.gguf': 'sha256:abc' } }, /files \(uploaded blobs\) are not supported/],
      [{ model: 'x', from: 'm', quantize: 'q4_K_M' }, /quantize is not supported/],
      [{ model: 'x', from: 'm', template: '{{ .Prompt }}' }, /custom TEMPLATE is not supported/],
      [{ model: 'x', modelfile: 'FROM m\nMESSAGE user hi' }, /MESSAGE is not supported/],
      [{ model: 'x', from: 'm', adapters: { a: adapterDir, b: adapterDir } }, /only one adapter/],
      [{ model: 'x', from: 'support-backup', adapters: { a: adapterDir } }, /already has an adapter/],
      [{ model: 'bad name!', from: 'm' }, /not a valid model name/],
      [{ model: 'x', from: '/no/such/folder' }, /neither a model on this server .* nor a model or adapter folder/],
      [{ model: 'x', from: 'm', adapters: { a: modelDir } }, /missing adapter_config.json/],
      [{ model: 'x', from: 'm', parameters: { mirostat: 1 } }, /parameter "mirostat" is not supported/],
      [{ model: 'x', modelfile: 'SYSTEM hi' }, /has no FROM line/],
      [{ model: 'x', path: '/etc/passwd' }, /^Modelfile line 1 is not an instruction/],
      [{ model: 'x' }, /from is required/],
    ];
    for (const [body, message] of cases) {
      const res = await post('/api/create', body);
      const answer = (await res.json()) as { error: string };
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(answer.error, JSON.stringify(body)).toMatch(message);
    }
    // a Modelfile read from a path never has its text echoed
    const secret = join(mkdtempSync(join(tmpdir(), 'ftlab-secret-')), 'notes');
    writeFileSync(secret, 'password=hunter2\n');
    const res = await post('/api/create', { model: 'x', path: secret });
    expect(await res.text()).not.toContain('hunter2');
    expect(await names()).not.toContain('x:latest');
  });
});

describe('persistence', () => {
  it('created and copied models are in the registry file and served again after a restart; deleted ones are gone', async () => {
    const saved = JSON.parse(readFileSync(registryFile, 'utf8')) as { models: { name: string; adapterDir?: string }[] };
    const stored = saved.models.map((m) => m.name).sort();
    expect(stored).toContain('support-backup:latest');
    expect(stored).toContain('terse:latest');
    expect(stored).not.toContain('support:latest');
    expect(stored).not.toContain('m:latest');
    const before = await ask('support-backup');
    const { host: again } = await start();
    const restarted = new Ollama({ host: again });
    expect((await restarted.list()).models.map((m) => m.name).sort()).toEqual(await names());
    const r = await restarted.generate({
      model: 'support-backup',
      prompt: 'My parcel is late',
      stream: false,
      options: { temperature: 0, num_predict: 12 },
    });
    expect(r.response).toBe(before);
    expect((await restarted.show({ model: 'terse' })).system).toBe('Answer in one word.');
  });

  it('an entry whose folder is gone is skipped with a note, not a failed start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ftlab-registry-')), 'models.json');
    writeFileSync(
      file,
      JSON.stringify({ version: 1, models: [{ name: 'gone:latest', modelDir, adapterDir: '/no/such/adapter', parent: 'm:latest' }] }),
    );
    const built = await buildBackendApp({ modelDir, name: 'm', adapters: [], workers: 1, maxQueue: 4, registryFile: file });
    apps.push(built.app);
    expect([...built.models.keys()]).toEqual(['m:latest']);
    expect(built.notes).toEqual([expect.stringMatching(/skipped "gone:latest": .*\/no\/such\/adapter/)]);
    // a damaged file is kept aside (models.json.corrupt-<time>), never lost, and the server starts
    writeFileSync(file, '{not json');
    const damaged = await buildBackendApp({ modelDir, name: 'm', adapters: [], workers: 1, maxQueue: 4, registryFile: file });
    apps.push(damaged.app);
    expect([...damaged.models.keys()]).toEqual(['m:latest']);
    const kept = readdirSync(dirname(file)).filter((f) => f.startsWith('models.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dirname(file), kept[0]), 'utf8')).toBe('{not json');
  });
});
