// What both servers need to speak OpenAI's /v1 the way its clients (the `openai` SDK, LangChain, the `ai`
// SDK) use it: messages whose content is a string or an array of text parts, the `developer` role,
// OpenAI's error envelope, and a clear 400 for the fields neither server implements, so that a client is
// never told it got tool calls, log-probabilities or several choices when it did not.

/** A chat turn as both servers pass it on (the chat template knows these three roles). */
export interface PlainMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A request the client got wrong: status 400, with the field it concerns (OpenAI's `param`). */
export class CompatError extends Error {
  constructor(
    message: string,
    readonly param: string | null,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'CompatError';
  }
}

/**
 * Message content as text: a string, or OpenAI's array of parts of which only `{type:"text", text}` is
 * supported (this model reads no images or audio, so such a part is refused, not dropped).
 */
export function contentText(content: unknown, param: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw new CompatError(`${param} must be a string or a list of text parts`, param);
  return content
    .map((part, i) => {
      const where = `${param}[${i}]`;
      if (!part || typeof part !== 'object') throw new CompatError(`${where} must be an object such as {"type":"text","text":"…"}`, where);
      const { type, text } = part as { type?: unknown; text?: unknown };
      if (type !== 'text')
        throw new CompatError(`${where}.type is ${JSON.stringify(type)}; this model reads text only (type "text")`, `${where}.type`);
      if (typeof text !== 'string') throw new CompatError(`${where}.text must be a string`, `${where}.text`);
      return text;
    })
    .join('');
}

/**
 * A role as the template knows it. Roles are compared without case (Ollama lowercases them); `developer`
 * is OpenAI's newer name for `system`; a `tool` result is shown to the model as a user turn.
 */
export function plainRole(role: unknown, param: string): PlainMessage['role'] {
  const r = typeof role === 'string' ? role.toLowerCase() : role;
  if (r === 'system' || r === 'developer') return 'system';
  if (r === 'user' || r === 'tool') return 'user';
  if (r === 'assistant') return 'assistant';
  throw new CompatError(`${param} must be one of system, developer, user, assistant or tool`, param);
}

/** OpenAI chat messages → the template's messages. */
export function plainMessages(value: unknown, param = 'messages'): PlainMessage[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new CompatError(`${param} must be a list`, param);
  return value.map((m, i) => {
    const where = `${param}[${i}]`;
    if (!m || typeof m !== 'object' || Array.isArray(m)) throw new CompatError(`${where} must be an object`, where);
    const { role, content } = m as { role?: unknown; content?: unknown };
    return { role: plainRole(role, `${where}.role`), content: contentText(content, `${where}.content`) };
  });
}

/**
 * The first field of an OpenAI request that neither server implements, as a 400. Tool calling, log
 * probabilities and several choices would need features the micro model does not have; answering 200
 * without them would make a client believe it got them.
 */
export function unsupportedOpenAIField(
  body: Record<string, unknown>,
  /** The route honours response_format (structured.ts reads it); elsewhere it is refused. */
  opts: { structured?: boolean } = {},
): CompatError | undefined {
  if (Array.isArray(body.tools) && body.tools.length)
    return new CompatError('tools are not supported: this model has no tool-calling capability', 'tools');
  if (Array.isArray(body.functions) && body.functions.length)
    return new CompatError('functions are not supported: this model has no tool-calling capability', 'functions');
  if (body.tool_choice !== undefined && body.tool_choice !== null && body.tool_choice !== 'none')
    return new CompatError('tool_choice is not supported: this model has no tool-calling capability', 'tool_choice');
  if (body.logprobs === true || (typeof body.logprobs === 'number' && body.logprobs > 0))
    return new CompatError('logprobs are not supported by this server', 'logprobs');
  if (body.top_logprobs !== undefined && body.top_logprobs !== null && body.top_logprobs !== 0)
    return new CompatError('top_logprobs is not supported by this server', 'top_logprobs');
  if (body.n !== undefined && body.n !== null && body.n !== 1)
    return new CompatError('n must be 1: this server returns one choice per request', 'n');
  if (body.best_of !== undefined && body.best_of !== null && body.best_of !== 1)
    return new CompatError('best_of must be 1: this server returns one choice per request', 'best_of');
  const rf = body.response_format as { type?: unknown } | undefined | null;
  if (!opts.structured && rf && typeof rf === 'object' && rf.type !== undefined && rf.type !== 'text')
    return new CompatError(
      `response_format ${JSON.stringify(rf.type)} is not supported on this route (it is on /v1/chat/completions)`,
      'response_format',
    );
  if (body.echo === true) return new CompatError('echo is not supported by this server', 'echo');
  if (body.suffix !== undefined && body.suffix !== null && body.suffix !== '')
    return new CompatError('suffix is not supported: this model cannot insert text', 'suffix');
  return undefined;
}

/** OpenAI's error `type` for a status. */
export function openAIErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

/** The maximum number of new tokens: `max_completion_tokens` (OpenAI's current name) wins over `max_tokens`. */
export function maxNewTokens(body: { max_completion_tokens?: unknown; max_tokens?: unknown }): unknown {
  return body.max_completion_tokens ?? body.max_tokens;
}

/** `stop` as a list (OpenAI allows one string or up to four). */
export function stopList(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  return typeof stop === 'string' ? [stop] : (stop as string[]);
}

export interface UsageCounts {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(promptTokens: number, completionTokens: number): UsageCounts {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** Whether a streamed chat must end with OpenAI's usage chunk (`stream_options.include_usage`). */
export function wantsStreamUsage(body: { stream_options?: unknown }): boolean {
  const o = body.stream_options;
  return typeof o === 'object' && o !== null && (o as { include_usage?: unknown }).include_usage === true;
}
