// Pure formula helpers behind every worked figure in the course (lessons and numeric questions).
// test/course/figures/<module>.ts lists each figure with a `compute` that calls these, so a lesson
// can never show a number that ftlab's own arithmetic disagrees with. One function per formula:
// add a new one rather than changing the meaning of an existing one.

// ---- Formatting (figures are asserted "as written" in the lesson text) ----------------------

/** Integer with thousands separators: 65536 -> "65,536". */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Fixed decimals without thousands separators: (0.3906, 2) -> "0.39". */
export function fmtFixed(n: number, decimals: number): string {
  return n.toFixed(decimals);
}

/** Fixed decimals with thousands separators: (1234.5, 2) -> "1,234.50". */
export function fmtMoney(n: number, decimals = 2): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

// ---- LoRA -----------------------------------------------------------------------------------

/**
 * Trainable parameters LoRA adds to one linear layer W (out x in): A is r x in, B is out x r.
 */
export function loraLayerParams(inFeatures: number, outFeatures: number, rank: number): number {
  return rank * inFeatures + outFeatures * rank;
}

/** Parameters of a dense weight matrix (out x in), without bias. */
export function denseParams(inFeatures: number, outFeatures: number): number {
  return inFeatures * outFeatures;
}

export interface LinearShape {
  in: number;
  out: number;
}

/** LoRA parameters for a whole model: the same target modules adapted in every layer. */
export function loraModelParams(layers: number, targets: LinearShape[], rank: number): number {
  const perLayer = targets.reduce((sum, t) => sum + loraLayerParams(t.in, t.out, rank), 0);
  return layers * perLayer;
}

/** LoRA's scaling factor applied to BA: alpha / r. */
export function loraScaling(alpha: number, rank: number): number {
  return alpha / rank;
}

/** A share as a percentage (as PEFT's print_trainable_parameters shows it): 100 * part / whole. */
export function percentOf(part: number, whole: number): number {
  return (100 * part) / whole;
}

// ---- Other PEFT methods ----------------------------------------------------------------------

/**
 * A bottleneck adapter (down-project d -> m, non-linearity, up-project m -> d, residual):
 * two weight matrices plus their biases.
 */
export function bottleneckAdapterParams(modelDim: number, bottleneck: number, withBias = true): number {
  const weights = 2 * modelDim * bottleneck;
  return withBias ? weights + bottleneck + modelDim : weights;
}

/**
 * Prefix tuning in its usual form: every layer gets `prefixLength` trainable key vectors and
 * as many value vectors, each of the model width.
 */
export function prefixTuningParams(layers: number, prefixLength: number, modelDim: number): number {
  return layers * 2 * prefixLength * modelDim;
}

/** Prompt tuning: trainable virtual-token embeddings at the input only. */
export function promptTuningParams(virtualTokens: number, modelDim: number): number {
  return virtualTokens * modelDim;
}

// ---- Memory ---------------------------------------------------------------------------------

export const GB = 1e9;

/** Bytes for `params` values stored at `bits` bits each. */
export function weightBytes(params: number, bits: number): number {
  return (params * bits) / 8;
}

/**
 * Bytes per parameter for full fine-tuning with Adam(W) in mixed precision, the usual rule of thumb:
 * 16-bit weights (2) + 16-bit gradients (2) + fp32 master weights (4) + Adam's two fp32 moments (4 + 4).
 */
export const MIXED_PRECISION_ADAM_BYTES_PER_PARAM = 2 + 2 + 4 + 4 + 4;

/** Bytes per parameter when everything (weights, gradients, two Adam moments) is fp32. */
export const FP32_ADAM_BYTES_PER_PARAM = 4 + 4 + 4 + 4;

/**
 * Memory for the training state of full fine-tuning (weights, gradients, optimizer state), excluding
 * activations, which depend on batch size and sequence length.
 */
export function fullFineTuneBytes(params: number, bytesPerParam = MIXED_PRECISION_ADAM_BYTES_PER_PARAM): number {
  return params * bytesPerParam;
}

