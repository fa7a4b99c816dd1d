// Grading inside the app (issue 12, F-04): the lab runner grades the LoRA steps with the newest
// complete adapter the lab screen trained, and says so; with none it says how to get one. The serving
// step is graded against the API the lab screen keeps running, or a URL the runner asks for (prefilled
// with the lab's --api-port); an address where nothing listens is found before any check runs.
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gradingUrl, inAppCheckOptions, latestLoraAdapter, listening, loraRunsDir, servingApiUrl } from '../../src/app/lab-artefacts.js';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((h) => rmSync(h, { recursive: true, force: true })));

function run(home: string, name: string, at: number, complete = true) {
  const dir = join(loraRunsDir(home), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'adapter_config.json'), '{}');
  if (complete) {
    writeFileSync(join(dir, 'adapter_model.safetensors'), '');
    utimesSync(join(dir, 'adapter_model.safetensors'), at, at);
  }
  return dir;
}

describe('in-app lab grading options', () => {
  it('picks the newest complete adapter, ignoring folders without weights', () => {
    const home = mkdtempSync(join(tmpdir(), 'ftlab-artefacts-'));
    homes.push(home);
    expect(latestLoraAdapter(home)).toBeUndefined();
    expect(inAppCheckOptions('lora', home)).toMatchObject({
      options: {},
      note: expect.stringMatching(/No adapter trained yet: press o, then t/),
    });
    run(home, 'lora-1', 1_000);
    const newest = run(home, 'lora-2', 2_000);
    run(home, 'qlora-3', 3_000, false); // interrupted before the weights were written
    expect(latestLoraAdapter(home)).toBe(newest);
    expect(inAppCheckOptions('lora', home)).toEqual({
      options: { adapter: newest },
      note: `Grading the latest adapter the lab screen trained: ${newest}`,
    });
    expect(inAppCheckOptions('metrics', home)).toEqual({ options: {} });
  });

  it("grades the serving API the lab screen runs, else asks for a URL on the lab's API port", () => {
    const home = mkdtempSync(join(tmpdir(), 'ftlab-artefacts-'));
    homes.push(home);
    expect(inAppCheckOptions('serving', home, { apiUrl: 'http://127.0.0.1:4321' })).toEqual({
      options: { url: 'http://127.0.0.1:4321' },
      note: 'Grading the API the lab screen started: http://127.0.0.1:4321',
    });
    const asking = inAppCheckOptions('serving', home);
    expect(asking.options).toEqual({});
    expect(asking.askUrl).toBe(servingApiUrl());
    expect(asking.note).toMatch(/press o, then b and a to start it .* or press Enter to give the URL/);
    // lab open serving --api-port N hands the ports over in FTLAB_SERVING_LAB_PORTS; 0 (any port) offers the usual one.
    expect(servingApiUrl({ FTLAB_SERVING_LAB_PORTS: '12435,18080' })).toBe('http://127.0.0.1:18080');
    expect(servingApiUrl({ FTLAB_SERVING_LAB_PORTS: '0,0' })).toBe('http://127.0.0.1:8000');
    expect(servingApiUrl({})).toBe('http://127.0.0.1:8000');
  });

  it('takes an http(s) URL as typed (no trailing slash) and refuses anything else', () => {
    expect(gradingUrl(' http://127.0.0.1:8000/ ')).toBe('http://127.0.0.1:8000');
    expect(gradingUrl('https://api.example/v1')).toBe('https://api.example/v1');
    for (const bad of ['', '127.0.0.1:8000', 'ftp://x', 'http://', 'localhost']) expect(gradingUrl(bad), bad).toBeUndefined();
  });

  it('tells an address where something listens from one where nothing does', async () => {
    const server = createServer((_, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      expect(await listening(`http://127.0.0.1:${port}`)).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await listening(`http://127.0.0.1:${port}`)).toBe(false);
  });
});
