// Rendering checks for the question bank as the quiz screen shows it (src/ui/screens/QuizSession.tsx):
// the answer view (header + widget) and the feedback view (prompt, verdict, explanation, the widget
// revealing the answer), drawn by Ink inside a box as wide as the screen body. Ink wraps prose
// itself, so the checks are about what wrapping cannot save: lines of a diagram or table typed into
// a question (they must fit unwrapped), Markdown syntax (the quiz shows text as typed) and any
// frame line wider than the body.
import { createElement as h, type ReactElement } from 'react';
import { Box, renderToString, Text } from 'ink';
import type { ContentIndex, LoadedQuestion } from '../../../src/core/content/loader.js';
import type { SubQuestion } from '../../../src/core/content/schema.js';
import { gradeQuestion } from '../../../src/core/quiz/grade.js';
import { layoutFor } from '../../../src/core/quiz/shuffle.js';
import type { Answer } from '../../../src/core/quiz/types.js';
import { KeypressProvider } from '../../../src/ui/contexts/KeypressContext.js';
import { UiProvider, type UiOptions } from '../../../src/ui/contexts/UiContext.js';
import { QuestionView } from '../../../src/ui/questions/QuestionView.js';
import type { Attempt } from '../../../src/app/practice-session.js';
import { Stack } from '../../../src/ui/questions/Stack.js';
import { Explanation, QuestionHeader, Verdict } from '../../../src/ui/screens/QuizParts.js';
import { displayWidth, stripAnsi } from './width.js';

type AnyQ = LoadedQuestion | SubQuestion;

/** A deliberately wrong answer, so the feedback view shows every verdict and correction line. */
function wrongAnswer(q: AnyQ): Answer {
  switch (q.type) {
    case 'single':
      return { type: 'single', choice: (q.answer + 1) % q.choices.length };
    case 'multi':
      return {
        type: 'multi',
        choices: q.choices
          .map((_, i) => i)
          .filter((i) => !q.answers.includes(i))
          .slice(0, q.answers.length),
      };
    case 'truefalse':
      return { type: 'truefalse', value: !q.answer };
    case 'order':
      return { type: 'order', order: q.items.map((_, i) => q.items.length - 1 - i) };
    case 'match':
      return { type: 'match', rights: q.pairs.map((_, i) => (i + 1) % q.pairs.length) };
    case 'cloze':
      return { type: 'cloze', text: 'not this' };
    case 'numeric':
      return { type: 'numeric', text: String(q.answer * 10 + 1) };
    case 'case': {
      const answers: Record<string, Answer> = {};
      for (const sub of q.questions) answers[sub.id] = wrongAnswer(sub);
      return { type: 'case', answers };
    }
  }
}

export interface QuestionView {
  name: string;
  frame: string[];
}

/** Draws a tree the way the app does (theme, glyphs, key routing) and returns its lines. */
function draw(tree: ReactElement, ui: UiOptions, width: number): string[] {
  // Synchronous, like one frame of the app; the terminal is given room to spare so that a row wider
  // than the body shows up as a long line instead of being clipped by the terminal edge.
  const body = h(Box, { width, flexDirection: 'column' }, tree);
  const app = h(UiProvider, { options: ui, children: h(KeypressProvider, { children: body }) });
  const frame = renderToString(app, { columns: width + 40 });
  return stripAnsi(frame).split('\n');
}

/**
 * The feedback view of a question after a wrong answer, as QuizSession lays it out: header, prompt,
 * verdict, explanation and the widget revealing the answer (every option with its verdict, every
 * part of a case with its prompt). It holds every text of the question at its widest (verdicts sit
 * beside the options), so it stands for the answering view too.
 *
 * A prompt or explanation that is one paragraph is a lone Text in a column, which Ink wraps to the
 * body whatever it says; only one with line breaks (a typed layout) can go wrong, so only those are
 * drawn here. That keeps the Ink work (about 95% of this test's time) to the rows that have layout.
 */
function feedbackView(q: LoadedQuestion, content: ContentIndex): ReactElement {
  const lessonTitle = content.lessonById.get(q.lesson)?.title;
  const layout = layoutFor(q, 'render-check');
  const answer = wrongAnswer(q);
  const attempt: Attempt = { question: q, layout, answer, grade: gradeQuestion(q, answer), answerMs: 12_300, proposed: 1, position: 0 };
  const laidOut = (text: string) => text.trim().includes('\n');
  return h(
    Stack,
    null,
    h(QuestionHeader, { question: q, position: '3/10', lessonTitle }),
    laidOut(q.prompt) ? h(Text, { bold: true }, q.prompt) : null,
    h(Verdict, { attempt }),
    laidOut(q.explanation) ? h(Explanation, { text: q.explanation, lessonTitle }) : null,
    h(QuestionView, { question: q, value: answer, layout, onChange: () => {}, active: false, reveal: 'answer', hidePrompt: true }),
  );
}

const MARK = '@@question ';
const BATCH = Number(process.env.RENDER_BATCH ?? 25);

/**
 * Draws the feedback view of every question, a batch of questions per frame (fewer, larger layout
 * passes are much cheaper than one per question), each behind a marker line, and cuts the frames
 * back into one view per question.
 */
