// Bank-quality warnings for `ftlab content check`: things that do not break the app but make a question
// bank worse exam preparation. They are listed and counted, never fatal (a draft bank may carry them for
// a while); the shipped course has none (test/course/quality.test.ts).
//  - key-length cue: in a bank's single-choice items the key is the uniquely longest option too often,
//    so a test-wise learner scores above their knowledge (the real exam keeps option lengths parallel);
//  - near-duplicates: two questions, in any banks, that ask the same thing with the same answer in other
//    words, so the second one is answered from memory (token-set Jaccard of the normalised prompt + key);
//  - a case study that never reaches a mock exam by accident: a part of a type the exam does not use
//    (numeric, cloze, true/false) keeps the whole case out of mocks, which `exam: false` should say on purpose.
// Only `content check` runs these (the pairwise comparison costs a few tens of milliseconds on a
// 700-item course, which start-up does not pay).
import type { ContentIndex, GradableItem } from './loader.js';
import type { Problem } from './problems.js';
import type { Question, SubQuestion } from './schema.js';
import { EXAM_PART_TYPES } from './vocabulary.js';

export interface QualityOptions {
  /** A bank warns when more than this share of its single-choice items have the key as the uniquely longest option. */
  keyLongestShare?: number;
  /** Fewest single-choice items a bank needs before the share means anything. */
  keyLongestMinItems?: number;
  /** Two items whose keys are at least this similar (token-set Jaccard) have "the same key". */
  sameKey?: number;
  /** … and are near-duplicates when their prompt + key texts are at least this similar. */
  nearDuplicate?: number;
}

/**
 * Defaults. 30 % is issue 14's target (chance is about 25 % with four options). The similarity
 * thresholds were calibrated on the course: on the bank the review of issue 14 read (git 0b7bcd6), the
 * five duplicates it found that share words (13B x 16 B = 208 GB and 7B x 16 B = 112 GB asked twice,
 * 6.5 GB twice, Provisioned Throughput twice) score 0.38 to 0.68 with identical keys, and two more
 * pairs found this way (unlabelled reports -> continued pre-training; hidden text on a web page ->
 * indirect prompt injection) score 0.28 to 0.30 with keys at 0.67 to 0.71; the most similar pair of
 * distinct questions in the shipped course scores 0.21 (test/course/quality.test.ts keeps it at none).
 * Duplicates that share no words (the same idea in a new scenario) need a reviewer, not this check.
 */
export const QUALITY_DEFAULTS: Required<QualityOptions> = { keyLongestShare: 0.3, keyLongestMinItems: 5, sameKey: 0.6, nearDuplicate: 0.25 };

export function qualityWarnings(index: ContentIndex, opts: QualityOptions = {}): Problem[] {
  const o = { ...QUALITY_DEFAULTS, ...opts };
  return [...keyLengthWarnings(index.items, o), ...nearDuplicateWarnings(index.items, o), ...caseExamWarnings(index)];
}

// ---- Case studies kept out of mocks by a part's type ---------------------------------------------

const PART_TYPES: ReadonlySet<string> = new Set(EXAM_PART_TYPES);

/**
 * A case the mock exam can never draw because a part has a non-exam type (src/core/exam: a case is drawn only
 * whole), while nothing says so on purpose: neither the case nor any part is marked `exam: false`. Reported at
 * the first such part, the one to rewrite.
 */
function caseExamWarnings(index: ContentIndex): Problem[] {
  const out: Problem[] = [];
  for (const q of index.questions) {
    if (q.type !== 'case' || q.exam === false || q.questions.some((p) => p.exam === false)) continue;
    const bad = q.questions.filter((p) => !PART_TYPES.has(p.type));
    if (bad.length === 0) continue;
    const first = index.itemById.get(bad[0]!.id)?.source ?? q.source;
    const parts = bad.map((p) => `${p.id} (${p.type})`).join(', ');
    out.push({
      path: first.path,
      line: first.line,
      col: first.col,
      message:
        `warning: case ${q.id} is never drawn for a mock exam: ${bad.length === 1 ? 'part' : 'parts'} ${parts} ${bad.length === 1 ? 'is not an exam type' : 'are not exam types'} ` +
        '(a mock draws a case only when every part is single, multi, order or match); ' +
        `rewrite ${bad.length === 1 ? 'that part' : 'those parts'}, or mark the case exam: false to keep it for quizzes and review on purpose`,
    });
  }
  return out;
}

// ---- Key-length cue -----------------------------------------------------------------------------

/** True when the key of a single-choice item is longer than every other option (ties are no cue). */
export function keyIsUniquelyLongest(q: { choices: string[]; answer: number }): boolean {
  const key = q.choices[q.answer];
  if (key === undefined) return false;
  const len = optionLength(key);
  return q.choices.every((c, i) => i === q.answer || optionLength(c) < len);
}

/** Length as a reader sees it: whitespace runs count once. */
function optionLength(text: string): number {
  return text.trim().replace(/\s+/g, ' ').length;
}

