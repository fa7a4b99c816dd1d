// The AIF-C01 exam blueprint and the draw of a mock exam from a bank.
//
// The draw is exact: a mode asks for a number of scored items (65 or 15), a case study's parts count as
// items, and each domain gets its share of items by the exam's weights (largest remainder). Only the exam's
// item types are drawn. Units (a question, or a case with all its parts) are taken in priority order
// (never seen in a mock first, then least recently seen; seeded random within a tier) while they fit in their
// domains' quotas; when that greedy pass cannot fill every quota (few single items, so cases are needed), a
// bounded search over the cases finds a combination that single items can complete. A bank that cannot
// supply the draw is an error that says which domain is short, never a shorter exam.
import type { Question, SubQuestion } from '../content/schema.js';
import { EXAM_ITEM_TYPES, EXAM_PART_TYPES } from '../content/vocabulary.js';
import { rng, shuffled } from '../quiz/random.js';
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

/** Scored items and time per mode. Full mirrors the real exam (65 scored items, 90 minutes). */
export const EXAM_MODES: Record<ExamMode, { questions: number; minutes: number }> = {
  full: { questions: 65, minutes: 90 },
  short: { questions: 15, minutes: 20 },
};

// The exam's item types live with the content vocabulary, which `content check` shares.
export { EXAM_ITEM_TYPES };
const PART_TYPES: ReadonlySet<string> = new Set(EXAM_PART_TYPES);

/**
 * Why a question may not appear in a mock exam, or null when it may. A case is drawable only when every part
 * is an exam item type and none is marked `exam: false`: the mock shows a case as written, so it never
 * hides a part (later parts may refer to earlier ones) nor shows one the exam does not use.
 */
export function notExamReason(q: Question): string | null {
  if (q.exam === false) return 'marked exam: false';
  if (!(EXAM_ITEM_TYPES as readonly string[]).includes(q.type)) return `a ${q.type} question (not an exam item type)`;
  if (q.type === 'case') {
    const bad = q.questions.find((p) => !PART_TYPES.has(p.type) || p.exam === false);
    if (bad) return bad.exam === false ? `case part ${bad.id} is marked exam: false` : `case part ${bad.id} is a ${bad.type} question`;
  }
  return null;
}

/** One scored item of a draw. */
export interface DrawItem {
  /** The answer key: the question id, or "<case id>/<part id>". */
  key: string;
  type: Question['type'];
  domain: number;
  /** AIF-C01 task statement ("3.2"), when the question carries one (a case part inherits its case's). */
  task?: string;
}

/** The scored items of a question, with each one's domain and task (a case part may set its own). */
export function drawItems(q: Question): DrawItem[] {
  if (q.type !== 'case') return [{ key: q.id, type: q.type, domain: q.domain, ...(q.task ? { task: q.task } : {}) }];
  return q.questions.map((p: SubQuestion) => {
    const task = p.task ?? q.task;
    return { key: `${q.id}/${p.id}`, type: p.type, domain: p.domain ?? q.domain, ...(task ? { task } : {}) };
  });
}

/**
 * Split `total` over domains in proportion to their weights with the largest-remainder method, never giving a
 * domain more than it has available; a domain with nothing available gets nothing and its share goes to the
 * others. Ties in the remainders are broken by the seeded random order. (Kept for callers that want a
 * best-effort split; the mock exam itself uses the fixed `domainQuotas`.)
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
    for (const d of over) {
      const cap = available.get(d) ?? 0;
      result.set(d, cap);
      remaining -= cap;
    }
    open = open.filter((d) => !over.includes(d));
  }
  return result;
}

/**
 * Items per domain for an exam of `total` scored items, by the AIF-C01 weights (largest remainder; equal
 * remainders go to the lower domain number, so the split depends on nothing but the total):
 * 65 → 13/16/18/9/9, 15 → 3/4/4/2/2.
 */
export function domainQuotas(total: number): Map<number, number> {
  const weightSum = DOMAINS.reduce((s, d) => s + d.weight, 0);
  const exact = DOMAINS.map((d) => ({ d: d.domain, x: (total * d.weight) / weightSum }));
  const out = new Map(exact.map((e) => [e.d, Math.floor(e.x)]));
  let left = total - [...out.values()].reduce((s, n) => s + n, 0);
  for (const e of [...exact].sort((a, b) => b.x - Math.floor(b.x) - (a.x - Math.floor(a.x)) || a.d - b.d)) {
    if (left-- <= 0) break;
    out.set(e.d, out.get(e.d)! + 1);
  }
  return out;
}