/**
 * Training state for LoRA / QLoRA: a frozen base stored at `baseBits` per weight (no gradients, no
 * optimizer state) plus adapters that carry the full per-parameter training cost.
 */
export function adapterTrainingBytes(
  baseParams: number,
  baseBits: number,
  adapterParams: number,
  adapterBytesPerParam = MIXED_PRECISION_ADAM_BYTES_PER_PARAM,
): number {
  return weightBytes(baseParams, baseBits) + adapterParams * adapterBytesPerParam;
}

/**
 * Extra bits per weight spent on quantization constants for blockwise 4-bit quantization.
 * Plain: one fp32 absmax per block. Double quantization: the absmax values are themselves stored in
 * 8 bits, with one fp32 constant per `secondBlock` of them.
 */
export function quantConstantBitsPerParam(blockSize: number, doubleQuant: boolean, secondBlock = 256): number {
  if (!doubleQuant) return 32 / blockSize;
  return 8 / blockSize + 32 / (blockSize * secondBlock);
}

// ---- Storage of many fine-tunes --------------------------------------------------------------

/** Storage for n full fine-tuned copies of a model. */
export function fullCopiesBytes(copies: number, modelBytes: number): number {
  return copies * modelBytes;
}

/** Storage for one shared base plus n adapters. */
export function baseWithAdaptersBytes(baseBytes: number, adapters: number, adapterBytes: number): number {
  return baseBytes + adapters * adapterBytes;
}

// ---- Tokens and cost ------------------------------------------------------------------------

/** Cost of `tokens` at `pricePerMillion` currency units per million tokens. */
export function tokenCost(tokens: number, pricePerMillion: number): number {
  return (tokens / 1e6) * pricePerMillion;
}

/** Monthly inference cost: requests x (input tokens x input price + output tokens x output price). */
export function monthlyInferenceCost(
  requests: number,
  inputTokensPerRequest: number,
  outputTokensPerRequest: number,
  inputPricePerMillion: number,
  outputPricePerMillion: number,
): number {
  return (
    tokenCost(requests * inputTokensPerRequest, inputPricePerMillion) + tokenCost(requests * outputTokensPerRequest, outputPricePerMillion)
  );
}

/** Tokens processed by a training job: examples x average tokens x epochs. */
export function trainingTokens(examples: number, tokensPerExample: number, epochs: number): number {
  return examples * tokensPerExample * epochs;
}

/** Months until a one-off cost is paid back by a monthly saving. */
export function breakEvenMonths(oneOffCost: number, monthlySaving: number): number {
  return oneOffCost / monthlySaving;
}

// ---- Compute ------------------------------------------------------------------------------

/**
 * Rule-of-thumb training compute of a dense transformer: about 6 floating-point operations per
 * parameter per training token (2 for the forward pass, 4 for the backward pass).
 */
export function trainingFlops(params: number, tokens: number): number {
  return 6 * params * tokens;
}

/** Years one device needs for `flops` at a sustained `flopsPerSecond`. */
export function deviceYears(flops: number, flopsPerSecond: number): number {
  return flops / flopsPerSecond / (365.25 * 24 * 3600);
}

// ---- Data -----------------------------------------------------------------------------------

/**
 * Sizes of train/validation/test splits for `total` examples and fractions that sum to 1. Validation
 * and test are rounded down; train takes the remainder so nothing is lost.
 */
export function splitSizes(
  total: number,
  validationFraction: number,
  testFraction: number,
): { train: number; validation: number; test: number } {
  const validation = Math.floor(total * validationFraction);
  const test = Math.floor(total * testFraction);
  return { train: total - validation - test, validation, test };
}

/** Optimizer steps in one epoch: ceil(examples / (batch x accumulation)). */
export function stepsPerEpoch(examples: number, batchSize: number, gradAccumulation = 1): number {
  return Math.ceil(examples / (batchSize * gradAccumulation));
}

/** Rough token estimate from characters (English averages about 4 characters per token). */
export function tokensFromChars(chars: number, charsPerToken = 4): number {
  return chars / charsPerToken;
}

