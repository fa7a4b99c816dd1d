// `ftlab backend` against the official `ollama` npm client and curl, over real HTTP on 127.0.0.1.
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { writeTinyModel } from './tiny-model.js';

describe('ftlab backend speaks Ollama', () => {
  let app: FastifyInstance;
  let host: string;
  let client: Ollama;
  beforeAll(async () => {
    const modelDir = writeTinyModel();
    ({ app } = await buildBackendApp({ modelDir, name: 'ftlab-micro', adapters: [], workers: 2, maxQueue: 32 }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    host = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    client = new Ollama({ host });
  });
  afterAll(async () => {
    await app.close();
  });

  it('lists, shows and reports version like Ollama', async () => {
    const list = await client.list();
    expect(list.models.map((m) => m.name)).toEqual(['ftlab-micro:latest']);
    expect(list.models[0].details.family).toBe('llama');
    expect(list.models[0].digest).toMatch(/^[0-9a-f]{64}$/);
    const show = await client.show({ model: 'ftlab-micro' });
    expect(show.details.format).toBe('safetensors');
    expect((await client.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await (await fetch(host)).text()).toBe('Ollama is running');
  });

  it('generates without streaming, deterministically under a seed, with Ollama counters', async () => {
    const a = await client.generate({
      model: 'ftlab-micro',
      prompt: 'Hello',
      stream: false,
      options: { seed: 3, num_predict: 12, temperature: 0.7 },
    });
    const b = await client.generate({
      model: 'ftlab-micro',
      prompt: 'Hello',
      stream: false,
      options: { seed: 3, num_predict: 12, temperature: 0.7 },
    });
    expect(a.done).toBe(true);
    expect(a.response).toBe(b.response);
    expect(a.eval_count).toBeGreaterThan(0);
    expect(a.eval_count).toBeLessThanOrEqual(12);
    expect(a.prompt_eval_count).toBeGreaterThan(0);
    expect(a.total_duration).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(a.done_reason);
    const ps = await client.ps();
    expect(ps.models.map((m) => m.name)).toContain('ftlab-micro:latest');
  });

  it('streams generate and chat as NDJSON ending in a done object', async () => {
    const stream = await client.generate({ model: 'ftlab-micro', prompt: 'Stream', stream: true, options: { seed: 1, num_predict: 10 } });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts.at(-1)!.done).toBe(true);
    expect(parts.slice(0, -1).every((p) => !p.done)).toBe(true);
    const nonStream = await client.generate({
      model: 'ftlab-micro',
      prompt: 'Stream',
      stream: false,
      options: { seed: 1, num_predict: 10 },
    });
    expect(parts.map((p) => p.response).join('')).toBe(nonStream.response);

    const chat = await client.chat({
      model: 'ftlab-micro',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      options: { seed: 2, num_predict: 8 },
    });
    const chatParts = [];
    for await (const part of chat) chatParts.push(part);
    expect(chatParts.at(-1)!.done).toBe(true);
    expect(chatParts[0].message.role).toBe('assistant');
    const plain = await client.chat({
      model: 'ftlab-micro',
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
      options: { seed: 2, num_predict: 8 },
    });
    expect(chatParts.map((p) => p.message.content).join('')).toBe(plain.message.content);
  });

  it('honours stop sequences and num_predict', async () => {
    const r = await client.generate({
      model: 'ftlab-micro',
      prompt: 'x',
      stream: false,
      options: { seed: 5, num_predict: 40, temperature: 1, stop: ['e'] },
    });
    expect(r.response).not.toContain('e');
    const short = await client.generate({
      model: 'ftlab-micro',
      prompt: 'x',
      stream: false,
      options: { seed: 5, num_predict: 3, temperature: 1 },
    });
    expect(short.eval_count).toBeLessThanOrEqual(3);
  });

  it('can abort a stream mid-way and keeps serving', async () => {
    const stream = await client.generate({ model: 'ftlab-micro', prompt: 'long', stream: true, options: { num_predict: 200, seed: 9 } });
    let seen = 0;
    await expect(
      (async () => {
        for await (const _ of stream) {
          if (++seen === 2) stream.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    const after = await client.generate({ model: 'ftlab-micro', prompt: 'ok', stream: false, options: { num_predict: 4 } });
    expect(after.done).toBe(true);
  });

  it('answers 8 concurrent chats', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.chat({
          model: 'ftlab-micro',
          messages: [{ role: 'user', content: `question ${i}` }],
          stream: false,
          options: { seed: i, num_predict: 6 },
        }),
      ),
    );
    expect(results).toHaveLength(8);
    for (const r of results) expect(r.done).toBe(true);
  });

  it('answers unknown models with ResponseError 404 and malformed JSON with 400', async () => {
    await expect(client.generate({ model: 'llama9', prompt: 'x', stream: false })).rejects.toMatchObject({
      name: 'ResponseError',
      status_code: 404,
    });
    const bad = await fetch(`${host}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": "ftlab-micro",',
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(await bad.json())).toEqual(['error']);
    const empty = await fetch(`${host}/api/chat`, { method: 'POST', body: '' });
    expect(empty.status).toBe(400);
    const load = await client.generate({ model: 'ftlab-micro', prompt: '', stream: false });
    expect(load.done_reason).toBe('load');
  });

  it('works with curl commands written for Ollama', async () => {
    const { stdout } = await promisify(execFile)('curl', [
      '-s',
      `${host}/api/generate`,
      '-d',
      '{"model":"ftlab-micro","prompt":"Why is the sky blue?","stream":false,"options":{"num_predict":5}}',
    ]);
    const body = JSON.parse(stdout);
    expect(body.done).toBe(true);
    expect(typeof body.response).toBe('string');
    const streamed = await promisify(execFile)('curl', [
      '-s',
      `${host}/api/chat`,
      '-d',
      '{"model":"ftlab-micro","messages":[{"role":"user","content":"hi"}],"options":{"num_predict":5}}',
    ]);
    const lines = streamed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.at(-1).done).toBe(true);
  });

  it('speaks the OpenAI-compatible routes', async () => {
    const models = await (await fetch(`${host}/v1/models`)).json();
    expect(models.data[0].id).toBe('ftlab-micro:latest');
    const res = await fetch(`${host}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'ftlab-micro', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, seed: 1 }),
    });
    const body = await res.json();
    expect(body.object).toBe('chat.completion');
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(5);
    const sse = await fetch(`${host}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'ftlab-micro', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5, seed: 1, stream: true }),
    });
    const text = await sse.text();
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    const missing = await fetch(`${host}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toContain('not found');
  });

  it('answers /api/tags while generation runs (work is off the event loop)', async () => {
    let generating = true;
    const busy = Promise.all(
      Array.from({ length: 2 }, () =>
        client.generate({ model: 'ftlab-micro', prompt: 'busy', stream: false, options: { num_predict: 150 } }),
      ),
    ).finally(() => (generating = false));
    // Ordering, not time: a blocked event loop could answer no /api/tags until the generations ended.
    let answeredDuring = 0;
    while (generating) {
      await client.list();
      if (generating) answeredDuring++;
    }
    await busy;
    expect(answeredDuring).toBeGreaterThan(0);
  });
});
