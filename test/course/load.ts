// Reads the shipped course straight from disk for the course-wide tests (no dependency on the app's
// loader, so these tests keep working while the loader evolves).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface LessonFile {
  id: string;
  module: string;
  path: string;
  front: Record<string, unknown>;
  body: string;
}

export interface QuestionLike {
  id: string;
  type: string;
  lesson?: string;
  scenario?: boolean;
  answer?: unknown;
  questions?: QuestionLike[];
  [key: string]: unknown;
}

export interface Bank {
  module: string;
  path: string;
  questions: QuestionLike[];
}

export function loadLessons(root = repoRoot): LessonFile[] {
  const contentDir = join(root, 'content');
  const lessons: LessonFile[] = [];
  if (!existsSync(contentDir)) return lessons;
  for (const dir of readdirSync(contentDir).sort()) {
    const moduleDir = join(contentDir, dir);
    if (!existsSync(join(moduleDir, 'module.yaml'))) continue;
    for (const file of readdirSync(moduleDir).sort()) {
      if (!file.endsWith('.md')) continue;
      const path = join(moduleDir, file);
      const text = readFileSync(path, 'utf8');
      const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
      if (!m) continue;
      const front = parse(m[1]!) as Record<string, unknown>;
      lessons.push({ id: String(front.id), module: String(front.module), path, front, body: m[2]! });
    }
  }
  return lessons;
}

export function loadModules(root = repoRoot): { id: string; dir: string }[] {
  const contentDir = join(root, 'content');
  if (!existsSync(contentDir)) return [];
  return readdirSync(contentDir)
    .sort()
    .filter((dir) => existsSync(join(contentDir, dir, 'module.yaml')))
    .map((dir) => ({ id: String((parse(readFileSync(join(contentDir, dir, 'module.yaml'), 'utf8')) as { id: unknown }).id), dir }));
}

export function loadBanks(root = repoRoot): Bank[] {
  const dir = join(root, 'quizzes');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      module: f.replace(/\.yaml$/, ''),
      path: join(dir, f),
      questions: (parse(readFileSync(join(dir, f), 'utf8')) ?? []) as QuestionLike[],
    }));
}

/** Every question and case sub-question, keyed by id. */
export function questionIndex(banks: Bank[]): Map<string, QuestionLike> {
  const index = new Map<string, QuestionLike>();
  for (const bank of banks) {
    for (const q of bank.questions) {
      index.set(q.id, q);
      for (const sub of q.questions ?? []) index.set(sub.id, sub);
    }
  }
  return index;
}

/** One worked figure: see test/course/figures.test.ts. */
export interface Figure {
  /** Lesson whose text must contain the value exactly as written. */
  lesson?: string;
  /**
   * Question (or case sub-question): a numeric one's answer must equal the value; any other must contain it in
   * its text (a choice or the explanation), as a lesson does.
   */
  question?: string;
  expect: string | number;
  compute: () => number | string;
}
