// Correctly rounded exp and log. V8's Math.exp/Math.log (fdlibm ports) are often 1 ulp away
// from the C library that Python's math module uses, which showed up as last-digit differences
// from sacrebleu's BLEU scores. These compute in double-double arithmetic (~100 bits) and round
// once, so they return the double nearest the true value, as glibc does in almost all cases.

type DD = [hi: number, lo: number];

const SPLITTER = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function add(a: DD, b: DD): DD {
  const [s, e1] = twoSum(a[0], b[0]);
  const [t, e2] = twoSum(a[1], b[1]);
  let [hi, lo] = quickTwoSum(s, e1 + t);
  [hi, lo] = quickTwoSum(hi, lo + e2);
  return [hi, lo];
}

function mul(a: DD, b: DD): DD {
  const [p, e] = twoProd(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

/** a / b for a small integer b, to double-double accuracy. */
function divD(a: DD, b: number): DD {
  const q1 = a[0] / b;
  const [p, e] = twoProd(q1, b);
  const r = add(a, [-p, -e]);
  const q2 = r[0] / b;
  return quickTwoSum(q1, q2);
}

function mulD(a: DD, b: number): DD {
  const [p, e] = twoProd(a[0], b);
  return quickTwoSum(p, e + a[1] * b);
}

// ln 2 to ~107 bits.
const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
const SCALE_STEPS = 10; // r / 2^10 keeps the Taylor series short

/** e^x - 1 for |x| <= ln2/2 in double-double. */
function expm1Reduced(r: DD): DD {
  const s: DD = [r[0] / (1 << SCALE_STEPS), r[1] / (1 << SCALE_STEPS)];
  // Taylor series of e^s - 1 up to s^11/11! (|s| < 3.4e-4: the next term is below 1e-45).
  let term: DD = s;
  let sum: DD = s;
  for (let k = 2; k <= 11; k++) {
    term = divD(mul(term, s), k);
    sum = add(sum, term);
  }
  // (e^s - 1) -> (e^{2s} - 1) = m (m + 2), ten times.
  for (let i = 0; i < SCALE_STEPS; i++) sum = mul(sum, add(sum, [2, 0]));
  return sum;
}

function expDD(x: number): { k: number; m: DD } {
  const k = Math.round(x / LN2[0]);
  // r = x - k ln2 in double-double.
  const kl = mulD(LN2, k);
  const r = add([x, 0], [-kl[0], -kl[1]]);
  return { k, m: add([1, 0], expm1Reduced(r)) };
}

function scale(v: number, k: number): number {
  // Multiply by 2^k in two steps so large |k| neither overflows nor loses subnormal bits early.
  const half = Math.trunc(k / 2);
  return v * 2 ** half * 2 ** (k - half);
}

export function exp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.8) return Infinity;
  if (x < -745.2) return 0;
  if (x === 0) return 1;
  const { k, m } = expDD(x);
  // m[0] is m rounded to nearest; scaling by 2^k is exact outside the subnormal range.
  return scale(m[0] + m[1], k);
}

export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x === 1) return 0;
  const y0 = Math.log(x);
  // One Newton step: y = y0 + (x e^{-y0} - 1), evaluated in double-double.
  const { k, m } = expDD(-y0);
  const xm = mulD(m, x);
  const t = add([scale(xm[0], k), scale(xm[1], k)], [-1, 0]);
  // log(1 + t) = t - t^2/2 for the tiny t left after the first approximation.
  const corr = t[0] - (t[0] * t[0]) / 2;
  const y = add([y0, 0], [corr, t[1]]);
  return y[0] + y[1];
}
