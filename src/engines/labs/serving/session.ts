// What the serving lab's screen drives: detecting Ollama, starting and stopping the model server and the
// serving API as child processes (always cleaned up, and they watch a pipe to this process so they stop
// even if it is killed with -9), streaming a prompt, a bounded load test and the API's /metrics.
// No UI here; the screen subscribes to `change` events and renders `state`.
import { EventEmitter } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { packageRoot } from '../../../shared/paths.js';
import { choosePort } from '../../serve/ports.js';
import { onStopChildren, watchedChildOptions } from '../../../shared/parent-watch.js';

/** Where the lab starts its servers unless told otherwise (what the lesson's commands use). */
export const DEFAULT_PORTS = { backend: 11435, api: 8000 } as const;

/** Env FTLAB_SERVING_LAB_PORTS="BACKEND,API" (0 = any free port), for scripts and tests that must not use the defaults. */
export const PORTS_ENV = 'FTLAB_SERVING_LAB_PORTS';

/** Parses FTLAB_SERVING_LAB_PORTS; `problem` is a line for the lab's log when the value is unusable. */
export function portsFromEnv(value: string | undefined): { ports?: { backend: number; api: number }; problem?: string } {
  if (value === undefined || value.trim() === '') return {};
  const parts = value.split(',').map((p) => p.trim());
  const nums = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => !/^\d+$/.test(p)) || nums.some((n) => n > 65535)) {
    return { problem: `${PORTS_ENV}="${value}" is not two ports "BACKEND,API" (e.g. 11435,8000; 0 = any free port): using ${DEFAULT_PORTS.backend},${DEFAULT_PORTS.api}` };
  }
  return { ports: { backend: nums[0], api: nums[1] } };
}

export type ProcStatus = 'stopped' | 'starting' | 'running' | 'failed';

export interface ProcState {
  status: ProcStatus;
  url?: string;
  pid?: number;
  message?: string;
  /** Shown with the status while it runs: e.g. that its usual port was taken and by whom. */
  notice?: string;
}

export interface PromptState {
  prompt: string;
  text: string;
  status: 'streaming' | 'done' | 'error';
  firstTokenMs?: number;
  latencyMs?: number;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  error?: string;
}

export interface LoadTestState {
  status: 'running' | 'done';
  total: number;
  done: number;
  errors: number;
  concurrency: number;
  p50?: number;
  p99?: number;
  rps?: number;
  /** Per-second buckets: requests finished and their p99. */
  series: { second: number; requests: number; p99: number }[];
}

export interface ServingLabState {
  ollama: { host: string; onPath: boolean; reachable: boolean; version?: string; models: string[] };
  backend: ProcState & { kind: 'builtin' | 'ollama' };
  api: ProcState;
  model: string;
  prompt?: PromptState;
  loadTest?: LoadTestState;
  metrics?: string[];
  pull?: { model: string; status: string; completed: number; total: number; done: boolean; error?: string };
  log: string[];
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function onPath(binary: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      /* keep looking */
    }
  }
  return false;
}

export class ServingLabSession extends EventEmitter {
  state: ServingLabState;
  private backendProc?: ResultPromise;
  private apiProc?: ResultPromise;
  private aborts = new Set<AbortController>();
  private readonly cli = join(packageRoot(), 'dist', 'cli.js');

  /** Model folder for the built-in backend (default: the shipped micro model). */
  private readonly modelDir?: string;
  private readonly ports: { backend: number; api: number };
  private disposing?: Promise<void>;
  private readonly unregisterStop: () => void;

