// The one set of training defaults. `ftlab train` takes its flag defaults (and --help text) from here,
// the LoRA lab's picker starts from it, and a test holds docs/engine.md's "default job" to it. Kept free
// of the engine's code so the CLI can read it without loading the engine.
import { PROJECTIONS, type Projection } from './params.js';

export type Method = 'lora' | 'qlora' | 'full';
export const METHODS: readonly Method[] = ['lora', 'qlora', 'full'];
export { PROJECTIONS, type Projection };

export const TRAIN_DEFAULTS = {
  method: 'lora' as Method,
  rank: 8,
  alpha: 16,
  targets: ['q_proj', 'v_proj'] as Projection[],
  dropout: 0.05,
  /** Peak learning rate of LoRA and QLoRA; full fine-tuning uses fullLr (all weights move, so smaller: at
   * 1e-3 it fits the training tickets exactly and loses 4 points of held-out accuracy, see docs/engine.md). */
  lr: 1e-2,
  fullLr: 3e-4,
  /** Optimizer steps when neither --steps nor --epochs is given. */
  steps: 150,
  batch: 8,
  gradAccum: 1,
  warmup: 10,
  weightDecay: 0,
  clip: 1,
  seed: 42,
  evalEvery: 20,
  patience: 3,
  minDelta: 1e-3,
  blockSize: 256,
};

/** The default peak learning rate for a method. */
export function defaultLr(method: Method): number {
  return method === 'full' ? TRAIN_DEFAULTS.fullLr : TRAIN_DEFAULTS.lr;
}
