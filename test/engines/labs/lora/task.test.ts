// The LoRA lab's scorer: the label format read from the expected answers, strict parsing, per-label
// accuracy with the majority baseline, and the pass rule that a constant answer can never meet.
import { describe, expect, it } from 'vitest';
import { gradeLabels, parseTicket, scoreTicket, summarise, TaskError, ticketTask, type TicketReport, type TicketTask } from '../../../../src/engines/labs/lora/task.js';

const task: TicketTask = ticketTask([
  'category: billing\npriority: high',
  'category: shipping\npriority: low',
  'category: technical\npriority: medium',
  'category: account\npriority: low',
]);

/** Scored samples for expected/predicted answer pairs. */
function report(pairs: Array<[expected: string, output: string]>): TicketReport {
  return summarise(
    task,
    pairs.map(([expected, output], i) => ({ line: i + 1, prompt: `ticket ${i}`, output, expected, ...scoreTicket(task, output, expected) })),
  );
}
const ans = (c: string, p: string) => `category: ${c}\npriority: ${p}`;

describe('the task as the data defines it', () => {
  it('reads the labels in order and the values each takes', () => {
    expect(task.fields).toEqual([
      { name: 'category', values: ['billing', 'shipping', 'technical', 'account'] },
      { name: 'priority', values: ['high', 'low', 'medium'] },
    ]);
    expect(ticketTask(['category: billing', 'category: account']).fields).toEqual([{ name: 'category', values: ['billing', 'account'] }]);
  });

  it('refuses answers that are not label lines, or that disagree on the labels', () => {
    expect(() => ticketTask(['The parcel is late.'])).toThrow(TaskError);
    expect(() => ticketTask(['category: billing', 'priority: low'])).toThrow(/gives the labels priority/);
    expect(() => ticketTask([])).toThrow(TaskError);
  });

  it('parses only answers with exactly the task’s lines and allowed values', () => {
    expect(parseTicket(task, '  category: billing\npriority: low\n')).toEqual({ category: 'billing', priority: 'low' });
    expect(parseTicket(task, 'category: billing')).toBeNull(); // a label missing
    expect(parseTicket(task, 'priority: low\ncategory: billing')).toBeNull(); // wrong order
    expect(parseTicket(task, 'category: billing\npriority: mediurisyt medium')).toBeNull(); // not a value
    expect(parseTicket(task, 'category: refunds\npriority: low')).toBeNull();
    expect(parseTicket(task, 'category: billing\npriority: low\nthanks!')).toBeNull();
  });
});

describe('accuracy against the majority baseline', () => {
  // 10 tickets: 5 technical, 3 billing, 2 shipping; priorities 6 medium, 4 high
  const expected = [
    ...Array.from({ length: 5 }, () => ans('technical', 'medium')),
    ...Array.from({ length: 3 }, () => ans('billing', 'high')),
    ans('shipping', 'medium'),
    ans('shipping', 'high'),
  ];

  it('reports the most common value and the score of always giving it', () => {
    const r = report(expected.map((e) => [e, e]));
    expect(r.labels.category.majority).toEqual({ value: 'technical', accuracy: 0.5 });
    expect(r.labels.priority.majority).toEqual({ value: 'medium', accuracy: 0.6 });
    expect(r.exact_match).toBe(1);
    expect(r.exact_match_majority).toBe(0.5);
    expect(r.format_compliance).toBe(1);
    expect(gradeLabels(r, { minAccuracy: 0.8, minMargin: 0.2 }).ok).toBe(true);
  });

  it('a constant answer scores at most the baseline and fails, whatever it says', () => {
    for (const c of task.fields[0].values)
      for (const p of task.fields[1].values) {
        const r = report(expected.map((e) => [e, ans(c, p)]));
        expect(r.format_compliance).toBe(1);
        expect(r.labels.category.accuracy).toBeLessThanOrEqual(r.labels.category.majority.accuracy);
        expect(r.labels.category.predicted).toEqual({ [c]: 10 });
        const g = gradeLabels(r, { minAccuracy: 0, minMargin: 0.01 });
        expect(g.ok, `${c}/${p}`).toBe(false);
      }
  });

  it('needs both the floor and the margin over the baseline, for every label', () => {
    // category right 9/10 (baseline 0.5), priority right 7/10 (baseline 0.6)
    const outputs = expected.map((e, i) => {
      const [, c, p] = /category: (\w+)\npriority: (\w+)/.exec(e)!;
      return ans(i === 0 ? 'billing' : c, i < 3 ? (p === 'medium' ? 'high' : 'medium') : p);
    });
    const r = report(expected.map((e, i) => [e, outputs[i]]));
    expect(r.labels.category.accuracy).toBeCloseTo(0.9, 9);
    expect(r.labels.priority.accuracy).toBeCloseTo(0.7, 9);
    const g = gradeLabels(r, { minAccuracy: 0.8, minMargin: 0.2 });
    expect(g.labels.map((l) => [l.label, l.ok, Number(l.needed.toFixed(2))])).toEqual([
      ['category', true, 0.8],
      ['priority', false, 0.8],
    ]);
    expect(g.ok).toBe(false);
    // a lower floor lets priority pass on the margin alone only if it is 0.2 above its 0.6 baseline
    expect(gradeLabels(r, { minAccuracy: 0.5, minMargin: 0.2 }).labels[1]).toMatchObject({ ok: false, needed: 0.8 });
    expect(gradeLabels(r, { minAccuracy: 0.5, minMargin: 0.1 }).labels[1]).toMatchObject({ ok: true });
  });

  it('counts labels only in well-formed answers', () => {
    const r = report([
      [ans('billing', 'high'), 'category: billing\npriority: hgh'],
      [ans('billing', 'high'), ans('billing', 'high')],
    ]);
    expect(r.format_compliance).toBe(0.5);
    expect(r.labels.category.accuracy).toBe(0.5);
  });

  it('an empty report never passes', () => {
    expect(gradeLabels(report([]), { minAccuracy: 0, minMargin: 0 }).ok).toBe(false);
  });
});
