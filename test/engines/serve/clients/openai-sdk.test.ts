// The official `openai` SDK (6.x) against both servers over real HTTP on 127.0.0.1: ftlab backend's /v1 and
// ftlab serve in front of it (Ollama and OpenAI-compatible model clients, and with --api-key). What a
// learner's own code calls: models.list/retrieve, chat.completions.create plain and streamed, the usage chunk
// of stream_options.include_usage, max_completion_tokens, text-part content, the developer role, abort, and
// the SDK's error classes with OpenAI's type/param/code.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER, API_KEY, MODEL, startServers, type Servers } from './servers.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
}, 60_000);
afterAll(async () => {
  await servers?.close();
});

const client = (baseURL: string, apiKey = 'unused') => new OpenAI({ baseURL: `${baseURL}/v1`, apiKey, maxRetries: 0, timeout: 30_000 });

interface Target {
  name: string;
  client: () => OpenAI;
}

const targets: Target[] = [
  { name: 'ftlab backend /v1', client: () => client(servers.backend) },
  { name: 'ftlab serve --backend ollama', client: () => client(servers.serveOllama) },
  { name: 'ftlab serve --backend openai', client: () => client(servers.serveOpenAI) },
  { name: 'ftlab serve --api-key (right key)', client: () => client(servers.serveKeyed, API_KEY) },
];

const bare = (id: string) => id.replace(/:latest$/, '');
const QUESTION = [
  { role: 'system' as const, content: 'You are a support assistant.' },
  { role: 'user' as const, content: 'What is LoRA?' },
];

/** The greedy answer of ftlab backend's /v1, which every server in front of it must reproduce. */
let reference: { text: string; usage: OpenAI.CompletionUsage } | undefined;
async function referenceAnswer() {
  if (!reference) {
    const r = await client(servers.backend).chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 12, temperature: 0 });
    reference = { text: r.choices[0].message.content ?? '', usage: r.usage! };
  }
  return reference;
}