/** Why a draw is impossible with this bank: one line saying which domain is short and what to do. */
export class ExamDrawError extends Error {
  /** What to do about it. */
  readonly hint =
    'Mock exams draw only single, multi, order, match and case questions (every case part of those types) not marked exam: false; add such questions to the bank, or check it with `ftlab content check`.';
  constructor(
    message: string,
    readonly mode: ExamMode,
  ) {
    super(message);
    this.name = 'ExamDrawError';
  }
}

export interface DrawnQuestion extends ExamDraw {
  type: Question['type'];
  task?: string;
  /** The scored items of this draw with their types, domains and tasks (case parts listed one by one). */
  parts: DrawItem[];
}

export interface ExamPlan {
  mode: ExamMode;
  seed: number;
  draws: DrawnQuestion[];
  /** Scored items per domain (equal to `domainQuotas` of the mode). */
  perDomain: Map<number, number>;
  /** Scored items in all (65 for full, 15 for short). */
  itemCount: number;
  durationMs: number;
  /** How many drawn units the learner had already seen in an earlier mock (0 while unseen ones remain). */
  repeats: number;
  notes: string[];
}

export interface PlanOptions {
  /** Question id → when the learner last saw it in a mock (epoch ms). Unseen questions are drawn first. */
  seen?: ReadonlyMap<string, number>;
}

interface Unit {
  q: Question;
  items: DrawItem[];
  counts: Map<number, number>;
}

/** Bound on the case search (nodes visited), so a pathological bank fails fast instead of hanging. */
const SEARCH_BUDGET = 200_000;

/**
 * Draw a mock exam: exactly `EXAM_MODES[mode].questions` scored items of the exam's item types, per domain by
 * `domainQuotas`, preferring questions the learner has not seen in a mock (`options.seen`), then the least
 * recently seen. Deterministic for (bank, mode, seed, seen). Throws ExamDrawError when the bank cannot supply it.
 */
export function planExam(questions: readonly Question[], mode: ExamMode, seed: number, options: PlanOptions = {}): ExamPlan {
  const spec = EXAM_MODES[mode];
  const quotas = domainQuotas(spec.questions);
  const random = rng(seed);
  const seen = options.seen ?? new Map<string, number>();

  // Bank order must not matter: sort by id before the seeded shuffle.
  const eligible = questions
    .filter((q) => notExamReason(q) === null)
    .slice()
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const units: Unit[] = eligible.map((q) => {
    const items = drawItems(q);
    const counts = new Map<number, number>();
    for (const it of items) counts.set(it.domain, (counts.get(it.domain) ?? 0) + 1);
    return { q, items, counts };
  });
  const tiebreak = new Map(shuffled(units, random).map((u, i) => [u, i]));
  const lastSeen = (u: Unit) => seen.get(u.q.id) ?? -Infinity;
  const ordered = [...units].sort((a, b) => lastSeen(a) - lastSeen(b) || tiebreak.get(a)! - tiebreak.get(b)!);

  const picked = greedy(ordered, quotas) ?? searchWithCases(ordered, quotas);
  if (!picked) throw new ExamDrawError(shortageMessage(mode, spec.questions, quotas, units), mode);

  const draws: DrawnQuestion[] = shuffled(picked, random).map((u) => ({
    question: u.q.id,
    domain: u.q.domain,
    items: u.items.map((i) => i.key),
    type: u.q.type,
    ...(u.q.task ? { task: u.q.task } : {}),
    parts: u.items,
  }));
  const repeats = picked.filter((u) => seen.has(u.q.id)).length;
  const notes: string[] = [];
  if (repeats > 0)
    notes.push(
      `${repeats} of ${picked.length} drawn question${picked.length === 1 ? '' : 's'} were seen in an earlier mock: the bank has run out of unseen ones in some domains, so the least recently seen came back.`,
    );
  return {
    mode,
    seed,
    draws,
    perDomain: quotas,
    itemCount: spec.questions,
    durationMs: spec.minutes * 60_000,
    repeats,
    notes,
  };
}

/** Take units in order while they fit their domains' remaining quotas; null when some quota stays open. */
function greedy(ordered: readonly Unit[], quotas: ReadonlyMap<number, number>): Unit[] | null {
  const left = new Map(quotas);
  const out: Unit[] = [];
  let open = [...left.values()].reduce((s, n) => s + n, 0);
  for (const u of ordered) {
    if (open === 0) break;
    if (![...u.counts].every(([d, n]) => n <= (left.get(d) ?? 0))) continue;
    for (const [d, n] of u.counts) left.set(d, left.get(d)! - n);
    open -= u.items.length;
    out.push(u);
  }
  return open === 0 ? out : null;
}

