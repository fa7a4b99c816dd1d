// Structured output on the serving side: the request fields that ask for it (Ollama's `format`, OpenAI's
// `response_format`) read into one OutputFormat, checked against what constrained decoding supports (a
// 400 naming the keyword, before the request is queued), and written back in the protocol of whichever
// backend `ftlab serve` forwards the request to.
import { checkFormat, SchemaError, type OutputFormat } from '../llm/constrained/index.js';
import { CompatError } from './openai-compat.js';

export type { OutputFormat };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAI's `response_format` (undefined for none or `{"type":"text"}`); a malformed one is a CompatError naming its field. */
export function responseFormatOf(value: unknown): OutputFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new CompatError('response_format must be an object such as {"type": "json_object"}', 'response_format');
  const { type, json_schema: js } = value;
  if (type === 'text') return undefined;
  if (type === 'json_object') return { type: 'json' };
  if (type !== 'json_schema')
    throw new CompatError(
      `response_format.type ${JSON.stringify(type)} is not supported: use "text", "json_object" or "json_schema"`,
      'response_format.type',
    );
  if (!isObject(js))
    throw new CompatError('response_format.json_schema must be an object {"name", "schema", "strict"}', 'response_format.json_schema');
  if (typeof js.name !== 'string' || !js.name)
    throw new CompatError('response_format.json_schema.name must be a non-empty string', 'response_format.json_schema.name');
  if (js.schema !== undefined && !isObject(js.schema))
    throw new CompatError('response_format.json_schema.schema must be a JSON Schema object', 'response_format.json_schema.schema');
  if (js.strict !== undefined && js.strict !== null && typeof js.strict !== 'boolean')
    throw new CompatError('response_format.json_schema.strict must be true or false', 'response_format.json_schema.strict');
  return {
    type: 'json_schema',
    // OpenAI allows leaving the schema out: then the reply is any JSON value
    schema: (js.schema as Record<string, unknown> | undefined) ?? {},
    name: js.name,
    ...(typeof js.description === 'string' ? { description: js.description } : {}),
    ...(typeof js.strict === 'boolean' ? { strict: js.strict } : {}),
  };
}

/** Ollama's `format`: "json", a JSON Schema object, or nothing ("" or null). */
export function ollamaFormatOf(value: unknown): OutputFormat | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === 'json') return { type: 'json' };
  if (isObject(value)) return { type: 'json_schema', schema: value };
  throw new CompatError(`format must be "json" or a JSON schema object, not ${JSON.stringify(value)}`, 'format');
}

/** A CompatError (400, its `param` the field that holds the schema) when constrained decoding cannot honour the format. */
export function checkStructured(format: OutputFormat, param: string): void {
  try {
    checkFormat(format);
  } catch (e) {
    if (e instanceof SchemaError) throw new CompatError(e.message, param);
    throw e;
  }
}

/** The format as Ollama's `format` field. */
export function toOllamaFormat(format: OutputFormat): 'json' | Record<string, unknown> {
  return format.type === 'json' ? 'json' : format.schema;
}

/** The format as OpenAI's `response_format` field. */
export function toResponseFormat(format: OutputFormat): Record<string, unknown> {
  if (format.type === 'json') return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name ?? 'response',
      ...(format.description !== undefined ? { description: format.description } : {}),
      schema: format.schema,
      ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
    },
  };
}
