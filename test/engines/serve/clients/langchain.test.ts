// LangChain against both servers over real HTTP on 127.0.0.1: ChatOpenAI (@langchain/openai) on ftlab
// backend's /v1 and on ftlab serve (Ollama and OpenAI-compatible model clients, and with --api-key), and
// ChatOllama (@langchain/ollama) on ftlab backend. invoke and stream, with token usage from streams too
// (usage_metadata, which LangChain fills from the include_usage chunk and from Ollama's final object), and
// withStructuredOutput through every server (structured-output.test.ts covers structured output in depth).
import { AIMessageChunk, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { API_KEY, MODEL, startServers, type Servers } from './servers.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
}, 60_000);
afterAll(async () => {
  await servers?.close();
});

const QUESTION = [new SystemMessage('You are a support assistant.'), new HumanMessage('What is LoRA?')];

/** Concatenates a LangChain stream the way its docs show, so usage_metadata adds up over the chunks. */
async function collect(stream: AsyncIterable<AIMessageChunk>): Promise<{ chunks: number; message: AIMessageChunk }> {
  let message: AIMessageChunk | undefined;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    message = message ? message.concat(chunk) : chunk;
  }
  if (!message) throw new Error('the stream was empty');
  return { chunks, message };
}

const openaiTargets = [
  { name: 'ftlab backend /v1', base: () => servers.backend, key: 'unused' },
  { name: 'ftlab serve --backend ollama', base: () => servers.serveOllama, key: 'unused' },
  { name: 'ftlab serve --backend openai', base: () => servers.serveOpenAI, key: 'unused' },
  { name: 'ftlab serve --api-key', base: () => servers.serveKeyed, key: API_KEY },
];

describe.each(openaiTargets)('LangChain ChatOpenAI → $name', ({ base, key }) => {
  const chat = (apiKey = key) =>
    new ChatOpenAI({
      model: MODEL,
      apiKey,
      configuration: { baseURL: `${base()}/v1` },
      temperature: 0,
      maxTokens: 12,
      maxRetries: 0,
    });

  it('invoke: the greedy answer with usage_metadata and the finish reason', async () => {
    const reply = await chat().invoke(QUESTION);
    expect(typeof reply.content).toBe('string');
    expect((reply.content as string).length).toBeGreaterThan(0);
    const usage = reply.usage_metadata!;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeLessThanOrEqual(12);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(['stop', 'length']).toContain(reply.response_metadata.finish_reason);
  });

  it('stream: the same text in several chunks, and usage_metadata from the stream', async () => {
    const whole = await chat().invoke(QUESTION);
    const { chunks, message } = await collect(await chat().stream(QUESTION));
    expect(chunks).toBeGreaterThan(1);
    expect(message.content).toBe(whole.content);
    expect(message.usage_metadata).toEqual(whole.usage_metadata);
  });

  it('withStructuredOutput: an object the zod schema accepts (response_format json_schema on this server)', async () => {
    const Ticket = z.object({ category: z.enum(['shipping', 'billing', 'account']), urgent: z.boolean() });
    const structured = new ChatOpenAI({
      model: MODEL,
      apiKey: key,
      configuration: { baseURL: `${base()}/v1` },
      temperature: 0,
      maxTokens: 150,
      maxRetries: 0,
    }).withStructuredOutput(Ticket, { name: 'ticket' });
    const ticket = await structured.invoke([new HumanMessage('My parcel has not arrived and I need it today.')]);
    expect(Ticket.parse(ticket)).toEqual(ticket);
  });

  if (key !== 'unused') {
    it('a wrong key fails with the 401 in the error', async () => {
      await expect(chat('sk-wrong').invoke(QUESTION)).rejects.toMatchObject({ status: 401 });
    });
  }
});

describe('LangChain ChatOllama → ftlab backend', () => {
  const chat = (extra: Record<string, unknown> = {}) =>
    new ChatOllama({ baseUrl: servers.backend, model: MODEL, temperature: 0, numPredict: 12, ...extra });

  it('invoke: the answer with usage_metadata and Ollama metadata', async () => {
    const reply = await chat().invoke(QUESTION);
    expect((reply.content as string).length).toBeGreaterThan(0);
    const usage = reply.usage_metadata!;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBeLessThanOrEqual(12);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(reply.response_metadata).toMatchObject({ model: MODEL, done: true });
  });

  it('stream: the same text, with usage_metadata from the final object', async () => {
    const whole = await chat().invoke(QUESTION);
    const { chunks, message } = await collect(await chat().stream(QUESTION));
    expect(chunks).toBeGreaterThan(1);
    expect(message.content).toBe(whole.content);
    expect(message.usage_metadata).toEqual(whole.usage_metadata);
  });

  it('the same answer as ChatOpenAI on the same server (one model, one template)', async () => {
    const viaOllama = await chat().invoke(QUESTION);
    const viaOpenAI = await new ChatOpenAI({
      model: MODEL,
      apiKey: 'unused',
      configuration: { baseURL: `${servers.backend}/v1` },
      temperature: 0,
      maxTokens: 12,
      maxRetries: 0,
    }).invoke(QUESTION);
    expect(viaOllama.content).toBe(viaOpenAI.content);
  });

  it("stop sequences and bindTools: Ollama's 400 that the model has no tools, not a silent reply", async () => {
    const free = await chat().invoke(QUESTION);
    const text = free.content as string;
    const stop = text.slice(2, 4);
    // ChatOllama takes stop as a call option (it sends it as options.stop)
    const cut = await chat().invoke(QUESTION, { stop: [stop] });
    expect(cut.content).toBe(text.slice(0, text.indexOf(stop)));
    const tools = chat().bindTools([
      { type: 'function', function: { name: 'lookup', description: 'look up an order', parameters: { type: 'object', properties: {} } } },
    ]);
    await expect(tools.invoke(QUESTION)).rejects.toThrow(/does not support tools/);
  });
});