/**
 * When single items alone cannot fill a domain, choose a set of multi-item units (cases) by depth-first search
 * in priority order so that, for every domain, the cases fill no more than the quota and the single items
 * available can fill the rest; then top up with single items in priority order. Null when no set exists (or
 * the search budget runs out).
 */
function searchWithCases(ordered: readonly Unit[], quotas: ReadonlyMap<number, number>): Unit[] | null {
  const singles = ordered.filter((u) => u.items.length === 1);
  const multis = ordered.filter((u) => u.items.length > 1);
  const domains = [...quotas.keys()];
  const singleCount = new Map(domains.map((d) => [d, singles.filter((u) => u.items[0]!.domain === d).length]));
  // Every unit's domains must be quota domains (AIF-C01 has five; the schema allows nothing else).
  const need = new Map(domains.map((d) => [d, quotas.get(d)! - singleCount.get(d)!])); // cases must supply at least this
  // suffix[i]: items per domain that multis[i..] could still add.
  const suffix: Array<Map<number, number>> = Array.from({ length: multis.length + 1 }, () => new Map(domains.map((d) => [d, 0])));
  for (let i = multis.length - 1; i >= 0; i--) {
    for (const d of domains) suffix[i]!.set(d, suffix[i + 1]!.get(d)! + (multis[i]!.counts.get(d) ?? 0));
  }
  const used = new Map(domains.map((d) => [d, 0]));
  const chosen: Unit[] = [];
  let budget = SEARCH_BUDGET;
  const dfs = (i: number): boolean => {
    if (--budget < 0) return false;
    // Lower bound: what the cases must still supply has to be reachable from the rest.
    for (const d of domains) if (need.get(d)! - used.get(d)! > suffix[i]!.get(d)!) return false;
    if (domains.every((d) => used.get(d)! >= need.get(d)!)) return true;
    if (i >= multis.length) return false;
    const u = multis[i]!;
    if ([...u.counts].every(([d, n]) => used.get(d)! + n <= quotas.get(d)!)) {
      for (const [d, n] of u.counts) used.set(d, used.get(d)! + n);
      chosen.push(u);
      if (dfs(i + 1)) return true;
      chosen.pop();
      for (const [d, n] of u.counts) used.set(d, used.get(d)! - n);
    }
    return dfs(i + 1);
  };
  if (!dfs(0)) return null;
  const left = new Map(domains.map((d) => [d, quotas.get(d)! - used.get(d)!]));
  const inChosen = new Set(chosen);
  const out: Unit[] = [];
  // Keep the priority order of the whole list: chosen cases and the first single items that fit.
  for (const u of ordered) {
    if (inChosen.has(u)) out.push(u);
    else if (u.items.length === 1) {
      const d = u.items[0]!.domain;
      if (left.get(d)! > 0) {
        left.set(d, left.get(d)! - 1);
        out.push(u);
      }
    }
  }
  return out;
}

function shortageMessage(mode: ExamMode, total: number, quotas: ReadonlyMap<number, number>, units: readonly Unit[]): string {
  const have = new Map<number, number>();
  for (const u of units) for (const [d, n] of u.counts) have.set(d, (have.get(d) ?? 0) + n);
  const short = [...quotas]
    .filter(([d, n]) => (have.get(d) ?? 0) < n)
    .map(([d, n]) => `domain ${d} needs ${n} item${n === 1 ? '' : 's'} and has ${have.get(d) ?? 0}`);
  const why = short.length
    ? short.join(', ')
    : `no combination of its case studies and single items fills every domain exactly (${[...quotas].map(([d, n]) => `D${d} ${n}`).join(', ')})`;
  return `the question bank cannot supply a ${mode} mock exam of ${total} scored items: ${why}`;
}

/** Question id → when it was last in a finished mock (submittedAt), from the attempt history. */
export function seenInAttempts(
  attempts: ReadonlyArray<{ submittedAt: number; items: ReadonlyArray<{ question: string }> }>,
): Map<string, number> {
  const seen = new Map<string, number>();
  for (const a of attempts) for (const it of a.items) seen.set(it.question, Math.max(seen.get(it.question) ?? -Infinity, a.submittedAt));
  return seen;
}
