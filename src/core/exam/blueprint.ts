// The AIF-C01 exam blueprint and the weighted draw of questions from a bank.
import type { Question } from '../content/schema.js';
import { rng, shuffled } from '../quiz/random.js';
import { itemKeys } from '../quiz/select.js';
import type { ExamDraw, ExamMode } from '../store/exams.js';

/** AIF-C01 content domains and their weights in the scored exam (percent). */
export const DOMAINS = [
  { domain: 1, name: 'Fundamentals of AI and ML', weight: 20 },
  { domain: 2, name: 'Fundamentals of Generative AI', weight: 24 },
  { domain: 3, name: 'Applications of Foundation Models', weight: 28 },
  { domain: 4, name: 'Guidelines for Responsible AI', weight: 14 },
  { domain: 5, name: 'Security, Compliance, and Governance for AI Solutions', weight: 14 },
] as const;

export function domainName(domain: number): string {
  return DOMAINS.find((d) => d.domain === domain)?.name ?? `Domain ${domain}`;
}

/** Draws and time per mode. Full mirrors the real exam (65 questions, 90 minutes). */
export const EXAM_MODES: Record<ExamMode, { questions: number; minutes: number }> = {
  full: { questions: 65, minutes: 90 },
  short: { questions: 15, minutes: 20 },
};

/**
 * Split `total` draws over domains in proportion to their weights, with the largest-remainder method, never
 * giving a domain more than it has available. Domains with nothing available get nothing and their share goes
 * to the others (the weights are renormalised over the covered domains). Ties in the remainders are broken by
 * the seeded random order, so the same seed always gives the same split.
 */
export function allocateDraws(
  total: number,
  weights: ReadonlyMap<number, number>,
  available: ReadonlyMap<number, number>,
  random: () => number = Math.random,
): Map<number, number> {
  const result = new Map<number, number>();
  for (const d of weights.keys()) result.set(d, 0);
  let open = [...weights.keys()].filter((d) => (available.get(d) ?? 0) > 0 && (weights.get(d) ?? 0) > 0);
  const tieOrder = new Map(shuffled(open, random).map((d, i) => [d, i]));
  let remaining = Math.min(
    total,
    open.reduce((s, d) => s + (available.get(d) ?? 0), 0),
  );
  // Re-run until no domain is over its availability: cap those, hand the rest to the others.
  while (remaining > 0 && open.length > 0) {
    const weightSum = open.reduce((s, d) => s + weights.get(d)!, 0);
    const quotas = open.map((d) => ({ d, exact: (remaining * weights.get(d)!) / weightSum }));
    const share = new Map(quotas.map((q) => [q.d, Math.floor(q.exact)]));
    let left = remaining - [...share.values()].reduce((s, n) => s + n, 0);
    quotas
      .sort((a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || tieOrder.get(a.d)! - tieOrder.get(b.d)!)
      .forEach((q) => {
        if (left > 0) {
          share.set(q.d, share.get(q.d)! + 1);
          left--;
        }
      });
    const over = open.filter((d) => share.get(d)! > (available.get(d) ?? 0));
    if (over.length === 0) {
      for (const d of open) result.set(d, share.get(d)!);
      break;
    }
    // Domains that cannot fill their share take everything they have and leave the allocation.
    for (const d of over) {
      const cap = available.get(d) ?? 0;
      result.set(d, cap);
      remaining -= cap;
    }
    open = open.filter((d) => !over.includes(d));
  }
  return result;
}

export interface ExamPlan {
  draws: ExamDraw[];
  /** Planned draws per domain (after restricting to the covered domains). */
  perDomain: Map<number, number>;
  durationMs: number;
  notes: string[];
}

/**
 * Draw an exam from `questions` (a case question is one draw): domain split by weights, questions within a
 * domain chosen at random (seeded), and the final order shuffled so domains are mixed as on the real exam.
 * When the bank is smaller than the exam, the time is scaled down with the number of draws.
 */
export function planExam(questions: readonly Question[], mode: ExamMode, seed: number): ExamPlan {
  const spec = EXAM_MODES[mode];
  const random = rng(seed);
  const byDomain = new Map<number, Question[]>();
  for (const q of questions) {
    const list = byDomain.get(q.domain) ?? [];
    list.push(q);
    byDomain.set(q.domain, list);
  }
  const weights = new Map<number, number>(DOMAINS.map((d) => [d.domain, d.weight]));
  const available = new Map([...byDomain].map(([d, qs]) => [d, qs.length]));
  const perDomain = allocateDraws(spec.questions, weights, available, random);
  const notes: string[] = [];
  const missing = DOMAINS.filter((d) => !byDomain.has(d.domain)).map((d) => d.domain);
  if (missing.length)
    notes.push(
      `The question bank has no questions for domain${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the draw uses the other domains' weights.`,
    );
  const picked: Question[] = [];
  for (const d of [...perDomain.keys()].sort()) {
    const pool = [...(byDomain.get(d) ?? [])].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    picked.push(...shuffled(pool, random).slice(0, perDomain.get(d)));
  }
  const draws: ExamDraw[] = shuffled(picked, random).map((q) => ({ question: q.id, domain: q.domain, items: itemKeys(q) }));
  let durationMs = spec.minutes * 60_000;
  if (draws.length < spec.questions) {
    notes.push(
      `The bank has only ${draws.length} question${draws.length === 1 ? '' : 's'} for a ${spec.questions}-question exam; time scaled to match.`,
    );
    durationMs = Math.max(60_000, Math.round((durationMs * draws.length) / spec.questions / 60_000) * 60_000);
  }
  return { draws, perDomain, durationMs, notes };
}