describe.each(targets)('openai SDK → $name', ({ client }) => {
  it('models.list() lists every model of the backend, with created in seconds and an owner', async () => {
    const page = await client().models.list();
    const ids = page.data.map((m) => bare(m.id));
    expect(ids).toEqual(expect.arrayContaining([MODEL, ADAPTER]));
    const now = Date.now() / 1000;
    for (const m of page.data) {
      expect(m.object).toBe('model');
      // seconds since the epoch (not ms, not 0), not in the future
      expect(m.created, m.id).toBeGreaterThan(1_500_000_000);
      expect(m.created, m.id).toBeLessThanOrEqual(now + 5);
      // as Ollama's /v1/models says for a model without a namespace
      expect(m.owned_by, m.id).toBe('library');
    }
    // the model a request without one gets comes first
    expect(bare(page.data[0].id)).toBe(MODEL);
  });

  it('models.retrieve() answers with the id asked, tagged or not; an unknown id is a NotFoundError', async () => {
    for (const id of [MODEL, `${MODEL}:latest`, ADAPTER]) {
      const m = await client().models.retrieve(id);
      expect(m).toMatchObject({ id, object: 'model' });
    }
    const err = await client()
      .models.retrieve('nope-zz')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({ status: 404, type: 'not_found_error' });
  });

  it('chat.completions.create: the same greedy answer as the backend, with finish_reason and usage', async () => {
    const ref = await referenceAnswer();
    const { data: r, response } = await client()
      .chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 12, temperature: 0, seed: 1 })
      .withResponse();
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.object).toBe('chat.completion');
    expect(r.choices).toHaveLength(1);
    expect(r.choices[0].message.role).toBe('assistant');
    expect(r.choices[0].message.content).toBe(ref.text);
    expect(['stop', 'length']).toContain(r.choices[0].finish_reason);
    expect(r.usage).toEqual(ref.usage);
    expect(r.usage!.total_tokens).toBe(r.usage!.prompt_tokens + r.usage!.completion_tokens);
    expect(r.created).toBeLessThanOrEqual(Date.now() / 1000 + 5);
  });

  it('streams the same text, and stream_options.include_usage ends it with the usage chunk', async () => {
    const ref = await referenceAnswer();
    const stream = await client().chat.completions.create({
      model: MODEL,
      messages: QUESTION,
      max_tokens: 12,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(ref.text);
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish).toHaveLength(1);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(ref.usage);
    // without the option, no chunk carries usage
    const plain = await client().chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 3, stream: true });
    for await (const chunk of plain) expect(chunk.usage ?? undefined).toBeUndefined();
  });

  it('honours max_completion_tokens', async () => {
    const r = await client().chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'Write a long story about adapters.' }],
      max_completion_tokens: 3,
      temperature: 0,
    });
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
    expect(r.usage!.completion_tokens).toBeLessThanOrEqual(3);
    if (r.usage!.completion_tokens === 3) expect(r.choices[0].finish_reason).toBe('length');
  });

  it('content as text parts and the developer role give the same answer as plain strings', async () => {
    const ref = await referenceAnswer();
    const r = await client().chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'You are a support assistant.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is ' },
            { type: 'text', text: 'LoRA?' },
          ],
        },
      ],
      max_tokens: 12,
      temperature: 0,
    });
    expect(r.choices[0].message.content).toBe(ref.text);
  });

  it('abort mid-stream ends the iteration, and the server keeps answering', async () => {
    const request = {
      model: MODEL,
      messages: [{ role: 'user' as const, content: 'Tell me everything about fine-tuning.' }],
      max_tokens: 200,
      temperature: 0,
    };
    const full = (await client().chat.completions.create(request)).choices[0].message.content ?? '';
    const stream = await client().chat.completions.create({ ...request, stream: true });
    let text = '';
    // events already read in the same network chunk may still come out after abort(); then the loop ends
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      stream.controller.abort();
    }
    expect(stream.controller.signal.aborted).toBe(true);
    expect(full.startsWith(text)).toBe(true);
    // an abort signal passed as a request option rejects with the SDK's abort error
    const controller = new AbortController();
    controller.abort();
    const err = await client()
      .chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 2 }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    const after = await client().chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 2 });
    expect(after.choices[0].message.content).toEqual(expect.any(String));
  });

  it("errors map to the SDK's classes with OpenAI's type, param and code", async () => {
    const fail = (body: Record<string, unknown>) =>
      client()
        .chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 2, ...body } as never)
        .then(
          () => undefined,
          (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
        );
    const missing = await fail({ model: 'nope-zz' });
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, type: 'not_found_error' });
    expect(missing!.message).toContain('nope-zz');
    const empty = await fail({ messages: [] });
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    expect(empty).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'messages' });
    for (const [body, param] of [
      [{ n: 2 }, 'n'],
      [{ tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }] }, 'tools'],
      [{ logprobs: true }, 'logprobs'],
      [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }] }, 'messages[0].content[0].type'],
    ] as const) {
      const err = await fail(body);
      expect(err, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err, param).toMatchObject({ status: 400, type: 'invalid_request_error', param });
      expect(err!.code === null || typeof err!.code === 'string', param).toBe(true);
    }
  });
});

describe('openai SDK → ftlab serve --api-key', () => {
  it('a wrong or missing key is an AuthenticationError (401, authentication_error) on every route the SDK calls', async () => {
    for (const key of ['sk-wrong', '']) {
      const sdk = new OpenAI({
        baseURL: `${servers.serveKeyed}/v1`,
        apiKey: key || 'placeholder',
        maxRetries: 0,
        // an empty Authorization header stands for "no key": the SDK always sends one
        defaultHeaders: key ? {} : { authorization: null },
      });
      for (const call of [
        () => sdk.models.list(),
        () => sdk.models.retrieve(MODEL),
        () => sdk.chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 2 }),
        () => sdk.chat.completions.create({ model: MODEL, messages: QUESTION, max_tokens: 2, stream: true }),
      ]) {
        const err = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, key).toBeInstanceOf(OpenAI.AuthenticationError);
        expect(err, key).toMatchObject({ status: 401, type: 'authentication_error' });
      }
    }
  });
});
