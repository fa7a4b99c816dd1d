// The metrics lab's graded questions. Each question is drawn from the lab data by a seed (which
// item, which system, the order of the choices), stored with the learner's answer, so the check
// recomputes the expected answer of exactly that variant with ftlab's own metrics engine.
import { BleuScorer } from '../../metrics/bleu.js';
import { loadSet, scoreSet, SYSTEMS, type LabItem, type SetName, type SystemName } from './data.js';

export interface Choice {
  key: string;
  label: string;
}

export interface Question {
  task: string;
  seed: number;
  /** Markdown-free text of the question. */
  text: string;
  /** How to type the answer (CLI and TUI). */
  format: string;
  choices?: Choice[];
  /** The item the question is about, when there is one. */
  item?: { set: SetName; id: string; system: SystemName; hypothesis: string; reference: string };
}

export interface Grade {
  ok: boolean;
  detail: string;
  expected: unknown;
}

export interface TaskDef {
  id: string;
  title: string;
  question(labDir: string, seed: number): Question;
  /** Turns typed text into an answer value; throws with a usage message when it does not parse. */
  parse(text: string, q: Question): unknown;
  grade(answer: unknown, q: Question, labDir: string): Grade;
}

/** A seed always draws the same variant (mulberry32, shared with quiz shuffling). */
import { rng } from '../../../core/quiz/random.js';
export { rng };

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];

function shuffled<T>(r: () => number, list: readonly T[]): T[] {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const itemRef = (set: SetName, it: LabItem, system: SystemName) => ({ set, id: it.id, system, hypothesis: it[system], reference: it.reference });

// ---- 1. which system wins on ROUGE-L, and by how much --------------------------------------

const rougeLWinner: TaskDef = {
  id: 'rougeL-winner',
  title: 'Which system wins on ROUGE-L?',
  question(_labDir, seed) {
    return {
      task: this.id,
      seed,
      text:
        'On the summarisation set, which system has the higher mean ROUGE-L F1 (rouge-score defaults, no stemming), ' +
        'and by how many points (F1 x 100, to one decimal)?',
      format: 'SYSTEM POINTS, e.g. "base 3.2" or "finetuned 12.5"',
    };
  },
  parse(text) {
    const m = /^\s*(base|fine-?tuned)\s*[ ,:]\s*([0-9]+(?:\.[0-9]+)?)\s*$/i.exec(text);
    if (!m) throw new Error('answer as SYSTEM POINTS, e.g. "finetuned 12.5"');
    return { system: m[1].toLowerCase().replace('-', ''), margin: Number(m[2]) };
  },
  grade(answer, _q, labDir) {
    const { systems } = scoreSet(loadSet(labDir, 'summarisation'));
    const diff = (systems.finetuned.rougeL - systems.base.rougeL) * 100;
    const winner: SystemName = diff >= 0 ? 'finetuned' : 'base';
    const margin = Math.round(Math.abs(diff) * 10) / 10;
    const a = answer as { system?: string; margin?: number };
    const expected = { system: winner, margin };
    if (a?.system !== winner) return { ok: false, detail: `you named ${a?.system ?? 'no system'}; the other system has the higher mean ROUGE-L F1`, expected };
    if (typeof a.margin !== 'number' || Math.abs(a.margin - Math.abs(diff)) > 0.1) {
      return { ok: false, detail: `right system, but a margin of ${a.margin} points is more than 0.1 away from the real one`, expected };
    }
    return { ok: true, detail: `${winner} leads by ${margin.toFixed(1)} ROUGE-L points`, expected };
  },
};

// ---- 2. a clipped unigram precision by hand ------------------------------------------------

const bleu13a = new BleuScorer({ effectiveOrder: true });

function clippedCandidates(labDir: string) {
  const items = loadSet(labDir, 'translation');
  const out: { it: LabItem; system: SystemName; matched: number; total: number }[] = [];
  for (const it of items) {
    for (const system of SYSTEMS) {
      const s = bleu13a.sentence(it[system], [it.reference]);
      if (s.totals[0] >= 5 && s.counts[0] < s.totals[0]) out.push({ it, system, matched: s.counts[0], total: s.totals[0] });
    }
  }
  return out;
}

const clippedPrecision: TaskDef = {
  id: 'clipped-precision',
  title: 'A clipped unigram precision by hand',
  question(labDir, seed) {
    const c = pick(rng(seed), clippedCandidates(labDir));
    return {
      task: this.id,
      seed,
      text:
        `Translation item ${c.it.id}, system "${c.system}". Tokenize like sacrebleu's 13a (punctuation such as "." "," "?" ` +
        'becomes its own token, case is kept) and compute the clipped unigram precision p1: output tokens that also appear ' +
        'in the reference, each credited at most as many times as it occurs there, over the number of output tokens.',
      format: 'MATCHED/TOTAL, e.g. "5/7"',
      item: itemRef('translation', c.it, c.system),
    };
  },
  parse(text) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    if (!m) throw new Error('answer as MATCHED/TOTAL, e.g. "5/7"');
    return { matched: Number(m[1]), total: Number(m[2]) };
  },
  grade(answer, q) {
    const s = bleu13a.sentence(q.item!.hypothesis, [q.item!.reference]);
    const expected = { matched: s.counts[0], total: s.totals[0] };
    const a = answer as { matched?: number; total?: number };
    if (a?.total !== expected.total) return { ok: false, detail: `the output has ${expected.total} tokens after 13a tokenization, not ${a?.total}`, expected };
    if (a.matched !== expected.matched) return { ok: false, detail: `right token count, but ${a.matched} clipped matches is wrong`, expected };
    return { ok: true, detail: `p1 = ${expected.matched}/${expected.total}`, expected };
  },
};

