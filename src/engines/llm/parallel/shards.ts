// The shard loop every thread runs, the main thread (one thread) and the workers alike: take the next
// shard index, compute it on this thread's replica, then — for gradients — wait until every earlier
// shard's gradient has been added, add this one, and let the next shard in.
import { CTRL } from './protocol.js';
import { addInto, type Replica, type ShardInput } from './replica.js';

export class AbortedError extends Error {
  constructor() {
    super('another thread failed; this one stopped');
  }
}

export interface ShardWork {
  shards: ShardInput[];
  scale: number | null;
  dropout: boolean;
  results: Float64Array;
}

export function runShards(replica: Replica, work: ShardWork, ctrl: Int32Array, acc: Float32Array): void {
  for (;;) {
    if (Atomics.load(ctrl, CTRL.ABORT)) throw new AbortedError();
    const s = Atomics.add(ctrl, CTRL.NEXT, 1);
    if (s >= work.shards.length) return;
    const r = replica.run(work.shards[s], work.scale, work.dropout);
    work.results[2 * s] = r.sum;
    work.results[2 * s + 1] = r.count;
    if (work.scale === null) continue;
    for (;;) {
      const turn = Atomics.load(ctrl, CTRL.TURN);
      if (turn === s) break;
      if (Atomics.load(ctrl, CTRL.ABORT)) throw new AbortedError();
      // woken by the shard before this one; the timeout only bounds how late an abort is seen
      Atomics.wait(ctrl, CTRL.TURN, turn, 200);
    }
    addInto(acc, replica.grads!);
    Atomics.store(ctrl, CTRL.TURN, s + 1);
    Atomics.notify(ctrl, CTRL.TURN);
  }
}
