// AdamW (decoupled weight decay, PyTorch's formulation) over one flat parameter buffer, plus the
// learning-rate schedule (linear warmup, then cosine decay to a floor) and global-norm gradient clipping.

export interface AdamWOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export class AdamW {
  m: Float32Array;
  v: Float32Array;
  t = 0;

  constructor(
    readonly size: number,
    readonly opts: AdamWOptions,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** One update of params with grads at learning rate lr; decayMask (optional) marks tensors to decay. */
  step(params: Float32Array, grads: Float32Array, lr: number, decayMask?: Uint8Array): void {
    const { beta1, beta2, eps, weightDecay } = this.opts;
    this.t++;
    const bc1 = 1 - Math.pow(beta1, this.t);
    const bc2 = 1 - Math.pow(beta2, this.t);
    const m = this.m;
    const v = this.v;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      const mhat = m[i] / bc1;
      const vhat = v[i] / bc2;
      const wd = weightDecay && (!decayMask || decayMask[i]) ? weightDecay * params[i] : 0;
      params[i] -= lr * (mhat / (Math.sqrt(vhat) + eps) + wd);
    }
  }
}

/** Linear warmup to peak, then cosine decay to minRatio·peak at totalSteps. step is 0-based. */
export function lrAt(step: number, peak: number, warmup: number, totalSteps: number, minRatio = 0.1): number {
  if (warmup > 0 && step < warmup) return (peak * (step + 1)) / warmup;
  const span = Math.max(1, totalSteps - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  return peak * (minRatio + (1 - minRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Scales grads so their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm(grads: Float32Array, maxNorm: number): number {
  let ss = 0;
  for (let i = 0; i < grads.length; i++) ss += grads[i] * grads[i];
  const norm = Math.sqrt(ss);
  if (maxNorm > 0 && norm > maxNorm) {
    const s = maxNorm / (norm + 1e-6);
    for (let i = 0; i < grads.length; i++) grads[i] *= s;
  }
  return norm;
}