export function drawQuestions(
  questions: LoadedQuestion[],
  content: ContentIndex,
  width: number,
  ui: UiOptions,
): Map<string, QuestionView[]> {
  const out = new Map<string, QuestionView[]>(questions.map((q) => [q.id, []]));
  for (let start = 0; start < questions.length; start += BATCH) {
    const batch = questions.slice(start, start + BATCH);
    const trees = batch.flatMap((q, i) => [
      h(Text, { key: `m${i}` }, `${MARK}${start + i}`),
      h(Box, { key: `v${i}`, flexDirection: 'column', flexShrink: 0 }, feedbackView(q, content)),
    ]);
    let current: string[] | undefined;
    for (const line of draw(h(Box, { flexDirection: 'column', flexShrink: 0 }, ...trees), ui, width)) {
      if (line.startsWith(MARK)) {
        current = [];
        out.get(questions[Number(line.slice(MARK.length).trim())]!.id)!.push({ name: 'feedback view', frame: current });
      } else current?.push(line);
    }
  }
  return out;
}

/** Every piece of text a question shows, with where it goes (choices sit behind a cursor and label). */
function texts(q: AnyQ): Array<{ field: string; text: string; indent: number }> {
  const out: Array<{ field: string; text: string; indent: number }> = [
    { field: 'prompt', text: q.prompt, indent: 0 },
    { field: 'explanation', text: q.explanation, indent: 0 },
  ];
  const option = (field: string, list: string[]) => list.forEach((text, i) => out.push({ field: `${field}[${i}]`, text, indent: 8 }));
  if (q.type === 'single' || q.type === 'multi') option('choices', q.choices);
  if (q.type === 'order') option('items', q.items);
  if (q.type === 'match') {
    q.pairs.forEach((p, i) => {
      out.push({ field: `pairs[${i}].left`, text: p.left, indent: 5 });
      out.push({ field: `pairs[${i}].right`, text: p.right, indent: 5 });
    });
  }
  if (q.type === 'case') {
    out.push({ field: 'scenario_text', text: q.scenario_text, indent: 0 });
    q.questions.forEach((sub) => texts(sub).forEach((t) => out.push({ ...t, field: `${sub.id}.${t.field}` })));
  }
  return out;
}

/** A line typed to be shown as is: a diagram, a table, aligned columns or an indented block. */
const PREFORMATTED = /^\s{2,}\S|[│┌┐└┘├┤┬┴┼─]{2,}|[│┌┐└┘├┤┬┴┼]|\S\s{3,}\S|^\s*\|.*\|\s*$/;

const LEAKS: Array<[RegExp, string]> = [
  [/\*\*|(^|[\s(])__[^\s_]|[^\s_]__([\s).,;:]|$)/, 'emphasis markers (** or __)'],
  [/~~/, 'strikethrough markers (~~)'],
  [/\[!(note|tip|important|warning|caution)\]/i, 'a callout marker ([!TIP] …)'],
  [/\|\s*:?-{3,}:?\s*\|/, 'a table delimiter row (|---|)'],
  [/\]\(https?:|\]\[/, 'link syntax ([text](url))'],
  [/^\s*#{1,6}\s/m, 'a heading marker (#)'],
  [/<\/?(b|i|em|strong|code|br|p|sup|sub|span|div|table|tr|td)\b[^>]*>/i, 'an HTML tag'],
  [/&(nbsp|amp|lt|gt|quot|#\d+);/i, 'an HTML entity'],
  [/^\s*```/m, 'a code fence'],
];

const at = (q: LoadedQuestion) => `${q.source.path}:${q.source.line}`;
const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);

/** Problems with the text of a question, before any drawing. */
export function textProblems(q: LoadedQuestion, width: number): string[] {
  const out: string[] = [];
  for (const { field, text, indent } of texts(q)) {
    for (const [re, what] of LEAKS)
      if (re.test(text)) out.push(`${at(q)}: ${q.id} ${field}: raw Markdown shows: ${what}: "${short(text.trim())}"`);
    for (const line of text.replace(/\n+$/, '').split('\n')) {
      if (!PREFORMATTED.test(line)) continue;
      const w = displayWidth(line.trimEnd()) + indent;
      if (w > width)
        out.push(
          `${at(q)}: ${q.id} ${field}: a laid-out line (diagram/table) needs ${w} columns, more than the ${width} of the quiz body, so it would wrap: "${short(line.trim())}"`,
        );
    }
  }
  return out;
}

/** Problems in drawn frames: lines wider than the body, laid-out lines that did not survive whole. */
export function frameProblems(q: LoadedQuestion, views: QuestionView[], width: number): string[] {
  const out: string[] = [];
  for (const v of views) {
    v.frame.forEach((line) => {
      const w = displayWidth(line.trimEnd());
      if (w > width) out.push(`${at(q)}: ${q.id} ${v.name}: drawn line is ${w} columns wide (> ${width}): "${short(line.trim())}"`);
    });
  }
  const all = views.flatMap((v) => v.frame.map((l) => l.trimEnd()));
  for (const { field, text } of texts(q)) {
    for (const line of text.replace(/\n+$/, '').split('\n')) {
      if (!PREFORMATTED.test(line) || !line.trim()) continue;
      if (!all.some((l) => l.includes(line.trimEnd())))
        out.push(`${at(q)}: ${q.id} ${field}: laid-out line not drawn verbatim on one line: "${short(line.trim())}"`);
    }
  }
  return out;
}

/** Every problem of a set of questions drawn at a width. */
export function questionProblems(questions: LoadedQuestion[], content: ContentIndex, width: number, ui: UiOptions): string[] {
  const drawn = drawQuestions(questions, content, width, ui);
  return questions.flatMap((q) => [...textProblems(q, width), ...frameProblems(q, drawn.get(q.id) ?? [], width)]);
}
