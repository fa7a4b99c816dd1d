// The one user-facing error type of the engine's file readers. A model folder, adapter folder, tokenizer,
// config or safetensors file that cannot be used is the user's input, not a bug: it extends the CLI's
// FailedError so that reportError prints one line naming the file (exit 1) instead of "unexpected error"
// and a stack. Every reader throws it (or a subclass) for every malformed input; a RangeError or TypeError
// escaping a reader is a bug to fix there, and the fuzz suite in test/engines/llm/model-files.fuzz.test.ts
// holds the readers to that.
import { readFileSync } from 'node:fs';
import { FailedError } from '../../shared/errors.js';

export class ModelFileError extends FailedError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = 'ModelFileError';
  }
}

/** What to do about a bad --model folder (the message itself names the file and the fault). */
export const MODEL_HINT =
  'pass --model a folder with a valid config.json, model.safetensors and tokenizer.json (copy it again if a file is damaged)';
/** What to do about a bad --adapter folder. */
export const ADAPTER_HINT =
  'pass --adapter a PEFT LoRA folder (adapter_config.json, adapter_model.safetensors) trained for this model, e.g. by `ftlab train --out DIR`';

/** The same error with a hint for where it was found, unless it already carries one. */
export function withHint(e: unknown, hint: string): unknown {
  return e instanceof ModelFileError && !e.hint ? new ModelFileError(e.message, hint) : e;
}

/** The bytes of a model file; a missing, unreadable or folder path is a ModelFileError naming it. */
export function readModelFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ModelFileError(`${path}: ${fsReason(e)}`);
  }
}

/** A JSON file that must hold an object (config.json, tokenizer.json, adapter_config.json). */
export function readJsonObject(path: string): Record<string, unknown> {
  const buf = readModelFile(path);
  let j: unknown;
  try {
    j = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf));
  } catch (e) {
    throw new ModelFileError(`${path}: ${e instanceof SyntaxError ? `not valid JSON (${e.message})` : 'not valid UTF-8'}`);
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new ModelFileError(`${path}: expected a JSON object`);
  return j as Record<string, unknown>;
}

function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file';
  if (err?.code === 'EISDIR') return 'is a folder, not a file';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  return `cannot be read (${err?.code ?? err?.message ?? String(e)})`;
}