/** Share of examples that remain after removing duplicates, as a percentage. */
export function keptPercent(before: number, after: number): number {
  return percentOf(after, before);
}

// ---- Next-token training ----------------------------------------------------------------------

/** Cross-entropy (natural log) of one prediction that gives the correct token probability p. */
export function crossEntropy(pCorrect: number): number {
  return -Math.log(pCorrect);
}

/** Sum of numbers (latency budget of a request path, costs of parts). */
export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Mean of numbers (mean loss over target tokens). */
export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Perplexity from a mean natural-log cross-entropy. */
export function perplexity(meanLoss: number): number {
  return Math.exp(meanLoss);
}

/** Number of next-token targets in a sequence of n tokens (input = all but last, target = all but first). */
export function nextTokenTargets(sequenceLength: number): number {
  return sequenceLength - 1;
}

// ---- Training schedule (module 5) -------------------------------------------------------------

/** Examples per optimizer step: per-device batch x gradient-accumulation steps x devices. */
export function effectiveBatch(perDeviceBatch: number, gradAccumulation: number, devices = 1): number {
  return perDeviceBatch * gradAccumulation * devices;
}

/** Warmup steps from a ratio of all steps, rounded up as Hugging Face's get_warmup_steps does. */
export function warmupStepsFromRatio(totalSteps: number, ratio: number): number {
  return Math.ceil(totalSteps * ratio);
}

/** Learning rate during linear warmup: peak x step / warmupSteps. */
export function linearWarmupLr(peakLr: number, step: number, warmupSteps: number): number {
  return (peakLr * step) / warmupSteps;
}

/** Cosine decay after warmup: peak x 0.5 x (1 + cos(pi x p)), p = (step - warmup) / (total - warmup). */
export function cosineDecayLr(peakLr: number, step: number, warmupSteps: number, totalSteps: number): number {
  const progress = (step - warmupSteps) / (totalSteps - warmupSteps);
  return peakLr * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** Adam(W) optimizer state: two moments per trainable weight at `bytesPerMoment` bytes each. */
export function adamStateBytes(trainableParams: number, bytesPerMoment = 4): number {
  return trainableParams * 2 * bytesPerMoment;
}

export interface EarlyStopResult {
  /** 1-based evaluation at which training stops (the last one if patience never runs out). */
  stopAt: number;
  /** 1-based evaluation whose checkpoint is kept. */
  best: number;
  bestLoss: number;
}

/**
 * Early stopping on validation loss: an evaluation counts as an improvement when it beats the best so
 * far by more than `minDelta`; training stops once `patience` evaluations in a row do not improve.
 */
export function earlyStopping(valLosses: number[], patience: number, minDelta = 0): EarlyStopResult {
  let best = 0;
  let bestLoss = Infinity;
  let waited = 0;
  for (let i = 0; i < valLosses.length; i++) {
    if (valLosses[i]! < bestLoss - minDelta) {
      bestLoss = valLosses[i]!;
      best = i + 1;
      waited = 0;
    } else if (++waited >= patience) {
      return { stopAt: i + 1, best, bestLoss };
    }
  }
  return { stopAt: valLosses.length, best, bestLoss };
}

/** Extra compute of gradient checkpointing: one more forward pass over forward + backward cost. */
export function recomputeOverhead(forwardCost: number, backwardCost: number): number {
  return forwardCost / (forwardCost + backwardCost);
}

/** Relative reduction from `before` to `after`, as a percentage: 100 x (1 - after / before). */
export function reductionPercent(before: number, after: number): number {
  return 100 * (1 - after / before);
}

// ---- Serving (module 7) -----------------------------------------------------------------------

/** KV-cache bytes per token: keys and values (2) x layers x KV heads x head dim x bytes per value. */
export function kvCacheBytesPerToken(layers: number, kvHeads: number, headDim: number, bytesPerValue: number): number {
  return 2 * layers * kvHeads * headDim * bytesPerValue;
}

/** Nearest-rank percentile: the value at rank ceil(p/100 x n) of the sorted sample. */
export function percentileNearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** Little's law rearranged: throughput = requests in flight / time each spends in the system. */
export function throughputFromConcurrency(concurrency: number, latencySeconds: number): number {
  return concurrency / latencySeconds;
}

/** Kubernetes HPA: desired = ceil(current replicas x current metric / target metric). */
export function hpaDesiredReplicas(currentReplicas: number, currentMetric: number, targetMetric: number): number {
  return Math.ceil(currentReplicas * (currentMetric / targetMetric));
}

/** Self-hosted cost per million generated tokens: hourly price / tokens per hour x 1e6. */
export function costPerMillionTokens(hourlyPrice: number, tokensPerSecond: number): number {
  return (hourlyPrice / (tokensPerSecond * 3600)) * 1e6;
}

/** Average requests per second of a daily volume. */
export function averageRps(requestsPerDay: number): number {
  return requestsPerDay / 86_400;
}

/** Cost left after a cache answers `hitRate` (0..1) of the requests for free. */
export function costAfterCache(cost: number, hitRate: number): number {
  return cost * (1 - hitRate);
}

// ---- Evaluation (module 6) --------------------------------------------------------------------

/** Binomial coefficient C(n, k) ("n choose k"), exact for the small n used in examples. */
export function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return Math.round(result);
}

