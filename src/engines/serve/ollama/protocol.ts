// Messages between the built-in backend's HTTP server and its generation workers.
import type { GenerationOptions } from '../model-clients.js';

export interface ModelSpec {
  /** Ollama-style name with tag, e.g. "ftlab-micro:latest". */
  name: string;
  /** Base model folder (config.json, model.safetensors, tokenizer.json). */
  modelDir: string;
  /** PEFT adapter folder merged on top, if any. */
  adapterDir?: string;
}

/** Ollama's sampling options, as the serving API passes them on. */
export type SamplingRequest = GenerationOptions;

export type JobInput =
  | { kind: 'generate'; prompt: string; system?: string; raw?: boolean }
  | { kind: 'chat'; messages: { role: 'system' | 'user' | 'assistant'; content: string }[] };

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

export type ToWorker = RunMessage | AbortMessage;

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
}

export type FromWorker =
  | { type: 'ready'; loadNs: number }
  /** The models could not be loaded; `user` marks a bad model/adapter folder (ModelFileError) rather than a bug. */
  | { type: 'load-error'; message: string; hint?: string; user: boolean }
  | { type: 'piece'; id: number; text: string }
  | { type: 'done'; id: number; result: JobResult }
  | { type: 'error'; id: number; message: string; status: number };