  /**
   * `ports`: where to start the model server and the API (defaults DEFAULT_PORTS; 0 = a port the
   * system picks). A taken port moves to the next free one and the state says so (ProcState.notice).
   */
  constructor(opts: { ollamaHost?: string; modelDir?: string; ports?: { backend?: number; api?: number }; notice?: string } = {}) {
    super();
    this.modelDir = opts.modelDir;
    this.ports = { backend: opts.ports?.backend ?? DEFAULT_PORTS.backend, api: opts.ports?.api ?? DEFAULT_PORTS.api };
    // A signal that ends the app stops our children (gracefully) before it exits.
    this.unregisterStop = onStopChildren(() => this.dispose());
    const host = (opts.ollamaHost ?? process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
    this.state = {
      ollama: { host: host.includes('://') ? host : `http://${host}`, onPath: false, reachable: false, models: [] },
      backend: { status: 'stopped', kind: 'builtin' },
      api: { status: 'stopped' },
      model: 'ftlab-micro',
      log: opts.notice ? [opts.notice] : [],
    };
  }

  private update(patch: Partial<ServingLabState>): void {
    this.state = { ...this.state, ...patch };
    this.emit('change', this.state);
  }

  private log(line: string): void {
    this.update({ log: [...this.state.log.slice(-19), line] });
  }

  /** Is a real Ollama installed and running? Decides which model server the lab uses. */
  async detect(): Promise<void> {
    const ollama = { ...this.state.ollama, onPath: onPath('ollama'), reachable: false, version: undefined as string | undefined, models: [] as string[] };
    try {
      const v = await fetch(`${ollama.host}/api/version`, { signal: AbortSignal.timeout(1500) });
      ollama.version = ((await v.json()) as { version?: string }).version;
      const tags = await fetch(`${ollama.host}/api/tags`, { signal: AbortSignal.timeout(1500) });
      ollama.models = (((await tags.json()) as { models?: { name: string }[] }).models ?? []).map((m) => m.name);
      ollama.reachable = true;
    } catch {
      /* not running */
    }
    const realOllama = ollama.onPath && ollama.reachable;
    this.update({
      ollama,
      backend: realOllama ? { status: 'running', kind: 'ollama', url: ollama.host } : this.state.backend.kind === 'ollama' ? { status: 'stopped', kind: 'builtin' } : this.state.backend,
      model: realOllama && ollama.models.length ? ollama.models[0] : this.state.model,
    });
    this.log(
      realOllama
        ? `Ollama ${ollama.version ?? ''} is running at ${ollama.host} with ${ollama.models.length} model(s).`
        : ollama.onPath
          ? `Ollama is installed but not running at ${ollama.host}: start it with \`ollama serve\`, or use the built-in backend (b).`
          : 'Ollama is not installed: the lab uses ftlab\'s built-in backend (b). Install Ollama from ollama.com for real answers.',
    );
  }

  private async startChild(args: string[], readyPattern: RegExp, label: string): Promise<{ proc: ResultPromise; url: string }> {
    // stdio[3] is the parent pipe (see shared/parent-watch.ts): kept open, never written.
    const proc = execa(process.execPath, [this.cli, ...args], { reject: false, cleanup: true, buffer: false, extendEnv: false, ...watchedChildOptions() }) as unknown as ResultPromise; // the fd-3 pipe only widens execa's stdio type
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d.toString();
        const m = readyPattern.exec(output);
        if (m) resolve(m[1]);
      };
      proc.stderr?.on('data', onData);
      proc.stdout?.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`${label} exited (${code}): ${output.trim().split('\n').slice(-3).join(' ')}`)));
      proc.once('error', reject);
    });
    return { proc, url };
  }

  async toggleBackend(): Promise<void> {
    if (this.disposing) return;
    if (this.state.backend.kind === 'ollama') {
      this.log('A real Ollama is serving; stop it outside ftlab (it is not ours to stop).');
      return;
    }
    if (this.backendProc) {
      await this.stopProc(this.backendProc);
      this.backendProc = undefined;
      this.update({ backend: { status: 'stopped', kind: 'builtin' } });
      this.log('Built-in backend stopped. Call /health now: the API should report "degraded".');
      return;
    }
    this.update({ backend: { status: 'starting', kind: 'builtin' } });
    try {
      // never the API's port: the lab would then be in its own way
      const choice = await choosePort('127.0.0.1', this.ports.backend, 'the model server', this.ports.api ? [this.ports.api] : []);
      if (choice.moved) this.log(`${choice.moved}.${choice.holder ? ` Stop ${choice.holder.split(' (')[0]} to get port ${this.ports.backend} back.` : ''}`);
      const { proc, url } = await this.startChild(['backend', '--port', String(choice.port), ...(this.modelDir ? ['--model', this.modelDir] : [])], /Ollama-compatible API on (http:\/\/[^\s]+)/, 'ftlab backend');
      if (this.disposing) return void (await this.stopProc(proc)); // the screen closed while it started
      this.backendProc = proc;
      proc.once('exit', () => {
        if (this.backendProc === proc) {
          this.backendProc = undefined;
          this.update({ backend: { status: 'stopped', kind: 'builtin', message: 'exited' } });
        }
      });
      this.update({ backend: { status: 'running', kind: 'builtin', url, pid: proc.pid, notice: choice.moved }, model: 'ftlab-micro' });
      this.log(`Built-in backend running at ${url} (pid ${proc.pid}).`);
    } catch (err) {
      this.update({ backend: { status: 'failed', kind: 'builtin', message: (err as Error).message } });
      this.log(`Backend failed to start: ${(err as Error).message}`);
    }
  }

  async toggleApi(): Promise<void> {
    if (this.disposing) return;
    if (this.apiProc) {
      await this.stopProc(this.apiProc);
      this.apiProc = undefined;
      this.update({ api: { status: 'stopped' } });
      this.log('Serving API stopped.');
      return;
    }
    const backendUrl = this.state.backend.url ?? this.state.ollama.host;
    this.update({ api: { status: 'starting' } });
    try {
      const backendPort = this.state.backend.url ? Number(new URL(this.state.backend.url).port) : 0;
      const choice = await choosePort('127.0.0.1', this.ports.api, 'the serving API', backendPort ? [backendPort] : []);
      const holderPid = choice.holder?.split(' (')[0];
      const ours = holderPid === `pid ${this.backendProc?.pid}`;
      if (choice.moved)
        this.log(
          `${choice.moved}: use that address in the lesson's commands (c shows them).${choice.holder && !ours ? ` Stop ${holderPid} to get port ${this.ports.api} back.` : ''}`,
        );
      const { proc, url } = await this.startChild(
        ['serve', '--port', String(choice.port), '--ollama-host', backendUrl, '--model', this.state.model, '--log-level', 'warn'],
        /listening on (http:\/\/[^\s]+)/,
        'ftlab serve',
      );
      if (this.disposing) return void (await this.stopProc(proc));
      this.apiProc = proc;
      proc.once('exit', () => {
        if (this.apiProc === proc) {
          this.apiProc = undefined;
          this.update({ api: { status: 'stopped', message: 'exited' } });
        }
      });
      this.update({ api: { status: 'running', url, pid: proc.pid, notice: choice.moved } });
      this.log(`Serving API running at ${url} (pid ${proc.pid}) in front of ${backendUrl}. Docs: ${url}/docs`);
    } catch (err) {
      this.update({ api: { status: 'failed', message: (err as Error).message } });
      this.log(`API failed to start: ${(err as Error).message}`);
    }
  }

  private async stopProc(proc: ResultPromise): Promise<void> {
    if (proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    const exited = await Promise.race([proc.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
    if (!exited) proc.kill('SIGKILL');
  }

  /** PIDs of the children this session started (tests check none survive). */
  childPids(): number[] {
    return [this.backendProc?.pid, this.apiProc?.pid].filter((p): p is number => typeof p === 'number');
  }

  curlCommands(): string[] {
    const api = this.state.api.url ?? `http://127.0.0.1:${this.ports.api || DEFAULT_PORTS.api}`;
    const backend = this.state.backend.url ?? this.state.ollama.host;
    return [
      `curl -s ${api}/health`,
      `curl -s ${api}/generate -H 'content-type: application/json' -d '{"prompt":"What is LoRA?"}'`,
      `curl -sN ${api}/generate -H 'content-type: application/json' -d '{"prompt":"What is LoRA?","stream":true}'`,
      `curl -s ${api}/metrics | grep ftlab_serve_http_requests_total`,
      `curl -s ${backend}/api/generate -d '{"model":"${this.state.model}","prompt":"What is LoRA?","stream":false}'`,
    ];
  }

  /** Streams a prompt through the API (SSE) and records latency and token counts. */
  async sendPrompt(prompt: string, options: Record<string, unknown> = { num_predict: 64 }): Promise<void> {
    const api = this.state.api.url;
    if (!api) {
      this.log('Start the serving API first (a).');
      return;
    }
    const controller = new AbortController();
    this.aborts.add(controller);
    const started = performance.now();
    let state: PromptState = { prompt, text: '', status: 'streaming' };
    this.update({ prompt: state });
    try {
      const res = await fetch(`${api}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt, stream: true, options }),
        signal: controller.signal,
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as { error?: { message?: string; hint?: string } };
        throw new Error(`${res.status}: ${body.error?.message ?? res.statusText}${body.error?.hint ? ` (hint: ${body.error.hint})` : ''}`);
      }
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let sep: number;
        while ((sep = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, sep);
          buffer = buffer.slice(sep + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}');
          if (event === 'token') {
            state = { ...state, text: state.text + data.response, firstTokenMs: state.firstTokenMs ?? performance.now() - started };
          } else if (event === 'done') {
            state = { ...state, status: 'done', usage: data.usage, latencyMs: performance.now() - started };
          } else if (event === 'error') {
            state = { ...state, status: 'error', error: `${data.error?.message} (hint: ${data.error?.hint})` };
          }
          this.update({ prompt: state });
        }
      }
      if (state.status === 'streaming') this.update({ prompt: { ...state, status: 'done', latencyMs: performance.now() - started } });
    } catch (err) {
      this.update({ prompt: { ...state, status: 'error', error: (err as Error).message } });
    } finally {
      this.aborts.delete(controller);
    }
  }

  /** A bounded load test: at most `total` requests or `seconds`, `concurrency` at a time. */
  async loadTest({ total = 200, concurrency = 8, seconds = 15 }: { total?: number; concurrency?: number; seconds?: number } = {}): Promise<LoadTestState | undefined> {
    const api = this.state.api.url;
    if (!api) {
      this.log('Start the serving API first (a).');
      return undefined;
    }
    const controller = new AbortController();
    this.aborts.add(controller);
    const deadline = performance.now() + seconds * 1000;
    const t0 = performance.now();
    const latencies: number[] = [];
    const perSecond = new Map<number, number[]>();
    let issued = 0;
    let errors = 0;
    let state: LoadTestState = { status: 'running', total, done: 0, errors: 0, concurrency, series: [] };
    this.update({ loadTest: state });
    let lastEmit = 0;
    const publish = (final: boolean) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      const elapsed = (performance.now() - t0) / 1000;
      state = {
        ...state,
        status: final ? 'done' : 'running',
        done: latencies.length + errors,
        errors,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        rps: latencies.length / Math.max(elapsed, 1e-3),
        series: [...perSecond.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([second, xs]) => ({ second, requests: xs.length, p99: percentile([...xs].sort((a, b) => a - b), 99) })),
      };
      this.update({ loadTest: state });
    };
    const worker = async () => {
      while (issued < total && performance.now() < deadline && !controller.signal.aborted) {
        issued++;
        const started = performance.now();
        try {
          const res = await fetch(`${api}/generate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ prompt: `Load test prompt ${issued}`, options: { num_predict: 8, seed: issued } }),
            signal: controller.signal,
          });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(String(res.status));
          const ms = performance.now() - started;
          latencies.push(ms);
          const second = Math.floor((performance.now() - t0) / 1000);
          perSecond.set(second, [...(perSecond.get(second) ?? []), ms]);
        } catch {
          if (controller.signal.aborted) return;
          errors++;
        }
        if (performance.now() - lastEmit > 200) {
          lastEmit = performance.now();
          publish(false);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: concurrency }, worker));
    } finally {
      this.aborts.delete(controller);
    }
    publish(true);
    this.log(`Load test: ${latencies.length} requests, p50 ${state.p50?.toFixed(1)} ms, p99 ${state.p99?.toFixed(1)} ms, ${state.rps?.toFixed(1)} req/s, ${errors} errors.`);
    return state;
  }

  /** The API's request counters and latency summary from /metrics. */
  async fetchMetrics(): Promise<void> {
    const api = this.state.api.url;
    if (!api) {
      this.log('Start the serving API first (a).');
      return;
    }
    try {
      const text = await (await fetch(`${api}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
      const lines = text
        .split('\n')
        .filter((l) => /^ftlab_serve_(http_requests_total|backend_requests_total|completion_tokens_total|prompt_tokens_total|inflight_requests)/.test(l));
      this.update({ metrics: lines });
    } catch (err) {
      this.log(`Could not read /metrics: ${(err as Error).message}`);
    }
  }

  /** `ollama pull` through the real Ollama's API, with progress. */
  async pull(model = 'llama3.2:1b'): Promise<void> {
    if (!this.state.ollama.reachable) {
      this.log('Pulling needs a running Ollama (`ollama serve`); the built-in backend already has its model.');
      return;
    }
    const { Ollama } = await import('ollama');
    const client = new Ollama({ host: this.state.ollama.host });
    this.update({ pull: { model, status: 'starting', completed: 0, total: 0, done: false } });
    try {
      const stream = await client.pull({ model, stream: true });
      for await (const part of stream) {
        this.update({ pull: { model, status: part.status, completed: part.completed ?? 0, total: part.total ?? 0, done: part.status === 'success' } });
      }
      await this.detect();
      this.update({ model });
    } catch (err) {
      this.update({ pull: { model, status: 'failed', completed: 0, total: 0, done: true, error: (err as Error).message } });
    }
  }

  /** Stops everything this session started. Safe to call twice (the second call waits for the first). */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      for (const c of this.aborts) c.abort();
      await Promise.all([this.backendProc, this.apiProc].filter((p): p is ResultPromise => Boolean(p)).map((p) => this.stopProc(p)));
      this.backendProc = undefined;
      this.apiProc = undefined;
      this.unregisterStop();
    })();
    return this.disposing;
  }
}