function keyLengthWarnings(items: GradableItem[], o: Required<QualityOptions>): Problem[] {
  const byBank = new Map<string, GradableItem[]>();
  for (const item of items) {
    if (item.question.type !== 'single') continue;
    const list = byBank.get(item.source.path) ?? [];
    list.push(item);
    byBank.set(item.source.path, list);
  }
  const out: Problem[] = [];
  for (const [path, singles] of [...byBank].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const cued = singles.filter((i) => keyIsUniquelyLongest(i.question as { choices: string[]; answer: number }));
    if (singles.length < o.keyLongestMinItems || cued.length <= o.keyLongestShare * singles.length) continue;
    const first = cued[0]!.source;
    const list = cued.map((i) => `${i.id} (line ${i.source.line})`).join(', ');
    out.push({
      path,
      line: first.line,
      col: first.col,
      message:
        `warning: key-length cue: in ${cued.length} of ${singles.length} single-choice items (${percent(cued.length / singles.length)}) ` +
        `the key is the uniquely longest option, over ${percent(o.keyLongestShare)}: ${list}; ` +
        'make the distractors as long and specific as the key, or trim the key',
    });
  }
  return out;
}

function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}

// ---- Near-duplicates ----------------------------------------------------------------------------

// Words that carry no meaning of their own in a stem ("which of the following …").
const STOP = new Set(
  (
    'a an the of to in on for and or but is are was were be been being it its this that these those with as by at from ' +
    'which what when where who why how do does did can could should would will may might must not no than then so such ' +
    'their there they them he she his her you your we our us i one two three choose following best most least more ' +
    'question answer true false statement company team wants needs about into each per only also other some any'
  ).split(' '),
);

/** Normalised word set of a text: lowercase, digit-group commas dropped, stop words out, plurals folded. */
export function wordSet(text: string): Set<string> {
  const out = new Set<string>();
  const norm = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/(\d),(?=\d{3}\b)/g, '$1');
  for (const raw of norm.split(/[^a-z0-9.]+/)) {
    const w = raw.replace(/^\.+|\.+$/g, '');
    if (!w || STOP.has(w)) continue;
    out.add(w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
  }
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/** The text of what a question counts as right. */
export function keyText(q: Question | SubQuestion): string {
  switch (q.type) {
    case 'single':
      return q.choices[q.answer] ?? '';
    case 'multi':
      return q.answers.map((i) => q.choices[i] ?? '').join(' ');
    case 'truefalse':
      // The key is part of the question: a statement and its negation are different questions.
      return q.answer ? 'answer-true' : 'answer-false';
    case 'order':
      return q.items.join(' ');
    case 'match':
      return q.pairs.map((p) => `${p.left} ${p.right}`).join(' ');
    case 'cloze':
      return q.answers[0] ?? '';
    case 'numeric':
      return `${q.answer}${q.unit ? ` ${q.unit}` : ''}`;
    case 'case':
      return '';
  }
}

/** The text of what a question asks plus what it counts as right. */
export function stemAndKey(q: Question | SubQuestion): string {
  if (q.type === 'cloze') return q.prompt.replace('___', keyText(q));
  if (q.type === 'case') return `${q.prompt} ${q.scenario_text}`;
  return `${q.prompt} ${keyText(q)}`;
}

/** Fewest words an item needs before its similarity means anything ("Which one?" + "LoRA" matches too easily). */
const MIN_WORDS = 6;

function nearDuplicateWarnings(items: GradableItem[], o: Required<QualityOptions>): Problem[] {
  const sets = items
    .map((item) => ({ item, words: wordSet(stemAndKey(item.question)), key: wordSet(keyText(item.question)) }))
    .filter((x) => x.words.size >= MIN_WORDS);
  // Candidate pairs share at least one word of their keys; an inverted index keeps this from being all pairs.
  const byWord = new Map<string, number[]>();
  sets.forEach((x, i) =>
    x.key.forEach((w) => {
      const list = byWord.get(w);
      if (list) list.push(i);
      else byWord.set(w, [i]);
    }),
  );
  const out: Problem[] = [];
  for (let i = 0; i < sets.length; i++) {
    const seen = new Set<number>();
    for (const w of sets[i]!.key) for (const j of byWord.get(w)!) if (j > i) seen.add(j);
    for (const j of [...seen].sort((a, b) => a - b)) {
      const a = sets[i]!;
      const b = sets[j]!;
      // Parts of one case share its scenario; they are meant to ask about the same story.
      if (a.item.parentId !== undefined && a.item.parentId === b.item.parentId) continue;
      if (jaccard(a.key, b.key) < o.sameKey) continue;
      const sim = jaccard(a.words, b.words);
      if (sim < o.nearDuplicate) continue;
      const [first, second] = order(a.item, b.item);
      out.push({
        path: second.source.path,
        line: second.source.line,
        col: second.source.col,
        message:
          `warning: near-duplicate: ${second.id} asks what ${first.id} (${first.source.path}:${first.source.line}) asks, ` +
          `with the same key in other words (similarity ${sim.toFixed(2)}): ask something new in one of them, or drop it`,
      });
    }
  }
  return out;
}

function order(a: GradableItem, b: GradableItem): [GradableItem, GradableItem] {
  const before = a.source.path < b.source.path || (a.source.path === b.source.path && a.source.line <= b.source.line);
  return before ? [a, b] : [b, a];
}
