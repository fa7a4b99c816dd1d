// OpenAI's legacy /v1/completions over real HTTP on 127.0.0.1 with the official `openai` SDK: ftlab backend
// and ftlab serve in front of it (Ollama and OpenAI-compatible model clients). Greedy decoding, so every server
// must reproduce the backend's own /api/generate answer for the same prompt.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBackend } from '../../../src/commands/serve.js';
import { buildServeApp } from '../../../src/engines/serve/app.js';
import { buildBackendApp } from '../../../src/engines/serve/ollama/server.js';
import { writeTinyModel } from './tiny-model.js';

const apps: FastifyInstance[] = [];
const urls: Record<string, string> = {};

async function listen(app: FastifyInstance): Promise<string> {
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const { app } = await buildBackendApp({ modelDir: writeTinyModel(), name: 'm', adapters: [], workers: 1, maxQueue: 32 });
  urls.backend = await listen(app);
  const serve = (kind: 'ollama' | 'openai', url: string) =>
    buildServeApp({ backend: makeBackend(kind, url), defaultModel: 'm', version: 't', logLevel: 'silent', docs: false }).then(listen);
  urls['serve --backend ollama'] = await serve('ollama', urls.backend);
  urls['serve --backend openai'] = await serve('openai', `${urls.backend}/v1`);
}, 60_000);
afterAll(async () => {
  for (const app of apps.reverse()) await app.close();
});

const openai = (base: string) => new OpenAI({ baseURL: `${base}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 30_000 });
const greedy = { model: 'm', max_tokens: 6, temperature: 0 } as const;

/** The backend's own answer to the prompt as a generate request (the same template and sampling). */
async function reference(prompt: string) {
  const r = await new Ollama({ host: urls.backend }).generate({
    model: 'm',
    prompt,
    stream: false,
    options: { temperature: 0, num_predict: 6 },
  });
  return { text: r.response, prompt: r.prompt_eval_count, completion: r.eval_count, reason: r.done_reason };
}

describe.each(['backend', 'serve --backend ollama', 'serve --backend openai'])('/v1/completions on %s', (target) => {
  const client = () => openai(urls[target]);

  it('answers a text_completion with the generate answer, finish_reason and usage', async () => {
    const ref = await reference('What is LoRA?');
    const r = await client().completions.create({ ...greedy, prompt: 'What is LoRA?' });
    expect(r.object).toBe('text_completion');
    expect(r.id).toMatch(/^cmpl-/);
    expect(r.model).toBe('m');
    expect(r.choices).toEqual([{ text: ref.text, index: 0, logprobs: null, finish_reason: ref.reason === 'length' ? 'length' : 'stop' }]);
    expect(r.usage).toEqual({ prompt_tokens: ref.prompt, completion_tokens: ref.completion, total_tokens: ref.prompt + ref.completion });
  });

  it('streams text_completion chunks that add up to the same text, with the usage chunk last', async () => {
    const ref = await reference('Stream me');
    const stream = await client().completions.create({
      ...greedy,
      prompt: 'Stream me',
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: ref.prompt, completion_tokens: ref.completion, total_tokens: ref.prompt + ref.completion });
    const body = chunks.slice(0, -1);
    expect(body.every((c) => c.object === 'text_completion' && c.usage === null && c.id === last.id)).toBe(true);
    expect(body.map((c) => c.choices[0].text).join('')).toBe(ref.text);
    expect(body.at(-1)!.choices[0].finish_reason).toBe(ref.reason === 'length' ? 'length' : 'stop');
    expect(body.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    // without include_usage: no usage chunk and no usage field
    const plain = await client().completions.create({ ...greedy, prompt: 'Stream me', stream: true });
    const parts: OpenAI.Completion[] = [];
    for await (const chunk of plain) parts.push(chunk);
    expect(parts.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
  });

  it('a list of prompts gives one choice per prompt, in order', async () => {
    const prompts = ['first one', 'second'];
    const r = await client().completions.create({ ...greedy, prompt: prompts });
    const refs = await Promise.all(prompts.map(reference));
    expect(r.choices.map((c) => [c.index, c.text])).toEqual(refs.map((ref, i) => [i, ref.text]));
    expect(r.usage!.prompt_tokens).toBe(refs[0].prompt + refs[1].prompt);
  });

  it('refuses what it cannot do with a 400 naming the field, and an unknown model with a 404', async () => {
    const refused: [Record<string, unknown>, string][] = [
      [{ echo: true }, 'echo'],
      [{ n: 2 }, 'n'],
      [{ best_of: 3 }, 'best_of'],
      [{ logprobs: 2 }, 'logprobs'],
      [{ suffix: 'end' }, 'suffix'],
      [{ prompt: [[1, 2, 3]] }, 'prompt'],
      [{ prompt: '' }, 'prompt'],
      [{ prompt: ['a', ''] }, 'prompt[1]'],
    ];
    for (const [extra, param] of refused) {
      const err = await client()
        .completions.create({ ...greedy, prompt: 'hi', ...extra } as OpenAI.CompletionCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(err, JSON.stringify(extra)).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).param, JSON.stringify(extra)).toBe(param);
    }
    await expect(client().completions.create({ ...greedy, model: 'nope', prompt: 'hi' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
