// Scoring a mock exam and the ESTIMATED scaled score.
//
// AWS reports AIF-C01 results on a 100–1000 scale with 700 to pass, and equates scaled scores across exam
// forms; the raw cut score is not published. ftlab's number is therefore an estimate, labelled as such
// everywhere: we assume the pass mark sits at ASSUMED_CUT (70 %) of items right and map linearly on both sides:
//   share ≤ cut:  100 + 600 · share / cut            (0 % → 100, 70 % → 700)
//   share > cut:  700 + 300 · (share − cut)/(1 − cut) (70 % → 700, 100 % → 1000)
// rounded down, so a result just under the cut never shows 700.
import type { DomainScore, ExamItemResult, TaskScore } from '../store/exams.js';

export const SCALE_MIN = 100;
export const SCALE_MAX = 1000;
export const PASSING_SCALED = 700;
export const ASSUMED_CUT = 0.7;

export function scaledScore(correct: number, total: number, cut = ASSUMED_CUT): number {
  if (total <= 0) return SCALE_MIN;
  const share = Math.min(1, Math.max(0, correct / total));
  const value =
    share <= cut
      ? SCALE_MIN + ((PASSING_SCALED - SCALE_MIN) * share) / cut
      : PASSING_SCALED + ((SCALE_MAX - PASSING_SCALED) * (share - cut)) / (1 - cut);
  // Guard against 0.7 * 600 / 0.7 = 599.9999… style float error before flooring.
  return Math.floor(value + 1e-9);
}

export function byDomain(items: readonly ExamItemResult[]): DomainScore[] {
  const map = new Map<number, DomainScore>();
  for (const item of items) {
    const d = map.get(item.domain) ?? { domain: item.domain, correct: 0, total: 0 };
    d.total++;
    if (item.correct) d.correct++;
    map.set(item.domain, d);
  }
  return [...map.values()].sort((a, b) => a.domain - b.domain);
}

/**
 * Score per AIF-C01 task statement, weakest first (lowest share right, then more items, then task number),
 * so the top of the list is what to study next. Items without a task are left out.
 */
export function byTask(items: ReadonlyArray<Pick<ExamItemResult, 'task' | 'correct'>>): TaskScore[] {
  const map = new Map<string, TaskScore>();
  for (const item of items) {
    if (!item.task) continue;
    const t = map.get(item.task) ?? { task: item.task, correct: 0, total: 0 };
    t.total++;
    if (item.correct) t.correct++;
    map.set(item.task, t);
  }
  return [...map.values()].sort(weakestFirst);
}

export function weakestFirst(
  a: { task: string; correct: number; total: number },
  b: { task: string; correct: number; total: number },
): number {
  return a.correct / a.total - b.correct / b.total || b.total - a.total || compareTasks(a.task, b.task);
}

/** "1.2" < "1.10" < "2.1": task numbers compare part by part. */
export function compareTasks(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return (a1 ?? 0) - (b1 ?? 0) || (a2 ?? 0) - (b2 ?? 0);
}
