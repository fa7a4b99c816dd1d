// The course at a glance — modules, lessons, question ids, lab count and content warnings — which is
// all the home screen needs. Loading and validating every lesson and question bank takes a while, so
// the outline is also cached in the progress home (cache/course-outline.json), keyed by a fingerprint
// of every content file (path, size, modification time) and of the running ftlab build: any edit to
// the content, or a new build, makes the cache miss and the content is loaded for real.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContentIndex, LoadedLesson } from '../core/content/loader.js';
import { formatProblem } from '../core/content/problems.js';

export interface CourseOutline {
  modules: Array<{ id: string; title: string; order: number }>;
  /** Reading order. */
  lessons: Array<{ id: string; title: string; module: string; order: number; minutes: number; domain: number }>;
  /** Top-level questions (one card each). */
  questions: Array<{ id: string; lesson: string; module: string }>;
  labs: number;
  /** Content problems (see contentWarnings). */
  warnings: string[];
}

/**
 * Content problems as warning lines: `skipped: path:line:col: message` for what the loader left out,
 * `problem: …` for a problem in a lesson, module or lab that still loaded (an unknown prerequisite, a
 * lesson in another module's folder). A question with any problem is always left out.
 */
export function contentWarnings(content: ContentIndex): string[] {
  const loaded = new Set<string>([...content.lessons, ...content.modules, ...content.labs].map((x) => x.source.path));
  return content.problems.map((p) => `${loaded.has(p.path) ? 'problem' : 'skipped'}: ${formatProblem(p)}`);
}

export function outlineOf(content: ContentIndex, ordered: readonly LoadedLesson[]): CourseOutline {
  return {
    modules: content.modules.map((m) => ({ id: m.id, title: m.title, order: m.order })),
    lessons: ordered.map((l) => ({ id: l.id, title: l.title, module: l.module, order: l.order, minutes: l.minutes, domain: l.domain })),
    questions: content.questions.map((q) => ({ id: q.id, lesson: q.lesson, module: q.module })),
    labs: content.labs.length,
    warnings: contentWarnings(content),
  };
}

const CACHE_VERSION = 1;
const CONTENT_FILE = /\.(md|ya?ml|json)$/i;

/** Hash of every content file's path, size and mtime, plus the running build (code changes count). */
export function contentFingerprint(root: string): string {
  const h = createHash('sha1');
  h.update(`v${CACHE_VERSION}\0${root}\0`);
  try {
    const self = fileURLToPath(import.meta.url);
    const st = statSync(self);
    h.update(`${self}\0${st.size}\0${st.mtimeMs}\0`);
  } catch {
    h.update('unknown-build\0');
  }
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (depth < 2) walk(p, depth + 1);
      } else if (CONTENT_FILE.test(name)) h.update(`${relative(root, p)}\0${st.size}\0${st.mtimeMs}\0`);
    }
  };
  // The loader reads content/<module>/*, quizzes/*.yaml and labs/<id>/lab.yaml.
  for (const top of ['content', 'quizzes', 'labs']) {
    h.update(`[${top}]`);
    if (existsSync(join(root, top))) walk(join(root, top), top === 'quizzes' ? 2 : 1);
  }
  return h.digest('hex');
}

const cacheFile = (storeHome: string) => join(storeHome, 'cache', 'course-outline.json');

export function readCachedOutline(storeHome: string, root: string): CourseOutline | undefined {
  try {
    const raw = JSON.parse(readFileSync(cacheFile(storeHome), 'utf8')) as { fingerprint?: string; outline?: CourseOutline };
    if (raw.fingerprint !== contentFingerprint(root) || !raw.outline || !Array.isArray(raw.outline.lessons)) return undefined;
    return raw.outline;
  } catch {
    return undefined; // missing or damaged: the content is simply loaded again
  }
}

export function writeCachedOutline(storeHome: string, root: string, outline: CourseOutline): void {
  try {
    const file = cacheFile(storeHome);
    mkdirSync(join(storeHome, 'cache'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ fingerprint: contentFingerprint(root), outline }));
    renameSync(tmp, file);
  } catch {
    /* a cache that cannot be written only costs speed */
  }
}
