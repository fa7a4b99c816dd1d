// Streamed responses and graceful shutdown, shared by `ftlab serve` and `ftlab backend`.
// - StreamWriter: the one way both servers stream (SSE or NDJSON). It never sets a Connection header, so
//   Node honours a client's "Connection: close" and closes the socket after the last event; and it registers
//   with the server's Inflight set so that shutdown can end it with a final error event instead of a cut.
// - Inflight: every request being handled, with what to do if the server must stop before it finishes.
// - serveUntilSignal: SIGINT/SIGTERM → stop accepting, let in-flight requests finish for up to the grace,
//   then end the rest with their error event and exit. A second signal skips the rest of the grace.
import type { FastifyInstance, FastifyReply } from 'fastify';

export class Inflight {
  private readonly entries = new Set<() => void>();
  private waiters: (() => void)[] = [];
  /** Set when shutdown begins: new requests are refused with 503. */
  closing = false;

  /** Registers what to do on shutdown; the returned function unregisters (call it when the request ends). */
  add(onShutdown: () => void): () => void {
    const entry = () => onShutdown();
    this.entries.add(entry);
    return () => {
      if (!this.entries.delete(entry)) return;
      if (this.entries.size === 0) for (const w of this.waiters.splice(0)) w();
    };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Tells every registered request to stop now. */
  shutdownAll(): void {
    for (const entry of [...this.entries]) {
      try {
        entry();
      } catch {
        /* a failing writer must not keep the others from being told */
      }
    }
  }

  /** Resolves when nothing is registered, or after `ms`. */
  idle(ms: number): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }
}

const registries = new WeakMap<FastifyInstance, Inflight>();

/** The in-flight set of a server (created on first use). */
export function inflightOf(app: FastifyInstance): Inflight {
  let set = registries.get(app);
  if (!set) registries.set(app, (set = new Inflight()));
  return set;
}

/**
 * Tracks every request of `app` in its Inflight set from arrival to the end of its response, refuses new
 * requests while closing (via `refuse`), and, for requests without a stream, runs `onShutdown(req)` when the
 * server has to stop (e.g. abort the backend call so that the request answers 503 at once).
 */
export function trackRequests(app: FastifyInstance, refuse: (reply: FastifyReply) => void): void {
  const inflight = inflightOf(app);
  app.addHook('onRequest', async (req, reply) => {
    if (inflight.closing) {
      reply.header('connection', 'close');
      refuse(reply);
      return reply;
    }
    const off = inflight.add(() => {
      for (const fn of shutdownHandlers.get(reply) ?? []) fn();
    });
    reply.raw.once('close', off);
    return undefined;
  });
}

const shutdownHandlers = new WeakMap<FastifyReply, (() => void)[]>();

/** Adds what a request does when the server must stop before it has answered (all added run, in order). */
export function onShutdown(reply: FastifyReply, fn: () => void): void {
  const list = shutdownHandlers.get(reply);
  if (list) list.push(fn);
  else shutdownHandlers.set(reply, [fn]);
}

export interface StreamFormat {
  contentType: string;
  /** The final chunk sent when the server shuts down in the middle of the stream. */
  shutdownChunk: () => string;
}

/** A streamed response: headers go out with the first chunk; after end() every write is a no-op. */
export class StreamWriter {
  started = false;
  ended = false;
  constructor(
    private readonly reply: FastifyReply,
    private readonly format: StreamFormat,
  ) {
    // Registered before the first byte: a stream that has started is ended with its error chunk on shutdown.
    onShutdown(reply, () => {
      if (this.started) this.end(this.format.shutdownChunk());
    });
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.reply.hijack();
    // No Connection header: Node then keeps the connection alive only if the client wants it.
    this.reply.raw.writeHead(200, { 'content-type': this.format.contentType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  }

  write(chunk: string): void {
    if (this.ended) return;
    this.start();
    if (!this.reply.raw.destroyed) this.reply.raw.write(chunk);
  }

  end(chunk?: string): void {
    if (this.ended) return;
    this.start();
    this.ended = true;
    if (!this.reply.raw.destroyed) this.reply.raw.end(chunk);
  }
}

/** How long in-flight requests may finish after SIGINT/SIGTERM, for both servers (docs/serving.md says the same). */
export const DEFAULT_GRACE_MS = 5000;

export interface ServeUntilSignalOptions {
  /** Name in the log lines, e.g. "ftlab serve". */
  name: string;
  /** How long in-flight requests may take to finish after the signal. */
  graceMs: number;
}

/**
 * Shuts `app` down: refuse new requests, let in-flight ones finish for up to `graceMs`, then end the rest
 * (a started stream gets its final error chunk, a request still waiting gets 503), close every connection.
 * Resolves when the server is closed. `cutNow()` skips the rest of the grace (a second Ctrl-C).
 */
export function shutdown(app: FastifyInstance, o: ServeUntilSignalOptions): { closed: Promise<void>; cutNow: () => void } {
  const inflight = inflightOf(app);
  const log = (line: string) => process.stderr.write(`${o.name}: ${line}\n`);
  inflight.closing = true;
  let cutDone = false;
  const cutNow = () => {
    if (cutDone) return;
    cutDone = true;
    if (inflight.size) log(`ending ${inflight.size} unfinished request${inflight.size > 1 ? 's' : ''} with an error`);
    inflight.shutdownAll();
  };
  const timer = setTimeout(cutNow, o.graceMs);
  const closing = app.close().then(
    () => undefined,
    () => undefined, // already closing or closed: nothing left to wait for
  );
  const closed = (async () => {
    await inflight.idle(o.graceMs);
    clearTimeout(timer);
    cutNow();
    // Each request has been told to stop; give them a moment to write their last words.
    await inflight.idle(1000);
    app.server.closeAllConnections();
    await closing;
  })();
  return { closed, cutNow };
}

/**
 * Runs until SIGINT or SIGTERM, then shuts `app` down within the grace and resolves. The only shutdown path
 * of both servers: a watcher that notices the parent has died sends this process SIGTERM to use it.
 */
export function serveUntilSignal(app: FastifyInstance, o: ServeUntilSignalOptions): Promise<void> {
  const inflight = inflightOf(app);
  return new Promise<void>((resolve) => {
    let running: ReturnType<typeof shutdown> | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (running) return running.cutNow();
      const n = inflight.size;
      process.stderr.write(
        `${o.name}: ${signal} received, ${n ? `finishing ${n} in-flight request${n > 1 ? 's' : ''} (up to ${o.graceMs / 1000} s)` : 'stopping'}…\n`,
      );
      running = shutdown(app, o);
      void running.closed.then(() => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
