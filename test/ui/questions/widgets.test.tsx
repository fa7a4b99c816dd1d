import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { QuestionView } from '../../../src/ui/questions/QuestionView.js';
import type { Answer, AnyQuestion, Layout, Reveal } from '../../../src/ui/questions/types.js';
import { KEY, q } from './fixtures.js';
import { renderWithProviders } from '../helpers.js';

function mount(question: AnyQuestion, opts: { layout?: Layout; reveal?: Reveal; value?: Answer | null; screenReader?: boolean } = {}) {
  const seen: { changes: Answer[]; submitted: Answer[] } = { changes: [], submitted: [] };
  function Harness() {
    const [value, setValue] = useState<Answer | null>(opts.value ?? null);
    return (
      <QuestionView
        question={question}
        value={value}
        layout={opts.layout}
        reveal={opts.reveal}
        onChange={(v) => {
          seen.changes.push(v);
          setValue(v);
        }}
        onSubmit={(v) => seen.submitted.push(v)}
      />
    );
  }
  const r = renderWithProviders(<Harness />, { ui: { screenReader: opts.screenReader ?? false }, columns: 100 });
  return { ...r, seen };
}

describe('single choice', () => {
  it('moves with j/k and confirms the option under the cursor', async () => {
    const m = mount(q('single'));
    await m.settle();
    expect(m.lastFrame()).toContain('Which matrix starts at zero');
    await m.press('j', KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'single', choice: 1 }]);
  });
  it('picks by number key in the shuffled display order', async () => {
    const m = mount(q('single'), { layout: { choices: [3, 2, 1, 0] } });
    await m.settle();
    expect(m.lastFrame()).toMatch(/1\. Neither[\s\S]*4\. A/);
    await m.press('2');
    expect(m.seen.changes.at(-1)).toEqual({ type: 'single', choice: 2 });
    await m.press(KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'single', choice: 2 }]);
  });
  it('reveals the correct answer beside a wrong pick', () => {
    const m = mount(q('single'), { reveal: 'answer', value: { type: 'single', choice: 0 } });
    const f = m.lastFrame()!;
    expect(f).toMatch(/A\s+✗ your answer/);
    expect(f).toMatch(/B\s+✓ correct/);
  });
});

describe('multi choice', () => {
  it('toggles with space and only confirms once N are chosen', async () => {
    const m = mount(q('multi'));
    await m.settle();
    expect(m.lastFrame()).toContain('Choose 2');
    await m.press(' ', KEY.enter);
    expect(m.seen.submitted).toEqual([]);
    expect(m.lastFrame()).toContain('pick exactly 2');
    await m.press(KEY.down, KEY.down, ' ', KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'multi', choices: [0, 2] }]);
  });
  it('toggles off again with a number key', async () => {
    const m = mount(q('multi'));
    await m.press('1', '3', '1');
    expect(m.seen.changes.at(-1)).toEqual({ type: 'multi', choices: [2] });
  });
});

describe('true/false', () => {
  it('answers with t and f', async () => {
    const m = mount(q('truefalse'));
    await m.press('f', KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'truefalse', value: false }]);
  });
});

describe('ordering', () => {
  it('moves items with K/J and confirms the new order', async () => {
    const m = mount(q('order'), { layout: { items: [2, 0, 1] } });
    await m.settle();
    expect(m.lastFrame()).toMatch(/1\. Evaluate[\s\S]*2\. Collect data[\s\S]*3\. Train/);
    await m.press('J', 'J', KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'order', order: [0, 1, 2] }]);
  });
  it('carries a grabbed item with the arrows', async () => {
    const m = mount(q('order'));
    await m.press(' ', KEY.down, KEY.down, ' ', KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'order', order: [1, 2, 0] }]);
  });
  it('confirms an untouched order as shown', async () => {
    const m = mount(q('order'), { layout: { items: [1, 0, 2] } });
    await m.press(KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'order', order: [1, 0, 2] }]);
  });
});

describe('matching', () => {
  it('assigns right sides by number and needs all before confirming', async () => {
    const m = mount(q('match'), { layout: { rights: [2, 0, 1] } });
    await m.settle();
    expect(m.lastFrame()).toMatch(/1\. Language modelling/);
    await m.press('2', KEY.enter);
    expect(m.seen.submitted).toEqual([]);
    expect(m.lastFrame()).toContain('Every item needs a match');
    await m.press('3', '1', KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'match', rights: [0, 1, 2] }]);
  });
  it('swaps a right side already used elsewhere', async () => {
    const m = mount(q('match'));
    await m.press('1', '1');
    expect(m.seen.changes.at(-1)).toEqual({ type: 'match', rights: [-1, 0, -1] });
    const m2 = mount(q('match'));
    await m2.press('1', '2', KEY.up, KEY.up, '2');
    expect(m2.seen.changes.at(-1)).toEqual({ type: 'match', rights: [1, 0, -1] });
  });
  it('leaves ←/→ to the screen (the exam moves between questions with them), so they never change an answer', async () => {
    const m = mount(q('match'));
    await m.settle();
    m.stdin.write(KEY.right);
    m.stdin.write(KEY.left);
    await m.settle();
    expect(m.seen.changes).toEqual([]);
  });
});

describe('cloze and numeric', () => {
  it('types, edits and submits text', async () => {
    const m = mount(q('cloze'));
    await m.press('ran', 'x', KEY.backspace, 'k', KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'cloze', text: 'rank' }]);
  });
  it('does not submit an empty answer', async () => {
    const m = mount(q('cloze'));
    await m.press(KEY.enter);
    expect(m.seen.submitted).toEqual([]);
  });
  it('numeric keeps only number characters and shows the unit', async () => {
    const m = mount(q('numeric'));
    await m.press('6a5536', KEY.enter);
    expect(m.seen.submitted).toEqual([{ type: 'numeric', text: '65536' }]);
    expect(m.lastFrame()).toContain('Answer (parameters)');
  });
});

describe('case study', () => {
  it('walks through the parts and submits the whole case', async () => {
    const m = mount(q('case'));
    await m.settle();
    expect(m.lastFrame()).toContain('A company fine-tunes a model');
    expect(m.lastFrame()).toContain('Part 1 of 2');
    await m.press('t', KEY.enter);
    expect(m.lastFrame()).toContain('Part 2 of 2');
    await m.press(KEY.enter);
    expect(m.seen.submitted).toEqual([
      { type: 'case', answers: { 'fx-case-a': { type: 'truefalse', value: true }, 'fx-case-b': { type: 'single', choice: 0 } } },
    ]);
  });
  it('moves between parts with [ and ]', async () => {
    const m = mount(q('case'));
    await m.press(']');
    expect(m.lastFrame()).toContain('Part 2 of 2');
    await m.press('[');
    expect(m.lastFrame()).toContain('Part 1 of 2');
  });
});

describe('screen-reader rendering', () => {
  it('reads the verdicts as words after grading', async () => {
    const m = mount(q('truefalse'), { screenReader: true, reveal: 'answer', value: { type: 'truefalse', value: false } });
    await m.settle();
    const f = m.lastFrame()!;
    expect(f).toMatch(/^t\. True - correct$/m);
    expect(f).toMatch(/^f\. False \(current, selected\) - your answer$/m);
  });

  it('writes states as words, without glyphs', async () => {
    const m = mount(q('single'), { screenReader: true, value: { type: 'single', choice: 1 } });
    await m.settle();
    const f = m.lastFrame()!;
    expect(f).toContain('2. B (current, selected)');
    expect(f).toMatch(/^1\. A$/m);
    expect(f).not.toMatch(/[❯◉○]/);
  });
});
