// Answers the learner gave in the metrics lab, kept in the progress store's folder as
// <home>/labs/metrics/answers.json (written atomically). Each answer carries the seed of the
// question variant it answers, so the checks can recompute that variant's expected answer.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { keepBadCopy, writeFileAtomic } from '../../../core/store/atomic.js';

export interface StoredAnswer {
  seed: number;
  answer: unknown;
  at: string;
}

export interface AnswersFile {
  version: 1;
  /** Seeds drawn for questions that were shown but not answered yet. */
  seeds: Record<string, number>;
  answers: Record<string, StoredAnswer>;
  /** The learner's own scores file ("bring your own scorer"), when loaded in the lab. */
  scores_file?: string;
}

const empty = (): AnswersFile => ({ version: 1, seeds: {}, answers: {} });

/** Resolves the progress folder like the store does: explicit home, FTLAB_HOME, then conf's folder. */
export async function resolveHome(home?: string): Promise<string> {
  // Checked (and created) level by level: an unusable FTLAB_HOME is one StoreError line, never a hang.
  const { ensureHome, resolveHome: storeHome } = await import('../../../core/store/home.js');
  return ensureHome(storeHome(home));
}

export function answersPath(home: string): string {
  return join(home, 'labs', 'metrics', 'answers.json');
}

/** Reads the answers (a damaged file is set aside as answers.json.corrupt-<time>, never lost). */
export function readAnswers(path: string): AnswersFile {
  if (!existsSync(path)) return empty();
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<AnswersFile>;
    if (!raw || typeof raw !== 'object' || typeof raw.answers !== 'object' || raw.answers === null) throw new Error('not an answers file');
    return { version: 1, seeds: raw.seeds ?? {}, answers: raw.answers, ...(raw.scores_file ? { scores_file: raw.scores_file } : {}) };
  } catch {
    keepBadCopy(path);
    return empty();
  }
}

export function writeAnswers(path: string, data: AnswersFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, JSON.stringify(data, null, 2) + '\n');
}

export function updateAnswers(path: string, change: (a: AnswersFile) => void): AnswersFile {
  const data = readAnswers(path);
  change(data);
  writeAnswers(path, data);
  return data;
}
