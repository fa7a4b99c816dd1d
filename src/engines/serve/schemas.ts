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
    format: {
      anyOf: [{ type: 'string', enum: ['json'] }, { type: 'object' }],
      description:
        'Structured output, as Ollama\'s `format`: "json" (a JSON object) or a JSON Schema the reply must validate against; passed on to the backend (ftlab backend constrains decoding to it). A reply cut by num_predict (done_reason "length") may not parse.',
    },
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
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'hint', 'type', 'param'],
      properties: {
        code: { type: 'string', description: "ftlab's error code, e.g. bad_request, model_not_found, backend_busy" },
        message: { type: 'string' },
        hint: { type: 'string', description: 'what to do about it' },
        type: { type: 'string', description: "OpenAI's error type, e.g. invalid_request_error, authentication_error, not_found_error" },
        param: { type: ['string', 'null'], description: 'the request field at fault, if any' },
      },
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

const textPartSchema = {
  type: 'object',
  required: ['type'],
  // Other part types (image_url, input_audio) are refused by the handler with a message that says why.
  properties: { type: { type: 'string', description: 'only "text" is supported' }, text: { type: 'string' } },
} as const;

const messageSchema = {
  type: 'object',
  required: ['role', 'content'],
  properties: {
    role: {
      type: 'string',
      enum: ['system', 'developer', 'user', 'assistant', 'tool'],
      description: '"developer" is taken as "system"; a "tool" result is shown to the model as a user turn',
    },
    content: {
      anyOf: [{ type: 'string' }, { type: 'array', maxItems: 64, items: textPartSchema }],
      description: 'a string, or a list of text parts {type:"text", text} (joined)',
    },
  },
} as const;

export const responseFormatSchema = {
  type: 'object',
  required: ['type'],
  description:
    'Structured output: "json_object" (a JSON object) or "json_schema" (a document valid against json_schema.schema), passed on to the backend; ftlab backend constrains decoding to it and answers 400 naming a schema keyword it does not support. A reply cut by max_tokens (finish_reason "length") may not parse.',
  properties: {
    type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] },
    json_schema: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1 },
        description: { type: 'string' },
        schema: { type: 'object', description: 'a JSON Schema (the subset ftlab backend supports: docs/serving.md, "Structured output")' },
        strict: { type: ['boolean', 'null'], description: 'accepted; ftlab backend constrains decoding in either case' },
      },
    },
  },
} as const;

/**
 * OpenAI clients send many optional fields; unknown ones are accepted and ignored, except those that ask for
 * something this API cannot do (tools, logprobs, n > 1…), which get a 400 naming the field.
 */
export const chatBodySchema = {
  type: 'object',
  required: ['messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200 },
    messages: { type: 'array', minItems: 1, maxItems: 256, items: messageSchema },
    stream: { type: 'boolean' },
    stream_options: {
      type: ['object', 'null'],
      properties: { include_usage: { type: 'boolean', description: 'end the stream with a chunk holding the usage (choices: [])' } },
    },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    max_tokens: { type: 'integer', minimum: 1, maximum: 32768 },
    max_completion_tokens: { type: 'integer', minimum: 1, maximum: 32768, description: 'wins over max_tokens' },
    seed: { type: 'integer' },
    stop: { anyOf: [{ type: 'string' }, stopSchema] },
    response_format: responseFormatSchema,
  },
} as const;

const usageRequired = { ...usageSchema, required: ['prompt_tokens', 'completion_tokens', 'total_tokens'] } as const;

export const chatResponseSchema = {
  type: 'object',
  required: ['id', 'object', 'created', 'model', 'choices', 'usage'],
  description: 'with "stream": true, text/event-stream of chat.completion.chunk objects, then "data: [DONE]"',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['chat.completion'] },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'message', 'finish_reason'],
        properties: {
          index: { type: 'integer' },
          message: {
            type: 'object',
            required: ['role', 'content'],
            properties: { role: { type: 'string' }, content: { type: 'string' } },
          },
          finish_reason: { type: 'string', enum: ['stop', 'length'] },
        },
      },
    },
    usage: usageRequired,
  },
} as const;

export const modelSchema = {
  type: 'object',
  required: ['id', 'object', 'created', 'owned_by'],
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['model'] },
    created: { type: 'integer' },
    owned_by: { type: 'string' },
  },
} as const;

export const modelListSchema = {
  type: 'object',
  required: ['object', 'data'],
  properties: { object: { type: 'string', enum: ['list'] }, data: { type: 'array', items: modelSchema } },
} as const;

/**
 * OpenAI's legacy completions. `prompt` is checked by the handler (completions.ts), so that a token-id
 * prompt or an empty text gets a message that says what to send instead of a schema path.
 */
export const completionBodySchema = {
  type: 'object',
  required: ['prompt'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200 },
    prompt: {
      description: 'the text to complete, or a list of texts (one choice each, `index` = position); token ids are refused',
      anyOf: [{ type: 'string' }, { type: 'array', maxItems: 16 }],
    },
    stream: { type: 'boolean' },
    stream_options: {
      type: ['object', 'null'],
      properties: { include_usage: { type: 'boolean', description: 'end the stream with a chunk holding the usage (choices: [])' } },
    },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    top_p: { type: 'number', minimum: 0, maximum: 1 },
    max_tokens: { type: 'integer', minimum: 1, maximum: 32768 },
    seed: { type: 'integer' },
    stop: { anyOf: [{ type: 'string' }, stopSchema] },
    echo: { type: 'boolean', description: 'refused when true (400)' },
    logprobs: { type: ['integer', 'null'], description: 'refused when above 0 (400)' },
    n: { type: 'integer', description: 'refused unless 1 (400)' },
    best_of: { type: 'integer', description: 'refused unless 1 (400)' },
    suffix: { type: ['string', 'null'], description: 'refused when not empty (400)' },
  },
} as const;

export const completionResponseSchema = {
  type: 'object',
  required: ['id', 'object', 'created', 'model', 'choices', 'usage'],
  description: 'with "stream": true, text/event-stream of text_completion chunks, then "data: [DONE]"',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['text_completion'] },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['text', 'index', 'logprobs', 'finish_reason'],
        properties: {
          text: { type: 'string' },
          index: { type: 'integer' },
          logprobs: { type: 'null' },
          finish_reason: { type: 'string', enum: ['stop', 'length'] },
        },
      },
    },
    usage: usageRequired,
  },
} as const;

export const embeddingBodySchema = {
  type: 'object',
  required: ['input'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200 },
    input: {
      description: 'a text or a list of texts (not empty); token ids are refused, since they depend on the backend',
      anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, maxItems: 2048 }],
    },
    encoding_format: { type: 'string', enum: ['float', 'base64'], description: 'base64: little-endian float32 bytes' },
    dimensions: { type: 'integer', minimum: 1, description: 'keep the first N values, normalised again' },
    user: { type: 'string' },
  },
} as const;

export const embeddingResponseSchema = {
  type: 'object',
  required: ['object', 'data', 'model', 'usage'],
  properties: {
    object: { type: 'string', enum: ['list'] },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['object', 'index', 'embedding'],
        properties: {
          object: { type: 'string', enum: ['embedding'] },
          index: { type: 'integer' },
          embedding: {
            description: 'numbers, or a base64 string with encoding_format "base64"',
            anyOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string' }],
          },
        },
      },
    },
    model: { type: 'string' },
    usage: {
      type: 'object',
      required: ['prompt_tokens', 'total_tokens'],
      properties: { prompt_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } },
    },
  },
} as const;
