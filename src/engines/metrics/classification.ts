// Classification metrics with scikit-learn's conventions: labels sorted, per-class precision,
// recall, F1 and support, macro (unweighted) and weighted (by support) averages, accuracy, and
// the confusion matrix with true labels as rows and predictions as columns. A ratio whose
// denominator is zero counts as 0 (sklearn's zero_division default, minus the warning).

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  labels: string[];
  per_class: Record<string, ClassScores>;
  macro_avg: Omit<ClassScores, 'support'> & { support: number };
  weighted_avg: Omit<ClassScores, 'support'> & { support: number };
  /** matrix[i][j] = number of items whose true label is labels[i] and prediction labels[j]. */
  confusion_matrix: number[][];
  count: number;
}

const div = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Labels in sklearn's order: numerically when every label is a number, else by code point. */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...new Set(labels)];
  const numeric = list.length > 0 && list.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return numeric ? list.sort((a, b) => Number(a) - Number(b)) : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Streaming confusion counts: add (true, predicted) pairs, then read the report. */
export class ConfusionCounter {
  private readonly cells = new Map<string, Map<string, number>>();
  private readonly seen = new Set<string>();
  count = 0;

  add(truth: string, predicted: string): void {
    let row = this.cells.get(truth);
    if (!row) this.cells.set(truth, (row = new Map()));
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
    this.seen.add(truth);
    this.seen.add(predicted);
    this.count++;
  }

  report(labelOrder?: readonly string[]): ClassificationReport {
    const labels = labelOrder ? [...labelOrder] : sortLabels(this.seen);
    const matrix = labels.map((t) => labels.map((p) => this.cells.get(t)?.get(p) ?? 0));
    const perClass: Record<string, ClassScores> = {};
    let correct = 0;
    const macro = { precision: 0, recall: 0, f1: 0 };
    const weighted = { precision: 0, recall: 0, f1: 0 };
    let totalSupport = 0;
    labels.forEach((label, i) => {
      const tp = matrix[i][i];
      correct += tp;
      const predicted = matrix.reduce((s, row) => s + row[i], 0);
      const support = matrix[i].reduce((s, v) => s + v, 0);
      const precision = div(tp, predicted);
      const recall = div(tp, support);
      const f1 = div(2 * precision * recall, precision + recall);
      perClass[label] = { precision, recall, f1, support };
      macro.precision += precision;
      macro.recall += recall;
      macro.f1 += f1;
      weighted.precision += precision * support;
      weighted.recall += recall * support;
      weighted.f1 += f1 * support;
      totalSupport += support;
    });
    const k = labels.length;
    return {
      accuracy: div(correct, this.count),
      labels,
      per_class: perClass,
      macro_avg: { precision: div(macro.precision, k), recall: div(macro.recall, k), f1: div(macro.f1, k), support: totalSupport },
      weighted_avg: {
        precision: div(weighted.precision, totalSupport),
        recall: div(weighted.recall, totalSupport),
        f1: div(weighted.f1, totalSupport),
        support: totalSupport,
      },
      confusion_matrix: matrix,
      count: this.count,
    };
  }
}

export function classificationReport(truth: readonly string[], predicted: readonly string[]): ClassificationReport {
  if (truth.length !== predicted.length) throw new Error(`${truth.length} true labels but ${predicted.length} predictions`);
  const c = new ConfusionCounter();
  truth.forEach((t, i) => c.add(t, predicted[i]));
  return c.report();
}
