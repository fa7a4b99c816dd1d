// Messages between the runner (runner.ts, main thread) and its shard workers (engine.worker.ts), and
// the layout of the shared control block they coordinate through.
import type { ReplicaSpec } from './replica.js';

/** Int32 slots of the control SharedArrayBuffer. */
export const CTRL = {
  /** Next shard index to take (Atomics.add). */
  NEXT: 0,
  /** Index of the shard whose gradient may be added next (shard order). */
  TURN: 1,
  /** Set to 1 by whoever fails, or by the runner when it gives up: waiting threads stop. */
  ABORT: 2,
  SIZE: 3,
} as const;

export interface WorkerInit {
  spec: ReplicaSpec;
  /** Int32Array(CTRL.SIZE) over a SharedArrayBuffer. */
  ctrl: Int32Array;
  /** The step's gradient, summed in shard order (length of the trainable buffer; empty when evaluating only). */
  acc: Float32Array;
  /** The trainable values the runner publishes before each call. */
  trainable: Float32Array;
}

export interface WorkRequest {
  id: number;
  /** Copy `trainable` into the replica first (it changed since the last call). */
  sync: boolean;
  shards: Array<{ tokens: Int32Array; targets: Int32Array; seed?: number }>;
  /** Scale of the gradient (1/targets of the step); null: loss only. */
  scale: number | null;
  dropout: boolean;
  /** Float64Array(2·shards): each shard's summed loss and target count. */
  results: Float64Array;
}

export type WorkerMessage =
  { type: 'ready' } | { type: 'done'; id: number } | { type: 'error'; id: number; message: string; stack?: string };
