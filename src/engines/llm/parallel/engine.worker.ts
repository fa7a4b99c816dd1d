// A shard worker of the training engine (bundled as dist/engine.worker.js): holds one replica of the
// model (parallel/replica.ts) and runs the shard loop (parallel/shards.ts) whenever the runner asks.
import { parentPort, workerData } from 'node:worker_threads';
import { CTRL, type WorkerInit, type WorkerMessage, type WorkRequest } from './protocol.js';
import { Replica } from './replica.js';
import { AbortedError, runShards } from './shards.js';

const init = workerData as WorkerInit;
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

function fail(id: number, e: unknown): void {
  // stop the other threads, which may be waiting for this one's turn
  Atomics.store(init.ctrl, CTRL.ABORT, 1);
  Atomics.notify(init.ctrl, CTRL.TURN);
  const err = e instanceof Error ? e : new Error(String(e));
  post({ type: 'error', id, message: err.message, stack: e instanceof AbortedError ? undefined : err.stack });
}

let replica: Replica;
try {
  replica = new Replica(init.spec);
  post({ type: 'ready' });
} catch (e) {
  fail(-1, e);
}

parentPort!.on('message', (req: WorkRequest) => {
  try {
    if (req.sync) replica.setTrainable(init.trainable);
    runShards(replica, req, init.ctrl, init.acc);
    post({ type: 'done', id: req.id });
  } catch (e) {
    fail(req.id, e);
  }
});
