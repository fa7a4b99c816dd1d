// OpenAI's legacy /v1/completions, shared by `ftlab backend` and `ftlab serve`: the request checks and the
// response shapes (a `text_completion` object, or SSE chunks of the same object ending in `data: [DONE]`).
// The prompt is completed as Ollama's /v1/completions and /api/generate complete it: through the model's
// chat template (a user turn, then the assistant's reply), so serve → backend and backend /v1 agree.
// `prompt` may be a list of texts: one choice per text, its `index` the text's position (OpenAI's rule).
// Refused with a 400 naming the field (unsupportedOpenAIField): echo, logprobs, n/best_of other than 1,
// suffix; and here: token-id prompts.
import { CompatError, maxNewTokens, stopList, usageOf, type UsageCounts } from './openai-compat.js';
import type { GenerationOptions } from './model-clients.js';

/** Most texts in one `prompt` list: each is generated in turn on a CPU model. */
export const MAX_COMPLETION_PROMPTS = 16;

/** The prompt texts of a completions request (400 for a missing, empty or token-id prompt). */
export function completionPrompts(prompt: unknown): string[] {
  const tokenIds = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' || Array.isArray(x));
  if (tokenIds(prompt))
    throw new CompatError('prompt as token ids is not supported: send the text (token ids depend on the model server)', 'prompt');
  const list = typeof prompt === 'string' ? [prompt] : prompt;
  if (!Array.isArray(list)) throw new CompatError('prompt is required: a string or a list of strings', 'prompt');
  if (!list.length) throw new CompatError('prompt must not be an empty list', 'prompt');
  if (list.length > MAX_COMPLETION_PROMPTS)
    throw new CompatError(`prompt has ${list.length} texts; at most ${MAX_COMPLETION_PROMPTS} per request`, 'prompt');
  list.forEach((p, i) => {
    const where = typeof prompt === 'string' ? 'prompt' : `prompt[${i}]`;
    if (typeof p !== 'string') throw new CompatError(`${where} must be a string`, where);
    if (!p) throw new CompatError(`${where} is empty: there is nothing to complete`, where);
  });
  return list as string[];
}

const num = (v: unknown, field: string): number | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new CompatError(`${field} must be a number`, field);
  return v;
};

/** Sampling options of a completions request, in Ollama's names. */
export function completionOptions(body: Record<string, unknown>): GenerationOptions {
  const max = num(maxNewTokens(body), body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens');
  if (max !== undefined && (!Number.isInteger(max) || max < 1))
    throw new CompatError('max_tokens must be a whole number of at least 1', 'max_tokens');
  const seed = num(body.seed, 'seed');
  const stop = stopList(body.stop);
  if (stop !== undefined && (!Array.isArray(stop) || stop.some((s) => typeof s !== 'string')))
    throw new CompatError('stop must be a string or a list of strings', 'stop');
  return {
    temperature: num(body.temperature, 'temperature'),
    top_p: num(body.top_p, 'top_p'),
    seed: seed === undefined ? undefined : Math.trunc(seed),
    num_predict: max,
    stop,
  };
}

export interface CompletionChoice {
  text: string;
  index: number;
  logprobs: null;
  finish_reason: 'stop' | 'length' | null;
}

export const finishReason = (doneReason: string): 'stop' | 'length' => (doneReason === 'length' ? 'length' : 'stop');

export function completionId(): string {
  return `cmpl-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** One streamed chunk or the whole answer: the same `text_completion` object. */
export function completionObject(
  id: string,
  created: number,
  model: string,
  choices: CompletionChoice[],
  usage: UsageCounts | null | undefined,
  fingerprint?: string,
): Record<string, unknown> {
  return {
    id,
    object: 'text_completion',
    created,
    model,
    ...(fingerprint ? { system_fingerprint: fingerprint } : {}),
    choices,
    ...(usage !== undefined ? { usage } : {}),
  };
}

export const sseData = (data: unknown) => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/**
 * Runs each prompt in turn through `generate` and answers the whole completion, or streams it: a chunk per
 * piece of text (`finish_reason: null`), one chunk with the prompt's finish_reason, then (include_usage) a
 * chunk with `choices: []` and the usage, then `data: [DONE]`. With include_usage every other chunk has
 * `usage: null`, as OpenAI streams it.
 */
export async function runCompletion(o: {
  prompts: string[];
  model: string;
  fingerprint?: string;
  includeUsage: boolean;
  /** SSE output when streaming; undefined for one JSON answer. */
  write?: (chunk: string) => void;
  generate: (
    prompt: string,
    onText: ((text: string) => void) | undefined,
  ) => Promise<{ text: string; doneReason: string; promptTokens: number; completionTokens: number }>;
}): Promise<{ body?: Record<string, unknown>; tail?: string; usage: UsageCounts }> {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const chunkUsage = o.includeUsage ? null : undefined;
  const choices: CompletionChoice[] = [];
  let promptTokens = 0;
  let completionTokens = 0;
  for (const [index, prompt] of o.prompts.entries()) {
    const onText = o.write
      ? (text: string) =>
          o.write!(
            sseData(
              completionObject(id, created, o.model, [{ text, index, logprobs: null, finish_reason: null }], chunkUsage, o.fingerprint),
            ),
          )
      : undefined;
    const r = await o.generate(prompt, onText);
    promptTokens += r.promptTokens;
    completionTokens += r.completionTokens;
    const finish = finishReason(r.doneReason);
    choices.push({ text: r.text, index, logprobs: null, finish_reason: finish });
    o.write?.(
      sseData(
        completionObject(id, created, o.model, [{ text: '', index, logprobs: null, finish_reason: finish }], chunkUsage, o.fingerprint),
      ),
    );
  }
  const usage = usageOf(promptTokens, completionTokens);
  if (!o.write) return { body: completionObject(id, created, o.model, choices, usage, o.fingerprint), usage };
  const usageChunk = o.includeUsage ? sseData(completionObject(id, created, o.model, [], usage, o.fingerprint)) : '';
  return { tail: usageChunk + sseData('[DONE]'), usage };
}