/** Unbiased pass@k (HumanEval): 1 - C(n - c, k) / C(n, k) for n samples of which c pass. */
export function passAtK(n: number, c: number, k: number): number {
  return 1 - choose(n - c, k) / choose(n, k);
}

/** Cohen's kappa from observed agreement and the agreement expected by chance. */
export function cohenKappa(observedAgreement: number, chanceAgreement: number): number {
  return (observedAgreement - chanceAgreement) / (1 - chanceAgreement);
}

/** Chance agreement of two raters on a yes/no label, from each rater's share of "yes". */
export function chanceAgreementBinary(yesShareA: number, yesShareB: number): number {
  return yesShareA * yesShareB + (1 - yesShareA) * (1 - yesShareB);
}

/** Monthly cost of something billed by the hour (730 hours is the usual average month). */
export function monthlyFromHourly(hourlyPrice: number, hoursPerMonth = 730): number {
  return hourlyPrice * hoursPerMonth;
}

/** Volume at which a fixed cost equals pay-per-unit pricing: fixed cost / price per unit. */
export function breakEvenVolume(fixedCost: number, pricePerUnit: number): number {
  return fixedCost / pricePerUnit;
}

/** Seconds to generate `tokens` output tokens at a steady decode speed. */
export function decodeSeconds(tokens: number, tokensPerSecond: number): number {
  return tokens / tokensPerSecond;
}

// ---- Operations (module 8) --------------------------------------------------------------------

/** Blended price when traffic is split across models: sum of share x price (shares sum to 1). */
export function blendedPrice(routes: { share: number; price: number }[]): number {
  return routes.reduce((total, r) => total + r.share * r.price, 0);
}

/** Geometric-mean probability per token from token log-probabilities: exp(mean log-prob). */
export function meanTokenConfidence(logProbs: number[]): number {
  return Math.exp(mean(logProbs));
}

/** Arithmetic mean of the token probabilities: never below the geometric mean, so a laxer confidence. */
export function meanTokenProbability(logProbs: number[]): number {
  return mean(logProbs.map((lp) => Math.exp(lp)));
}

/** Probability of the whole sequence: the product of the token probabilities, exp(sum of log-probs). */
export function sequenceProbability(logProbs: number[]): number {
  return Math.exp(sum(logProbs));
}

/** Alert or rollback threshold expressed as a multiple of a baseline rate (e.g. 2x the error rate). */
export function relativeThreshold(baseline: number, multiplier: number): number {
  return baseline * multiplier;
}

/** k-fold cross-validation: examples tested and trained on in each of the k runs. */
export function kFoldSizes(total: number, k: number): { train: number; test: number } {
  const test = Math.floor(total / k);
  return { train: total - test, test };
}
