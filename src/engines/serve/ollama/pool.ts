// A small pool of generation workers with a bounded queue: the HTTP server stays responsive (health checks,
// /api/tags) while tokens are computed, excess load gets a clear 503 instead of unbounded memory, and a
// client that goes away frees its worker.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../../../shared/paths.js';
import { FailedError } from '../../../shared/errors.js';
import { ModelFileError } from '../../llm/errors.js';
import type { FromWorker, JobInput, JobResult, ModelSpec, SamplingRequest } from './protocol.js';

export class QueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`server busy, please try again. maximum pending requests exceeded (${limit})`);
  }
}

export class JobError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface Job {
  id: number;
  model: string;
  input: JobInput;
  options: SamplingRequest;
  onPiece?: (text: string) => void;
  signal?: AbortSignal;
  resolve: (r: JobResult) => void;
  reject: (e: Error) => void;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<number>;
  /** The worker has loaded the models; only loaded workers get jobs or are replaced when they die. */
  loaded: boolean;
  /** Why it could not load the models, when it could not. */
  failure?: string;
  job?: Job;
}

export function workerScript(): string {
  const path = join(packageRoot(), 'dist', 'generation.worker.js');
  if (!existsSync(path)) throw new FailedError(`${path} is missing: run \`npm run build\` first`);
  return path;
}

