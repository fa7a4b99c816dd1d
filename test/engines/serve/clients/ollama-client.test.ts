// The official `ollama` npm client against ftlab backend over real HTTP on 127.0.0.1, as a learner's code
// calls it: version/list/show/ps/pull, generate and chat (streamed and not), options, stop, seed, abort,
// keep_alive 0 (unload), and Ollama's own 400s and 404s as the client's ResponseError.
import { fileURLToPath } from 'node:url';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../../../src/engines/llm/special-tokens.js';
import { ADAPTER, MODEL, startServers, type Servers } from './servers.js';

let servers: Servers;
let ollama: Ollama;
beforeAll(async () => {
  servers = await startServers();
  ollama = new Ollama({ host: servers.backend });
}, 60_000);
afterAll(async () => {
  await servers?.close();
});

/** The client's ResponseError (or whatever was thrown) of a call that must fail. */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e as Error & { status_code?: number; error?: string },
  );

describe('ollama client → ftlab backend', () => {
  it('version, list, show (with the adapter model), pull', async () => {
    expect((await ollama.version()).version).toMatch(/^\d+\.\d+\.\d+/);
    const { models } = await ollama.list();
    const names = models.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining([`${MODEL}:latest`, `${ADAPTER}:latest`]));
    for (const m of models) {
      // typed as Date by the client, sent as an ISO string by Ollama (and by ftlab)
      expect(Number.isFinite(Date.parse(String(m.modified_at))), String(m.modified_at)).toBe(true);
      expect(m.size).toBeGreaterThan(0);
      expect(m.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(m.details.family).toBe('llama');
    }
    const base = await ollama.show({ model: MODEL });
    expect(base.details.format).toBe('safetensors');
    expect(base.modelfile).toMatch(/^FROM /m);
    expect(base.template).toContain('{{ .Prompt }}');
    const adapter = await ollama.show({ model: ADAPTER });
    expect(adapter.modelfile).toMatch(/^ADAPTER /m);
    expect(adapter.details.parent_model).toMatch(/\S/);
    expect(await ollama.pull({ model: MODEL, stream: false })).toEqual({ status: 'success' });
    const statuses: string[] = [];
    for await (const p of await ollama.pull({ model: MODEL, stream: true })) statuses.push(p.status);
    expect(statuses.at(-1)).toBe('success');
  });

  it('generate, plain and streamed: the same greedy text, counters, durations and context', async () => {
    const request = { model: MODEL, prompt: 'What is LoRA?', options: { temperature: 0, num_predict: 12 } };
    const plain = await ollama.generate({ ...request, stream: false });
    expect(plain).toMatchObject({ model: MODEL, done: true });
    expect(['stop', 'length']).toContain(plain.done_reason);
    expect(plain.response!.length).toBeGreaterThan(0);
    expect(plain.eval_count).toBeLessThanOrEqual(12);
    expect(plain.prompt_eval_count).toBeGreaterThan(0);
    expect(plain.total_duration).toBeGreaterThanOrEqual(plain.eval_duration);
    expect(plain.context.length).toBe(plain.prompt_eval_count + plain.eval_count);
    const parts = [];
    for await (const part of await ollama.generate({ ...request, stream: true })) parts.push(part);
    expect(parts.slice(0, -1).every((p) => !p.done)).toBe(true);
    expect(parts.at(-1)).toMatchObject({ done: true, done_reason: plain.done_reason, eval_count: plain.eval_count });
    expect(parts.map((p) => p.response).join('')).toBe(plain.response);
  });

  it('chat, plain and streamed, with a system turn and history; roles without case', async () => {
    const messages = [
      { role: 'system', content: 'You are a support assistant.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'What is LoRA?' },
    ];
    const options = { temperature: 0, num_predict: 10 };
    const plain = await ollama.chat({ model: MODEL, messages, options, stream: false });
    expect(plain.message.role).toBe('assistant');
    expect(plain.message.content.length).toBeGreaterThan(0);
    expect(plain.done).toBe(true);
    let text = '';
    let last;
    for await (const part of await ollama.chat({ model: MODEL, messages, options, stream: true })) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe(plain.message.content);
    expect(last).toMatchObject({ done: true, eval_count: plain.eval_count, prompt_eval_count: plain.prompt_eval_count });
    // Ollama lowercases roles
    const shouted = await ollama.chat({ model: MODEL, messages: messages.map((m) => ({ ...m, role: m.role.toUpperCase() })), options });
    expect(shouted.message.content).toBe(plain.message.content);
  });

  it('options: seed makes sampling repeatable, num_predict bounds the reply, stop cuts before the stop text', async () => {
    const sample = (seed: number) =>
      ollama.generate({ model: MODEL, prompt: 'Tell me about adapters.', options: { temperature: 0.9, seed, num_predict: 16 } });
    const [a, b] = [await sample(42), await sample(42)];
    expect(a.response).toBe(b.response);
    const bounded = await ollama.generate({ model: MODEL, prompt: 'Tell me about adapters.', options: { num_predict: 3 } });
    expect(bounded.eval_count).toBe(3);
    expect(bounded.done_reason).toBe('length');
    const free = await ollama.generate({ model: MODEL, prompt: 'What is LoRA?', options: { temperature: 0, num_predict: 16 } });
    const stop = free.response!.slice(3, 5);
    expect(stop).toHaveLength(2);
    const cut = await ollama.generate({
      model: MODEL,
      prompt: 'What is LoRA?',
      options: { temperature: 0, num_predict: 16, stop: [stop] },
    });
    expect(cut.response).toBe(free.response!.slice(0, free.response!.indexOf(stop)));
    expect(cut.done_reason).toBe('stop');
  });

  it('system and raw on generate; the adapter model answers in its own format', async () => {
    const ask = (extra: Record<string, unknown>) =>
      ollama.generate({ model: MODEL, prompt: 'What is LoRA?', options: { temperature: 0, num_predict: 8 }, ...extra });
    const plain = await ask({});
    const withSystem = await ask({ system: 'Answer in one word.' });
    expect(withSystem.prompt_eval_count).toBeGreaterThan(plain.prompt_eval_count);
    const raw = await ask({ raw: true, prompt: 'User: What is LoRA?\nAssistant: ' });
    expect(raw.response).toBe(plain.response);
    const support = await ollama.generate({
      model: ADAPTER,
      prompt: 'My parcel has not arrived and I need it today.',
      options: { temperature: 0, num_predict: 40 },
    });
    expect(support.response).toMatch(/^category: \w+/);
  });

  it("template: the given template replaces the model's, and what it cannot render is a 400", async () => {
    const options = { temperature: 0, num_predict: 8 };
    const plain = await ollama.generate({ model: MODEL, prompt: 'What is LoRA?', system: 'Be brief.', options });
    // the model's own template, written out, gives the same prompt and the same answer
    const same = await ollama.generate({
      model: MODEL,
      prompt: 'What is LoRA?',
      system: 'Be brief.',
      template: '{{ if .System }}System: {{ .System }}\n{{ end }}User: {{ .Prompt }}\nAssistant: {{ .Response }}',
      options,
    });
    expect(same.response).toBe(plain.response);
    expect(same.prompt_eval_count).toBe(plain.prompt_eval_count);
    // another template is really used: a bare "Q:/A:" prompt is shorter than the chat turns
    const qa = await ollama.generate({ model: MODEL, prompt: 'What is LoRA?', template: 'Q: {{ .Prompt }}\nA:', options });
    const base = loadTokenizer(fileURLToPath(new URL('../../../../labs/lora/base', import.meta.url)));
    expect(qa.prompt_eval_count).toBe(base.encode('Q: What is LoRA?\nA:').length);
    const bad = await failure(ollama.generate({ model: MODEL, prompt: 'x', template: '{{ range .Messages }}{{ .Content }}{{ end }}' }));
    expect(bad.status_code).toBe(400);
    expect(bad.message).toMatch(/template/);
  });

  it('abort: a stream stopped mid-way rejects with AbortError, and the server keeps answering', async () => {
    const request = { model: MODEL, prompt: 'Tell me everything.', options: { num_predict: 200, temperature: 0 } };
    const full = (await ollama.generate({ ...request, stream: false })).response ?? '';
    const stream = await ollama.generate({ ...request, stream: true });
    let text = '';
    const err = await (async () => {
      for await (const part of stream) {
        text += part.response;
        stream.abort();
      }
    })().catch((e: unknown) => e as Error);
    // parts already read in the same network chunk still come out after abort(); if that chunk held the
    // whole reply the loop simply ends, otherwise the next read fails with the AbortError
    if (err) expect((err as Error).name).toBe('AbortError');
    else expect(text).toBe(full);
    expect(full.startsWith(text)).toBe(true);
    // aborted before its first read, a stream always fails with AbortError; the client's abort() stops
    // every stream it has open
    const chat = await ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'Tell me more.' }], stream: true });
    ollama.abort();
    await expect(
      (async () => {
        for await (const part of chat) void part;
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect((await ollama.generate({ model: MODEL, prompt: 'hi', options: { num_predict: 2 } })).done).toBe(true);
  });

  it('keep_alive: load with an empty prompt, then 0 unloads ("unload") and the model leaves ps', async () => {
    const load = await ollama.generate({ model: MODEL, prompt: '' });
    expect(load).toMatchObject({ done: true, done_reason: 'load' });
    const ps = await ollama.ps();
    expect(ps.models.map((m) => m.name)).toContain(`${MODEL}:latest`);
    const running = ps.models.find((m) => m.name === `${MODEL}:latest`)!;
    expect(Date.parse(String(running.expires_at))).toBeGreaterThan(Date.now());
    expect(running.size_vram).toBe(0);
    const unload = await ollama.generate({ model: MODEL, prompt: '', keep_alive: 0 });
    expect(unload).toMatchObject({ done: true, done_reason: 'unload' });
    expect((await ollama.ps()).models.map((m) => m.name)).not.toContain(`${MODEL}:latest`);
    // chat with no messages does the same; durations as strings are accepted
    expect(await ollama.chat({ model: MODEL, messages: [], keep_alive: '10m' })).toMatchObject({ done_reason: 'load' });
    expect(await ollama.chat({ model: MODEL, messages: [], keep_alive: '0s' })).toMatchObject({ done_reason: 'unload' });
    // keep_alive of another type is Ollama's 400
    const bad = await failure(ollama.generate({ model: MODEL, prompt: 'x', keep_alive: true as unknown as number }));
    expect(bad.status_code).toBe(400);
    // and a string that is not a Go duration gets Go's own message, as from Ollama
    const badDuration = await failure(ollama.chat({ model: MODEL, messages: [], keep_alive: '5 minutes' }));
    expect(badDuration).toMatchObject({ status_code: 400, error: 'time: unknown unit " minutes" in duration "5 minutes"' });
  });

  it("Ollama's errors: unknown model 404 (plain and streamed), missing capabilities 400 with Ollama's words", async () => {
    for (const call of [
      () => ollama.generate({ model: 'nope', prompt: 'x' }),
      () => ollama.generate({ model: 'nope', prompt: 'x', stream: true }),
      () => ollama.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      () => ollama.show({ model: 'nope' }),
    ]) {
      const err = await failure(call());
      expect(err.name).toBe('ResponseError');
      expect(err.status_code).toBe(404);
      expect(err.error).toBe("model 'nope' not found");
    }
    const user = [{ role: 'user', content: 'hi' }];
    const cases: [() => Promise<unknown>, string | RegExp][] = [
      [
        () =>
          ollama.chat({
            model: MODEL,
            messages: user,
            tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
          }),
        `"${MODEL}" does not support tools`,
      ],
      [() => ollama.chat({ model: MODEL, messages: user, think: true }), `"${MODEL}" does not support thinking`],
      [() => ollama.generate({ model: MODEL, prompt: 'x', images: ['aGk='] }), /does not support images/],
      [() => ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'x', images: ['aGk='] }] }), /does not support images/],
      [() => ollama.generate({ model: MODEL, prompt: 'def f(', suffix: '    return x' }), `"${MODEL}" does not support insert`],
      [
        () => ollama.generate({ model: MODEL, prompt: 'x', raw: true, system: 'y' }),
        'raw mode does not support template, system, or context',
      ],
      [() => ollama.generate({ model: MODEL, prompt: 'x', top_logprobs: 99 }), 'top_logprobs must be between 0 and 20'],
    ];
    for (const [call, message] of cases) {
      const err = await failure(call());
      expect(err.status_code, String(message)).toBe(400);
      if (typeof message === 'string') expect(err.error).toBe(message);
      else expect(err.error).toMatch(message);
    }
  });
});
