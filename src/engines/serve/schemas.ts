// JSON Schemas of the serving API: Fastify validates requests with them, serialises responses with them,
// and @fastify/swagger turns them into /openapi.json and /docs.

const stopSchema = { type: 'array', items: { type: 'string', maxLength: 200 }, maxItems: 8 } as const;

export const generationOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Sampling options passed to the backend (Ollama option names).',
  properties: {
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 1, maximum: 1000 },
    seed: { type: 'integer' },
    num_predict: { type: 'integer', minimum: -1, maximum: 32768 },
    stop: stopSchema,
  },
} as const;

export const generateBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['prompt'],
  properties: {
    prompt: { type: 'string', minLength: 1, description: 'The prompt to complete.' },
    model: { type: 'string', minLength: 1, maxLength: 200, description: 'Backend model name; defaults to the one given to --model.' },
    system: { type: 'string', description: 'Optional system prompt.' },
    stream: { type: 'boolean', default: false, description: 'Stream as Server-Sent Events: "token" events, then one "done" event.' },
    options: generationOptionsSchema,
  },
} as const;

export const usageSchema = {
  type: 'object',
  properties: {
    prompt_tokens: { type: 'integer' },
    completion_tokens: { type: 'integer' },
    total_tokens: { type: 'integer' },
  },
} as const;

export const generateResponseSchema = {
  type: 'object',
  properties: {
    model: { type: 'string' },
    prompt: { type: 'string' },
    response: { type: 'string' },
    done_reason: { type: 'string' },
    usage: usageSchema,
    latency_ms: { type: 'number' },
  },
} as const;

export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, hint: { type: 'string' } },
    },
  },
} as const;

export const healthResponseSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['healthy', 'degraded'] },
    reason: { type: 'string' },
    backend: {
      type: 'object',
      properties: {
        url: { type: 'string' },
        kind: { type: 'string' },
        reachable: { type: 'boolean' },
        version: { type: ['string', 'null'] },
      },
    },
    model: { type: 'object', properties: { name: { type: 'string' }, available: { type: 'boolean' } } },
  },
} as const;

const messageSchema = {
  type: 'object',
  required: ['role', 'content'],
  properties: {
    role: { type: 'string', enum: ['system', 'user', 'assistant'] },
    content: { type: 'string' },
  },
} as const;

/** OpenAI clients send many optional fields; unknown ones are accepted and ignored. */
export const chatBodySchema = {
  type: 'object',
  required: ['messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200 },
    messages: { type: 'array', minItems: 1, maxItems: 256, items: messageSchema },
    stream: { type: 'boolean' },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    max_tokens: { type: 'integer', minimum: 1, maximum: 32768 },
    seed: { type: 'integer' },
    stop: { anyOf: [{ type: 'string' }, stopSchema] },
  },
} as const;
