// Grading of every question type. Answers use original indices (see types.ts); nothing here depends on the
// on-screen order. Matching and ordering are all-or-nothing; a case question grades each sub-question alone.
import type { Question, SubQuestion } from '../content/schema.js';
import type { Answer, Grade, ItemGrade } from './types.js';
import { plural } from '../../shared/plural.js';

/** Grade a whole question (a review card). `answer` undefined = not answered (counts as wrong). */
export function gradeQuestion(question: Question, answer: Answer | undefined): Grade {
  if (question.type === 'case') {
    const subAnswers = answer?.type === 'case' ? answer.answers : {};
    const items = question.questions.map((sub) => gradeItem(sub, subAnswers[sub.id], `${question.id}/${sub.id}`));
    const right = items.filter((i) => i.correct).length;
    return { questionId: question.id, correct: right === items.length, score: right / items.length, items };
  }
  const item = gradeItem(question, answer, question.id);
  return { questionId: question.id, correct: item.correct, score: item.correct ? 1 : 0, items: [item] };
}

/** Grade one answerable item (a non-case question or one case sub-question). */
export function gradeItem(q: Question | SubQuestion, answer: Answer | undefined, key: string = q.id): ItemGrade {
  if (q.type === 'case') throw new TypeError('gradeItem: grade a case question with gradeQuestion');
  if (!answer) return { key, correct: false, answered: false, feedback: 'not answered' };
  if (answer.type !== q.type) return { key, correct: false, answered: true, feedback: `expected a ${q.type} answer` };
  const wrong = (feedback: string): ItemGrade => ({ key, correct: false, answered: true, feedback });
  const right: ItemGrade = { key, correct: true, answered: true };
  switch (q.type) {
    case 'single': {
      const a = answer as Extract<Answer, { type: 'single' }>;
      return a.choice === q.answer ? right : wrong(`the answer is: ${q.choices[q.answer] ?? q.answer}`);
    }
    case 'multi': {
      const a = answer as Extract<Answer, { type: 'multi' }>;
      const chosen = new Set(a.choices);
      const expected = new Set(q.answers);
      const same = chosen.size === expected.size && [...expected].every((i) => chosen.has(i));
      if (same) return right;
      const missing = [...expected].filter((i) => !chosen.has(i)).length;
      const extra = [...chosen].filter((i) => !expected.has(i)).length;
      return wrong(`choose exactly ${expected.size}: ${plural(missing, 'right choice')} missing, ${plural(extra, 'wrong choice')} picked`);
    }
    case 'truefalse': {
      const a = answer as Extract<Answer, { type: 'truefalse' }>;
      return a.value === q.answer ? right : wrong(`the statement is ${q.answer ? 'true' : 'false'}`);
    }
    case 'order': {
      const a = answer as Extract<Answer, { type: 'order' }>;
      // Compare texts, so duplicate items in either position still count as right.
      const given = a.order.map((i) => q.items[i]);
      const ok = given.length === q.items.length && new Set(a.order).size === a.order.length && given.every((t, i) => t === q.items[i]);
      if (ok) return right;
      const misplaced = q.items.filter((t, i) => given[i] !== t).length;
      return wrong(`${misplaced} of ${plural(q.items.length, 'item')} out of place`);
    }
    case 'match': {
      const a = answer as Extract<Answer, { type: 'match' }>;
      let wrongPairs = 0;
      q.pairs.forEach((pair, i) => {
        const r = a.rights[i];
        if (r === undefined || r < 0 || q.pairs[r]?.right !== pair.right) wrongPairs++;
      });
      return wrongPairs === 0 ? right : wrong(`${wrongPairs} of ${plural(q.pairs.length, 'pair')} wrong; all pairs must be right`);
    }
    case 'cloze': {
      const a = answer as Extract<Answer, { type: 'cloze' }>;
      const given = normaliseCloze(a.text, q.case_sensitive);
      if (given === '') return { key, correct: false, answered: false, feedback: 'not answered' };
      return q.answers.some((v) => normaliseCloze(v, q.case_sensitive) === given) ? right : wrong(`accepted: ${q.answers.join(' / ')}`);
    }
    case 'numeric': {
      const a = answer as Extract<Answer, { type: 'numeric' }>;
      const value = parseNumber(a.text);
      if (value === undefined) {
        return {
          key,
          correct: false,
          answered: a.text.trim() !== '',
          feedback: a.text.trim() === '' ? 'not answered' : `"${a.text}" is not a number`,
        };
      }
      // A hair of slack for binary floating point (0.1 + 0.2 style representation error).
      const slack = 1e-9 * Math.max(1, Math.abs(q.answer));
      const expected = `${q.answer}${q.tolerance ? ` ± ${q.tolerance}` : ''}${q.unit ? ` ${q.unit}` : ''}`;
      // "1,024" reads as 1024 or as 1.024 (decimal comma): either reading that matches is right.
      const readings = [
        value,
        ...(DECIMAL_COMMA_TOO.test(normaliseNumberText(a.text)) ? [Number(normaliseNumberText(a.text).replace(',', '.'))] : []),
      ];
      return readings.some((v) => Math.abs(v - q.answer) <= q.tolerance + slack) ? right : wrong(`expected ${expected}`);
    }
  }
}

/**
 * Cloze normalisation: Unicode NFKC, trimmed, runs of whitespace collapsed to one space, typographic quotes
 * and dashes made plain, a trailing full stop dropped, and case folded unless the question is case-sensitive.
 */
export function normaliseCloze(text: string, caseSensitive = false): string {
  let t = text
    .normalize('NFKC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '')
    .trim();
  if (!caseSensitive) t = t.toLocaleLowerCase('en');
  return t;
}

/**
 * Parse what a learner typed as a number: "65536", "65,536", "65 536", "0.5", ".5", "-3", "2e-4", "1.5E3",
 * "12.5%" (→ 12.5; percentages are written in the unit the question asks for), "+7". Returns undefined if it
 * is not a number. A comma is a thousands separator only in groups of three digits; otherwise a decimal comma.
 */
export function parseNumber(text: string): number | undefined {
  let t = normaliseNumberText(text);
  if (t === '') return undefined;
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?([eE][+-]?\d+)?$/.test(t)) t = t.replace(/,/g, '');
  else if (/^[+-]?\d*,\d+$/.test(t)) t = t.replace(',', '.');
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const value = Number(t);
  return Number.isFinite(value) ? value : undefined;
}

/** One comma before exactly three digits: a thousands separator or a decimal comma ("1,024"). */
const DECIMAL_COMMA_TOO = /^[+-]?\d{1,3},\d{3}$/;

function normaliseNumberText(text: string): string {
  const t = text
    .normalize('NFKC')
    .trim()
    .replace(/[\s\u00a0\u202f_]/g, '')
    .replace(/\u2212/g, '-');
  return t.endsWith('%') ? t.slice(0, -1) : t;
}

/**
 * Why a typed numeric answer cannot be graded ("2,", "1,0.5", "1e"), as a hint for the learner; undefined
 * when it reads as a number or is blank. Such an answer is refused, not graded as wrong: it is a typo.
 */
export function numberProblem(text: string): string | undefined {
  if (text.trim() === '' || parseNumber(text) !== undefined) return undefined;
  return `"${text.trim()}" is not a number (try 2.5, 2,5 or 65,536)`;
}
