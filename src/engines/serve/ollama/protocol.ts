// Messages between the built-in backend's HTTP server and its generation workers.
import type { OutputFormat } from '../../llm/constrained/index.js';
import type { GenerationOptions } from '../model-clients.js';

export interface ModelSpec {
  /** Ollama-style name with tag, e.g. "ftlab-micro:latest". */
  name: string;
  /** Base model folder (config.json, model.safetensors, tokenizer.json). */
  modelDir: string;
  /** PEFT adapter folder merged on top, if any. */
  adapterDir?: string;
  /** The files' digest: a model re-created from changed files is read again, not taken from the worker's cache. */
  revision?: string;
  /** Defaults a model made with /api/create carries (Modelfile SYSTEM and PARAMETER lines). */
  system?: string;
  parameters?: SamplingRequest;
}

/** Ollama's sampling options, as the serving API passes them on. */
export type SamplingRequest = GenerationOptions;

export type JobInput =
  /** `format`: structured output, already checked by the server (a SchemaError there is the client's 400). */
  | { kind: 'generate'; prompt: string; system?: string; raw?: boolean; format?: OutputFormat }
  | { kind: 'chat'; messages: { role: 'system' | 'user' | 'assistant'; content: string }[]; format?: OutputFormat }
  /** Texts (or token ids) to embed, each on its own; `normalize` false gives the raw mean (Ollama's legacy /api/embeddings). */
  | { kind: 'embed'; inputs: (string | number[])[]; truncate: boolean; normalize: boolean };

export interface RunMessage {
  type: 'run';
  id: number;
  model: string;
  input: JobInput;
  options: SamplingRequest;
}

export interface AbortMessage {
  type: 'abort';
  id: number;
}

/** Loads one more model (a model made with /api/create or /api/copy) into a running worker. */
export interface LoadMessage {
  type: 'load';
  id: number;
  spec: ModelSpec;
}

export interface UnloadMessage {
  type: 'unload';
  name: string;
}

export type ToWorker = RunMessage | AbortMessage | LoadMessage | UnloadMessage;

export interface JobResult {
  text: string;
  doneReason: 'stop' | 'length' | 'abort';
  promptTokens: number;
  evalTokens: number;
  /** Nanoseconds, as Ollama reports durations. */
  promptEvalNs: number;
  evalNs: number;
  loadNs: number;
  context: number[];
  /** One vector per input of an embed job. */
  embeddings?: Float32Array[];
}

export type FromWorker =
  | { type: 'ready'; loadNs: number }
  /** The models could not be loaded; `user` marks a bad model/adapter folder (ModelFileError) rather than a bug. */
  | { type: 'load-error'; message: string; hint?: string; user: boolean }
  | { type: 'piece'; id: number; text: string }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'error'; id: number; message: string; status: number }
  | { type: 'loaded'; id: number }
  | { type: 'load-failed'; id: number; message: string; hint?: string; user: boolean };