export class GenerationPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Why no worker is left (a replacement could not load the models); requests then get a 503. */
  private broken: string | undefined;
  /** Load time of the first worker, reported as Ollama's load_duration on the first request. */
  loadNs = 0;
  /** Models being loaded into running workers (addModel): the workers that have not answered yet. */
  private loads = new Map<
    number,
    { spec: ModelSpec; waiting: Set<Slot>; failure?: Error; resolve: () => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly models: ModelSpec[],
    size: number,
    readonly maxQueue: number,
  ) {
    try {
      for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
    } catch (e) {
      void this.close();
      throw e;
    }
  }

  /**
   * Resolves once every worker has loaded the models. If one cannot, the pool closes (every worker is
   * terminated, none is replaced) and this rejects with the reason: a ModelFileError (one line naming the
   * file) for a bad model or adapter folder, a plain Error for anything else. Nothing is left running, so
   * a caller that gives up can exit.
   */
  async ready(): Promise<void> {
    try {
      const times = await Promise.all(this.slots.map((s) => s.ready));
      this.loadNs = Math.max(...times);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  get busy(): number {
    return this.slots.filter((s) => s.job).length;
  }

  get queued(): number {
    return this.queue.length;
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript(), { workerData: { models: this.models } });
    worker.unref();
    let settle!: { resolve: (ns: number) => void; reject: (e: Error) => void };
    const slot: Slot = { worker, loaded: false, ready: new Promise<number>((resolve, reject) => (settle = { resolve, reject })) };
    slot.ready.catch(() => undefined);
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        slot.loaded = true;
        settle.resolve(m.loadNs);
        this.pump();
      } else if (m.type === 'load-error') {
        slot.failure = m.message;
        settle.reject(
          m.user ? new ModelFileError(m.message, m.hint) : new Error(`a generation worker could not load the models: ${m.message}`),
        );
      } else this.onMessage(slot, m);
    });
    // Settling an already-settled promise is a no-op, so the first of load-error, error and exit gives the reason.
    worker.on('error', (err) => {
      settle.reject(err);
      this.onWorkerGone(slot, err);
    });
    worker.on('exit', (code) => {
      const err = new Error(`generation worker exited with code ${code}`);
      settle.reject(err);
      this.onWorkerGone(slot, err);
    });
    return slot;
  }

  private onWorkerGone(slot: Slot, err: Error): void {
    for (const [id, load] of this.loads) if (load.waiting.delete(slot)) this.finishLoad(id);
    const job = slot.job;
    slot.job = undefined;
    if (job) this.settle(job, () => job.reject(new JobError(`generation failed: ${err.message}`, 500)));
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (this.closed) return;
    // Only a worker that had loaded the models is replaced. One that failed to load would fail again the
    // same way: replacing it was an endless respawn loop that kept `ftlab backend` alive after a bad
    // --model (hardening review D2).
    if (slot.loaded) this.slots.push(this.spawn());
    else if (!this.slots.length) {
      this.broken = slot.failure ?? err.message;
      for (const queued of this.queue.splice(0))
        this.settle(queued, () => queued.reject(new JobError(`no generation worker: ${this.broken}`, 503)));
    }
    this.pump();
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    if (m.type === 'ready' || m.type === 'load-error') return;
    if (m.type === 'loaded' || m.type === 'load-failed') {
      const load = this.loads.get(m.id);
      if (!load) return;
      if (m.type === 'load-failed')
        load.failure ??= m.user
          ? new ModelFileError(m.message, m.hint)
          : new Error(`a generation worker could not load the model: ${m.message}`);
      load.waiting.delete(slot);
      this.finishLoad(m.id);
      return;
    }
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    if (m.type === 'piece') {
      job.onPiece?.(m.text);
      return;
    }
    slot.job = undefined;
    if (m.type === 'done') this.settle(job, () => job.resolve(m.result));
    else this.settle(job, () => job.reject(new JobError(m.message, m.status)));
    this.pump();
  }

  private settle(job: Job, fn: () => void): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    fn();
  }

  submit(
    model: string,
    input: JobInput,
    options: SamplingRequest,
    hooks: { onPiece?: (text: string) => void; signal?: AbortSignal } = {},
  ): Promise<JobResult> {
    if (this.closed) return Promise.reject(new JobError('the backend is shutting down', 503));
    if (this.broken !== undefined && !this.slots.length) return Promise.reject(new JobError(`no generation worker: ${this.broken}`, 503));
    if (this.queue.length >= this.maxQueue && !this.slots.some((s) => !s.job)) return Promise.reject(new QueueFullError(this.maxQueue));
    return new Promise<JobResult>((resolve, reject) => {
      const job: Job = { id: this.nextId++, model, input, options, onPiece: hooks.onPiece, signal: hooks.signal, resolve, reject };
      if (hooks.signal) {
        if (hooks.signal.aborted) return reject(new JobError('request cancelled', 499));
        job.onAbort = () => this.abort(job);
        hooks.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private abort(job: Job): void {
    const queuedAt = this.queue.indexOf(job);
    if (queuedAt >= 0) {
      this.queue.splice(queuedAt, 1);
      job.reject(new JobError('request cancelled', 499));
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    slot?.worker.postMessage({ type: 'abort', id: job.id });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.loaded || slot.job || !this.queue.length) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.postMessage({ type: 'run', id: job.id, model: job.model, input: job.input, options: job.options });
    }
  }

  /**
   * Serves one more model (or replaces one of the same name) in every worker: a model made by /api/create
   * or /api/copy. Resolves once every running worker has it; a worker started later gets it with the rest.
   * If a worker cannot load it, it is removed everywhere and this rejects (ModelFileError for a bad folder).
   */
  addModel(spec: ModelSpec): Promise<void> {
    if (this.closed) return Promise.reject(new JobError('the backend is shutting down', 503));
    const at = this.models.findIndex((m) => m.name === spec.name);
    if (at >= 0) this.models[at] = spec;
    else this.models.push(spec);
    const id = this.nextId++;
    // Also to workers still starting: their port queues the message until they have loaded the rest.
    for (const slot of this.slots) slot.worker.postMessage({ type: 'load', id, spec });
    const waiting = new Set(this.slots.filter((s) => s.loaded));
    if (!waiting.size) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.loads.set(id, { spec, waiting, resolve, reject }));
  }

  /** Stops serving a model; jobs already running on it finish, queued ones get a 404 from the worker. */
  removeModel(name: string): void {
    const at = this.models.findIndex((m) => m.name === name);
    if (at >= 0) this.models.splice(at, 1);
    for (const slot of this.slots) slot.worker.postMessage({ type: 'unload', name });
  }

  private finishLoad(id: number): void {
    const load = this.loads.get(id);
    if (!load || load.waiting.size) return;
    this.loads.delete(id);
    if (!load.failure) return load.resolve();
    if (this.models.includes(load.spec)) this.removeModel(load.spec.name);
    load.reject(load.failure);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [id, load] of this.loads) {
      this.loads.delete(id);
      load.reject(new JobError('the backend is shutting down', 503));
    }
    for (const job of this.queue.splice(0)) job.reject(new JobError('the backend is shutting down', 503));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