// ---- 3. why is this sentence BLEU zero? ----------------------------------------------------

const noSmoothing = new BleuScorer({ effectiveOrder: true, smooth: 'none' });

/** The reason a sentence BLEU without smoothing is 0: the lowest n-gram order with no match. */
function zeroReason(hyp: string, ref: string): string | null {
  const s = noSmoothing.sentence(hyp, [ref]);
  if (s.score !== 0 || s.counts[0] === 0) return null;
  for (let n = 1; n < 4; n++) if (s.totals[n] > 0 && s.counts[n] === 0) return `no-match-${n + 1}`;
  return null;
}

const ZERO_CHOICES: Choice[] = [
  { key: 'no-match-2', label: 'No bigram of the output occurs in the reference, so p2 = 0 and the geometric mean is 0' },
  { key: 'no-match-3', label: 'No trigram of the output occurs in the reference, so p3 = 0 and the geometric mean is 0' },
  { key: 'no-match-4', label: 'No 4-gram of the output occurs in the reference, so p4 = 0 and the geometric mean is 0' },
  { key: 'bp', label: 'The brevity penalty is 0 because the output is shorter than the reference' },
  { key: 'case', label: 'BLEU lowercases the text, so the capitalised words cannot match' },
];

const zeroBleu: TaskDef = {
  id: 'zero-bleu',
  title: 'Why is this sentence BLEU zero?',
  question(labDir, seed) {
    const r = rng(seed);
    const cands: { set: SetName; it: LabItem; system: SystemName }[] = [];
    for (const set of ['translation', 'summarisation'] as SetName[]) {
      for (const it of loadSet(labDir, set)) for (const system of SYSTEMS) if (zeroReason(it[system], it.reference)) cands.push({ set, it, system });
    }
    const c = pick(r, cands);
    return {
      task: this.id,
      seed,
      text:
        `${c.set} item ${c.it.id}, system "${c.system}": its sentence BLEU without smoothing ` +
        '(`ftlab metrics bleu --sentence --smooth none`) is 0 although some words match the reference. Why?',
      format: 'the letter of the choice',
      choices: shuffled(r, ZERO_CHOICES),
      item: itemRef(c.set, c.it, c.system),
    };
  },
  parse(text, q) {
    const t = text.trim().toLowerCase();
    const idx = t.length === 1 ? t.charCodeAt(0) - 97 : -1;
    if (q.choices && idx >= 0 && idx < q.choices.length) return q.choices[idx].key;
    if (ZERO_CHOICES.some((c) => c.key === t)) return t;
    throw new Error(`answer with a letter a-${String.fromCharCode(96 + (q.choices?.length ?? 5))}`);
  },
  grade(answer, q) {
    const expected = zeroReason(q.item!.hypothesis, q.item!.reference);
    const label = (k: unknown) => ZERO_CHOICES.find((c) => c.key === k)?.label ?? String(k);
    if (answer === expected) return { ok: true, detail: label(expected), expected };
    const s = noSmoothing.sentence(q.item!.hypothesis, [q.item!.reference]);
    return {
      ok: false,
      detail: `not "${label(answer)}": the matched/total n-gram counts are ${s.counts.map((c, i) => `${c}/${s.totals[i]}`).join(', ')} and BP is ${s.bp.toFixed(3)}`,
      expected,
    };
  },
};

// ---- 4. the brevity penalty of a short output ------------------------------------------------

const brevityPenalty: TaskDef = {
  id: 'brevity-penalty',
  title: 'The brevity penalty of a short output',
  question(labDir, seed) {
    const cands: { set: SetName; it: LabItem; system: SystemName }[] = [];
    for (const set of ['summarisation', 'translation'] as SetName[]) {
      for (const it of loadSet(labDir, set)) {
        for (const system of SYSTEMS) {
          const s = bleu13a.sentence(it[system], [it.reference]);
          if (s.sys_len > 0 && s.sys_len < s.ref_len) cands.push({ set, it, system });
        }
      }
    }
    const c = pick(rng(seed), cands);
    return {
      task: this.id,
      seed,
      text:
        `${c.set} item ${c.it.id}, system "${c.system}" is shorter than its reference. Count both lengths in 13a tokens ` +
        '(c for the output, r for the reference) and compute the brevity penalty BP = exp(1 - r/c), to 3 decimals.',
      format: 'a number, e.g. "0.607"',
      item: itemRef(c.set, c.it, c.system),
    };
  },
  parse(text) {
    const v = Number(text.trim());
    if (!text.trim() || !Number.isFinite(v)) throw new Error('answer with a number such as 0.607');
    return v;
  },
  grade(answer, q) {
    const s = bleu13a.sentence(q.item!.hypothesis, [q.item!.reference]);
    const expected = Math.round(s.bp * 1000) / 1000;
    if (typeof answer === 'number' && Math.abs(answer - s.bp) <= 0.0005 + 1e-12) return { ok: true, detail: `c = ${s.sys_len}, r = ${s.ref_len}, BP = ${s.bp.toFixed(4)}`, expected };
    return { ok: false, detail: `BP = ${answer} is not exp(1 - r/c) for this pair to 3 decimals`, expected };
  },
};

export const TASKS: TaskDef[] = [rougeLWinner, clippedPrecision, zeroBleu, brevityPenalty];

export function taskById(id: string): TaskDef | undefined {
  return TASKS.find((t) => t.id === id);
}
