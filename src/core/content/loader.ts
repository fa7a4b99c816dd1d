// Loads a content root (content/, quizzes/, labs/) into one index for the app, and reports every
// problem at once with the file, line and column of the offending YAML node. Broken items are left
// out of the index (never a crash); references are resolved against every item that parsed, so one
// mistake is reported once, where it is, and not again by everything that points at it: a file that
// does not load is reported at its first error and nothing else in it is checked; references to an
// item that exists but is broken are quiet; an unknown id is reported once, at its first reference,
// with the count of the others.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Token } from 'markdown-it';
import type { z } from 'zod';
import { issuesToProblems } from './issues.js';
import { lessonTokens, parseBody, type Heading } from './markdown.js';
import { closest, compareProblems, LineIndex, type Problem } from './problems.js';
import {
  labSchema,
  lessonFrontMatterSchema,
  moduleSchema,
  questionSchema,
  QUESTION_TYPES,
  type ExamTask,
  type LabDef,
  type LessonFrontMatter,
  type ModuleMeta,
  type Question,
  type SubQuestion,
} from './schema.js';
import { decodeText } from './text.js';
import { YamlSource, type YamlPath } from './yaml-source.js';

/** Where an item was defined (path relative to the content root, 1-based line and column). */
export interface SourceRef {
  path: string;
  line: number;
  col: number;
}

export interface LoadedModule extends ModuleMeta {
  source: SourceRef;
  /** Folder relative to the content root, e.g. `content/01-foundations`. */
  dir: string;
}

export interface LoadedLesson extends LessonFrontMatter {
  source: SourceRef;
  /** Markdown body (after the front matter). */
  body: string;
  /** 1-based line of the body's first line in the file. */
  bodyLine: number;
  /** Headings in order, for a table of contents. */
  headings: Heading[];
  /** markdown-it block tokens of the body (callouts marked with `meta.callout`). */
  tokens: Token[];
}

/** A top-level question: one spaced-repetition card. Case sub-questions have lesson/domain filled in. */
export type LoadedQuestion = Question & { source: SourceRef; module: string };

/** Something answered on its own: a non-case question, or one sub-question of a case. */
export interface GradableItem {
  id: string;
  /** The case question this item belongs to. */
  parentId?: string;
  question: Question | SubQuestion;
  lesson: string;
  domain: number;
  /** AIF-C01 task statement ("3.2"); case parts inherit their case's unless they name their own. */
  task: ExamTask;
  module: string;
  source: SourceRef;
}

export interface LoadedLab extends LabDef {
  source: SourceRef;
  /** Absolute folder of the lab (its data sits here). */
  dir: string;
}

export interface ContentCounts {
  modules: number;
  lessons: number;
  /** Top-level questions (a case counts once). */
  questions: number;
  /** Gradable items: non-case questions plus case sub-questions. */
  items: number;
  byType: Record<string, number>;
  labs: number;
  checks: number;
  problems: number;
}

export interface ContentIndex {
  root: string;
  modules: LoadedModule[];
  lessons: LoadedLesson[];
  questions: LoadedQuestion[];
  items: GradableItem[];
  labs: LoadedLab[];
  problems: Problem[];
  /**
   * Things that work but read badly (a prerequisite that comes later in the course), as `warning: …`
   * messages; `content check` adds the bank-quality warnings of quality.ts.
   */
  warnings: Problem[];
  counts: ContentCounts;
  moduleById: Map<string, LoadedModule>;
  lessonById: Map<string, LoadedLesson>;
  /** Top-level questions and case sub-questions by id. */
  itemById: Map<string, GradableItem>;
  questionById: Map<string, LoadedQuestion>;
  labById: Map<string, LoadedLab>;
}

/** The longest lab title the lab runner's title bar shows whole at 80 columns: 78 body columns less
 * "ftlab › Lab: " (13), a space and "10/10 graded steps passed" (25). */
export const LAB_TITLE_MAX = 39;

/** What the loader needs to know of a lab check kind (src/engines/labs/types.ts CheckKind fits it). */
export interface CheckKindSpec {
  description: string;
  /** Problems with a check's `args` in lab.yaml, as messages (empty = fine). */
  validateArgs?(args: Record<string, unknown>): string[];
}
export type CheckKindSpecs = Record<string, CheckKindSpec>;

export interface LoadOptions {
  /** Check kinds lab files may name: the caller passes the labs' registry (src/engines/labs/registry.ts). */
  checkKinds: CheckKindSpecs;
}

const KNOWN_QUESTION_FIELDS = fieldNames(questionSchema);
const KNOWN_LESSON_FIELDS = Object.keys(lessonFrontMatterSchema.shape);
const KNOWN_MODULE_FIELDS = Object.keys(moduleSchema.shape);
const KNOWN_LAB_FIELDS = ['id', 'title', 'summary', 'minutes', 'requires', 'lessons', 'steps', 'reference', 'instructions', 'action', 'checks', 'kind', 'args', 'message', 'hint', 'solution', 'starter', 'paths', 'options', 'start'];

/** Parsed, schema-valid item plus where it came from, before cross-checks. */
interface Parsed<T> {
  value: T;
  src: YamlSource;
  at: YamlPath;
}

export function loadContent(rootDir: string, opts: LoadOptions): ContentIndex {
  const root = resolve(rootDir);
  const kinds = opts.checkKinds;
  const problems: Problem[] = [];
  const report = (p: Problem) => problems.push(p);

  // ---- Read and schema-check every file ------------------------------------------------------
  const modules: Array<Parsed<ModuleMeta> & { dir: string }> = [];
  const lessons: Array<Parsed<LessonFrontMatter> & { folder: string; body: string; bodyLine: number; raw: Record<string, unknown> }> = [];
  const questions: Array<Parsed<Question>> = [];
  const labs: Array<Parsed<LabDef> & { folder: string }> = [];
  // Ids of items that exist but failed validation: references to them are not reported again
  // (the item's own problem is the root cause); whatever depends on them is skipped quietly.
  const broken = { module: new BrokenItems(), lesson: new BrokenItems(), lab: new BrokenItems(), question: new BrokenItems() };
  const unknown = new UnknownRefs();

  for (const dir of listDirs(join(root, 'content'))) {
    const rel = `content/${dir}`;
    const moduleFile = join(root, rel, 'module.yaml');
    if (existsSync(moduleFile)) {
      const src = readYaml(root, `${rel}/module.yaml`, report, broken.module);
      if (src) {
        const value = src.toJS();
        const parsed = validate(moduleSchema, value, src, [], KNOWN_MODULE_FIELDS, report);
        if (parsed) modules.push({ value: parsed, src, at: [], dir: rel });
        else broken.module.noteValue(src.path, value);
      }
    } else {
      report({ path: rel, line: 1, col: 1, message: 'module folder has no module.yaml (id, title, summary, order)' });
    }
    for (const file of listFiles(join(root, rel), '.md')) {
      if (file.toLowerCase() === 'readme.md') continue;
      const lesson = readLesson(root, `${rel}/${file}`, report, broken.lesson);
      if (lesson) lessons.push({ ...lesson, folder: rel });
    }
  }

  for (const file of listFiles(join(root, 'quizzes'), '.yaml', '.yml')) {
    const path = `quizzes/${file}`;
    const src = readYaml(root, path, report);
    if (!src) continue;
    const value = src.toJS();
    if (value == null || (Array.isArray(value) && value.length === 0)) {
      // Usually a file saved empty by mistake or a bank whose list was commented out.
      report(src.problem([], 'the question bank holds no questions: add some (a YAML list, each item starting with "- id: …") or delete the file'));
      continue;
    }
    if (!Array.isArray(value)) {
      report(src.problem([], 'a question bank is a YAML list of questions (each item starts with "- id: …")'));
      continue;
    }
    value.forEach((item, i) => {
      const parsed = validate(questionSchema, item, src, [i], KNOWN_QUESTION_FIELDS, report, 'question type');
      if (parsed) questions.push({ value: parsed, src, at: [i] });
      else broken.question.noteValue(src.path, item);
    });
  }

  for (const dir of listDirs(join(root, 'labs'))) {
    const path = `labs/${dir}/lab.yaml`;
    if (!existsSync(join(root, path))) continue; // shared data folders carry no lab.yaml
    const src = readYaml(root, path, report);
    // A lab's id is its folder's name (checked below), so a lab that does not load is still known by it.
    if (!src) {
      broken.lab.add(dir);
      continue;
    }
    const value = src.toJS();
    const parsed = validate(labSchema, value, src, [], KNOWN_LAB_FIELDS, report);
    if (parsed) labs.push({ value: parsed, src, at: [], folder: dir });
    else broken.lab.add(dir);
  }

  // ---- Unique ids (first definition wins; later ones are reported and dropped) ----------------
  const firstModule = uniqueBy(modules, 'module', report);
  const firstLesson = uniqueBy(lessons, 'lesson', report);
  const firstLab = uniqueBy(labs, 'lab', report);

  // Question ids share one namespace with case sub-question ids (both are card/answer keys).
  const questionDefs = new Map<string, SourceRef>();
  const keptQuestions: Array<Parsed<Question>> = [];
  for (const q of questions) {
    let ok = claimId(questionDefs, q.value.id, q.src, [...q.at, 'id'], 'question', report);
    if (q.value.type === 'case') {
      q.value.questions.forEach((sub, j) => {
        ok = claimId(questionDefs, sub.id, q.src, [...q.at, 'questions', j, 'id'], 'question', report) && ok;
      });
    }
    if (ok) keptQuestions.push(q);
  }

  // ---- Modules --------------------------------------------------------------------------------
  const moduleById = new Map<string, LoadedModule>();
  for (const m of firstModule) {
    moduleById.set(m.value.id, { ...m.value, source: sourceOf(m.src, m.at), dir: m.dir });
  }

  // ---- Labs -----------------------------------------------------------------------------------
  const lessonIds = new Set(firstLesson.map((l) => l.value.id));
  const labById = new Map<string, LoadedLab>();
  const labWarnings: Problem[] = [];
  for (const l of firstLab) {
    const lab = l.value;
    let ok = true;
    if (lab.title.length > LAB_TITLE_MAX) {
      labWarnings.push(
        l.src.problem(
          ['title'],
          `warning: lab title is ${lab.title.length} characters; at 80 columns the lab runner's title bar shows ${LAB_TITLE_MAX} ` +
            '(the rest of the row is "ftlab › Lab: " and "N/M graded steps passed"), so the end would be cut: shorten it',
        ),
      );
    }
    if (lab.id !== l.folder) {
      report(l.src.problem(['id'], `lab id "${lab.id}" must match its folder name "${l.folder}"`));
      broken.lab.add(l.folder);
      ok = false;
    }
    lab.lessons.forEach((ref, i) => {
      if (!lessonIds.has(ref) && !broken.lesson.has(ref)) unknown.add('lesson', ref, l.src.problem(['lessons', i], unknownRef('lesson', ref, lessonIds)));
    });
    const stepIds = new Map<string, number>();
    lab.steps.forEach((step, i) => {
      const prev = stepIds.get(step.id);
      if (prev !== undefined) {
        report(l.src.problem(['steps', i, 'id'], `duplicate step id "${step.id}" (also steps[${prev}])`));
        ok = false;
      } else stepIds.set(step.id, i);
      step.checks.forEach((check, j) => {
        const kind = Object.prototype.hasOwnProperty.call(kinds, check.kind) ? kinds[check.kind] : undefined;
        if (!kind) {
          const names = Object.keys(kinds).sort();
          const guess = closest(check.kind, names);
          report(
            l.src.problem(
              ['steps', i, 'checks', j, 'kind'],
              `unknown check kind "${check.kind}"${guess ? ` (did you mean "${guess}"?)` : ''}; known kinds: ${names.join(', ') || 'none'}`,
            ),
          );
          ok = false;
          return;
        }
        let argProblems: string[] = [];
        try {
          argProblems = kind.validateArgs?.(check.args) ?? [];
        } catch (err) {
          argProblems = [`validating the arguments failed: ${(err as Error).message}`];
        }
        for (const message of argProblems) {
          report(l.src.problem(['steps', i, 'checks', j, 'args'], `check "${check.kind}": ${message}`, { key: true }));
          ok = false;
        }
      });
    });
    if (ok) labById.set(lab.id, { ...lab, source: sourceOf(l.src, l.at), dir: join(root, 'labs', l.folder) });
  }
  const labIds = new Set(firstLab.map((l) => l.value.id));

  // ---- Lessons --------------------------------------------------------------------------------
  const lessonById = new Map<string, LoadedLesson>();
  const moduleIds = new Set(firstModule.map((m) => m.value.id));
  const folderModule = new Map(firstModule.map((m) => [m.dir, m.value.id]));
  for (const l of firstLesson) {
    const fm = l.value;
    if (!moduleIds.has(fm.module)) {
      if (!broken.module.has(fm.module)) unknown.add('module', fm.module, l.src.problem(['module'], unknownRef('module', fm.module, moduleIds)));
      continue;
    }
    const folderId = folderModule.get(l.folder);
    if (folderId && folderId !== fm.module) {
      report(l.src.problem(['module'], `lesson is in the folder of module "${folderId}" but names module "${fm.module}"`));
    }
    const prerequisites = fm.prerequisites.filter((ref, i) => {
      if (ref === fm.id) report(l.src.problem(['prerequisites', i], 'a lesson cannot be its own prerequisite'));
      else if (broken.lesson.has(ref)) return false;
      else if (!lessonIds.has(ref)) unknown.add('lesson', ref, l.src.problem(['prerequisites', i], unknownRef('lesson', ref, lessonIds)));
      else return true;
      return false;
    });
    let lab = fm.lab;
    if (lab !== undefined && !labById.has(lab)) {
      if (!labIds.has(lab) && !broken.lab.has(lab)) unknown.add('lab', lab, l.src.problem(['lab'], unknownRef('lab', lab, labIds)));
      lab = undefined;
    }
    const parsedBody = parseBody(l.body, l.bodyLine);
    for (const issue of parsedBody.issues) {
      report({ path: l.src.path, line: l.bodyLine + issue.bodyLine, col: issue.col, message: issue.message });
    }
    const lesson = {
      ...fm,
      prerequisites,
      lab,
      source: sourceOf(l.src, l.at),
      body: l.body,
      bodyLine: l.bodyLine,
      headings: parsedBody.headings,
    } as LoadedLesson;
    // The full token stream is built when a reader first asks for it: loading needs only the checks above.
    let tokens: Token[] | undefined;
    Object.defineProperty(lesson, 'tokens', { get: () => (tokens ??= lessonTokens(l.body)), enumerable: true });
    lessonById.set(fm.id, lesson);
  }
  reportPrerequisiteCycles(firstLesson, lessonById, report);

  // ---- Questions ------------------------------------------------------------------------------
  const questionById = new Map<string, LoadedQuestion>();
  const itemById = new Map<string, GradableItem>();
  const items: GradableItem[] = [];
  for (const q of keptQuestions) {
    const question = q.value;
    let ok = true;
    if (!lessonIds.has(question.lesson)) {
      if (!broken.lesson.has(question.lesson)) unknown.add('lesson', question.lesson, q.src.problem([...q.at, 'lesson'], unknownRef('lesson', question.lesson, lessonIds)));
      ok = false;
    }
    ok = checkAnswers(question, q.src, q.at, report) && ok;
    ok = checkSources(question.sources, q.src, [...q.at, 'sources'], lessonById, lessonIds, broken.lesson, unknown) && ok;
    ok = checkTask(question.task, question.domain, q.src, q.at, report) && ok;
    const subs: Array<{ sub: SubQuestion; lesson: string; domain: number; task: ExamTask }> = [];
    if (question.type === 'case') {
      question.questions.forEach((sub, j) => {
        const at = [...q.at, 'questions', j];
        if (sub.lesson !== undefined && !lessonIds.has(sub.lesson)) {
          if (!broken.lesson.has(sub.lesson)) unknown.add('lesson', sub.lesson, q.src.problem([...at, 'lesson'], unknownRef('lesson', sub.lesson, lessonIds)));
          ok = false;
        }
        ok = checkAnswers(sub, q.src, at, report) && ok;
        ok = checkSources(sub.sources, q.src, [...at, 'sources'], lessonById, lessonIds, broken.lesson, unknown) && ok;
        const domain = sub.domain ?? question.domain;
        const task = sub.task ?? question.task;
        // A part that moves to another domain must name a task of that domain; one it inherits would not fit.
        if (sub.task !== undefined || sub.domain !== undefined) ok = checkTask(task, domain, q.src, at, report, sub.task === undefined) && ok;
        subs.push({ sub, lesson: sub.lesson ?? question.lesson, domain, task });
      });
    }
    if (!ok) continue;
    // Lessons that exist but were left out (e.g. an unknown module) were reported already.
    const lesson = lessonById.get(question.lesson);
    if (!lesson || subs.some((s) => !lessonById.has(s.lesson))) continue;
    const source = sourceOf(q.src, q.at);
    const loaded: LoadedQuestion =
      question.type === 'case'
        ? {
            ...question,
            questions: subs.map((s) => ({ ...s.sub, lesson: s.lesson, domain: s.domain, task: s.task })),
            source,
            module: lesson.module,
          }
        : { ...question, source, module: lesson.module };
    questionById.set(question.id, loaded);
    if (question.type === 'case') {
      subs.forEach((s, j) => {
        const item: GradableItem = {
          id: s.sub.id,
          parentId: question.id,
          question: { ...s.sub, lesson: s.lesson, domain: s.domain, task: s.task },
          lesson: s.lesson,
          domain: s.domain,
          task: s.task,
          module: lessonById.get(s.lesson)!.module,
          source: sourceOf(q.src, [...q.at, 'questions', j]),
        };
        items.push(item);
        itemById.set(item.id, item);
      });
    } else {
      const item: GradableItem = {
        id: question.id,
        question,
        lesson: question.lesson,
        domain: question.domain,
        task: question.task,
        module: lesson.module,
        source,
      };
      items.push(item);
      itemById.set(item.id, item);
    }
  }

  unknown.flush(report, broken);
  problems.sort(compareProblems);
  const byType: Record<string, number> = Object.fromEntries(QUESTION_TYPES.map((t) => [t, 0]));
  for (const q of questionById.values()) byType[q.type] = (byType[q.type] ?? 0) + 1;
  for (const item of items) if (item.parentId) byType[item.question.type] = (byType[item.question.type] ?? 0) + 1;

  const sortedModules = [...moduleById.values()].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  const moduleOrder = new Map(sortedModules.map((m, i) => [m.id, i]));
  const sortedLessons = [...lessonById.values()].sort(
    (a, b) => moduleOrder.get(a.module)! - moduleOrder.get(b.module)! || a.order - b.order || a.id.localeCompare(b.id),
  );
  const labList = [...labById.values()];
  const warnings = [...prerequisiteOrderWarnings(firstLesson, sortedLessons), ...labWarnings];
  return {
    root,
    modules: sortedModules,
    lessons: sortedLessons,
    questions: [...questionById.values()],
    items,
    labs: labList,
    problems,
    warnings,
    counts: {
      modules: moduleById.size,
      lessons: lessonById.size,
      questions: questionById.size,
      items: items.length,
      byType,
      labs: labById.size,
      checks: labList.reduce((n, lab) => n + lab.steps.reduce((m, s) => m + s.checks.length, 0), 0),
      problems: problems.length,
    },
    moduleById,
    lessonById,
    itemById,
    questionById,
    labById,
  };
}

// ---- Reading files ------------------------------------------------------------------------------

function listDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort();
}

function listFiles(dir: string, ...exts: string[]): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.') && exts.some((x) => e.name.endsWith(x)))
    .map((e) => e.name)
    .sort();
}

/**
 * The file's text, or undefined when it cannot be used: unreadable, not UTF-8, or holding control
 * characters (reported once, at the first one). `unusable` still gets what could be decoded, so the
 * file's id can be recovered and references to it stay quiet.
 */
function readText(root: string, path: string, report: (p: Problem) => void, unusable?: (text: string) => void): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(root, path));
  } catch (err) {
    report({ path, line: 1, col: 1, message: `cannot read file: ${(err as Error).message}` });
    unusable?.('');
    return undefined;
  }
  const { text, fault } = decodeText(bytes);
  if (fault) {
    report({ path, ...fault });
    unusable?.(text);
    return undefined;
  }
  return text;
}

function readYaml(root: string, path: string, report: (p: Problem) => void, brokenIds?: BrokenItems): YamlSource | undefined {
  const text = readText(root, path, report, (t) => brokenIds?.noteText(path, t));
  if (text === undefined) return undefined;
  const src = new YamlSource(path, new LineIndex(text), text);
  if (src.hasErrors) {
    src.syntaxProblems().forEach(report);
    brokenIds?.noteText(path, text);
    return undefined;
  }
  return src;
}

const FENCE = /^---[ \t]*\r?$/;

function readLesson(
  root: string,
  path: string,
  report: (p: Problem) => void,
  brokenIds: BrokenItems,
): { value: LessonFrontMatter; src: YamlSource; at: YamlPath; body: string; bodyLine: number; raw: Record<string, unknown> } | undefined {
  const text = readText(root, path, report, (t) => brokenIds.noteText(path, frontMatterText(t)));
  if (text === undefined) return undefined;
  const index = new LineIndex(text);
  const firstEnd = text.indexOf('\n');
  if (!FENCE.test(text.slice(0, firstEnd === -1 ? text.length : firstEnd))) {
    report({ path, line: 1, col: 1, message: 'a lesson starts with YAML front matter: a "---" line, the fields (id, title, module, …), then "---"' });
    brokenIds.noteText(path, frontMatterText(text));
    return undefined;
  }
  // Find the closing "---" line.
  let closeLine = -1;
  for (let line = 2; line <= index.lineCount; line++) {
    const start = index.lineStart(line);
    const end = text.indexOf('\n', start);
    if (FENCE.test(text.slice(start, end === -1 ? text.length : end))) {
      closeLine = line;
      break;
    }
  }
  if (closeLine === -1) {
    report({ path, line: 1, col: 1, message: 'front matter is never closed: add a "---" line after the last field' });
    brokenIds.noteText(path, frontMatterText(text));
    return undefined;
  }
  const fmStart = index.lineStart(2);
  const fmEnd = index.lineStart(closeLine);
  const src = new YamlSource(path, index, text.slice(fmStart, fmEnd), fmStart);
  if (src.hasErrors) {
    src.syntaxProblems().forEach(report);
    brokenIds.noteText(path, text.slice(fmStart, fmEnd));
    return undefined;
  }
  const raw = src.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    report(src.problem([], 'front matter must be a map of fields (id, title, module, order, …)'));
    brokenIds.noteText(path, text.slice(fmStart, fmEnd));
    return undefined;
  }
  const value = validate(lessonFrontMatterSchema, raw, src, [], KNOWN_LESSON_FIELDS, report);
  if (!value) {
    brokenIds.noteValue(path, raw);
    return undefined;
  }
  const bodyLine = closeLine + 1;
  const bodyStart = bodyLine <= index.lineCount ? index.lineStart(bodyLine) : text.length;
  const body = closeLine === index.lineCount ? '' : text.slice(bodyStart);
  return { value, src, at: [], body, bodyLine, raw: raw as Record<string, unknown> };
}

function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  src: YamlSource,
  at: YamlPath,
  knownFields: readonly string[],
  report: (p: Problem) => void,
  discriminatorLabel?: string,
): z.output<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issuesToProblems(result.error.issues, { source: src, base: at, value, knownFields, discriminatorLabel }).forEach(report);
  return undefined;
}

function fieldNames(schema: unknown): string[] {
  const names = new Set<string>();
  const visit = (s: unknown): void => {
    const def = (s as { def?: { shape?: Record<string, unknown>; options?: unknown[]; element?: unknown; innerType?: unknown } }).def;
    if (!def) return;
    if (def.shape) for (const [k, v] of Object.entries(def.shape)) if (!names.has(k)) {
      names.add(k);
      visit(v);
    }
    def.options?.forEach(visit);
    if (def.element) visit(def.element);
    if (def.innerType) visit(def.innerType);
  };
  visit(schema);
  return [...names];
}

/**
 * Items of one kind (lesson, module, lab) that exist but did not load. Their ids, where they can be
 * read, keep references to them quiet; files whose id cannot be read are named next to any unknown
 * reference, since they may be what it points at.
 */
const ID_RE = /^[a-z0-9][a-z0-9.-]*$/;

class BrokenItems {
  private readonly ids = new Set<string>();
  readonly unidentified: string[] = [];

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
  }

  /** A file that does not parse still declares its id, usually on an `id:` line near the top. */
  noteText(path: string, text: string): void {
    const m = /^[ \t]*id[ \t]*:[ \t]*["']?([a-z0-9][a-z0-9.-]*)["']?[ \t]*(?:#.*)?\r?$/m.exec(text);
    if (m) this.ids.add(m[1]!);
    else this.unidentified.push(path);
  }

  noteValue(path: string, value: unknown): void {
    const id = (value as { id?: unknown } | null)?.id;
    // An id that is not well-formed cannot be what a reference names: the file counts as unidentified.
    if (typeof id === 'string' && ID_RE.test(id)) this.ids.add(id);
    else this.unidentified.push(path);
  }
}

/** The front matter of a lesson that did not load (the id is looked for there, not in the body). */
function frontMatterText(text: string): string {
  const close = /\n---[ \t]*\r?(?:\n|$)/.exec(text.slice(3));
  return close ? text.slice(0, close.index + 3) : text.slice(0, 2000);
}

type RefKind = 'lesson' | 'module' | 'lab' | 'anchor';

/**
 * Unknown references, one problem per unknown id: a renamed lesson or a heading that changed is one
 * mistake, however many questions point at it. The first reference (by file and line) is reported
 * with the count of the others.
 */
class UnknownRefs {
  private readonly byKey = new Map<string, { kind: RefKind; first: Problem; count: number }>();

  add(kind: RefKind, id: string, problem: Problem): void {
    const key = `${kind}:${id}`;
    const seen = this.byKey.get(key);
    if (!seen) this.byKey.set(key, { kind, first: problem, count: 1 });
    else {
      seen.count++;
      if (compareProblems(problem, seen.first) < 0) seen.first = problem;
    }
  }

  flush(report: (p: Problem) => void, broken: Record<'lesson' | 'module' | 'lab', BrokenItems>): void {
    for (const { kind, first, count } of this.byKey.values()) {
      let message = first.message;
      if (count > 1) message += `; ${count - 1} more reference${count === 2 ? '' : 's'} to it`;
      const unread = broken[kind === 'anchor' ? 'lesson' : kind].unidentified;
      if (kind !== 'anchor' && unread.length) {
        message += `; ${unread.length === 1 ? `${unread[0]} did not load and may define it` : `${unread.length} ${kind} files did not load and may define it (${unread[0]}, …)`}`;
      }
      report({ ...first, message });
    }
  }
}

// ---- Cross-checks -------------------------------------------------------------------------------

function sourceOf(src: YamlSource, at: YamlPath): SourceRef {
  return src.lazyPosition(at);
}

function uniqueBy<T extends Parsed<{ id: string }>>(list: T[], what: string, report: (p: Problem) => void): T[] {
  const seen = new Map<string, SourceRef>();
  return list.filter((item) => claimId(seen, item.value.id, item.src, [...item.at, 'id'], what, report));
}

function claimId(seen: Map<string, SourceRef>, id: string, src: YamlSource, at: YamlPath, what: string, report: (p: Problem) => void): boolean {
  const first = seen.get(id);
  if (first) {
    report(src.problem(at, `duplicate ${what} id "${id}" (first defined at ${first.path}:${first.line}:${first.col})`));
    return false;
  }
  seen.set(id, sourceOf(src, at));
  return true;
}

function unknownRef(what: string, ref: string, known: Set<string>): string {
  const guess = closest(ref, [...known]);
  return `unknown ${what} "${ref}"${guess ? ` (did you mean "${guess}"?)` : ''}`;
}

/** Answer indices inside the choices, "choose N" answers distinct, no ambiguous duplicates. */
function checkAnswers(q: Question | SubQuestion, src: YamlSource, at: YamlPath, report: (p: Problem) => void): boolean {
  let failures = 0;
  const fail = (path: YamlPath, message: string) => {
    failures++;
    report(src.problem([...at, ...path], message));
  };
  const duplicates = (list: string[], field: string, what: string) => {
    const seen = new Map<string, number>();
    list.forEach((text, i) => {
      const key = text.trim().toLowerCase();
      const prev = seen.get(key);
      if (prev !== undefined) fail([field, i], `${what} ${JSON.stringify(text)} appears twice (also ${field}[${prev}])`);
      else seen.set(key, i);
    });
  };
  const range = (n: number) => `choices are numbered 0 to ${n - 1}`;
  switch (q.type) {
    case 'single':
      if (q.answer >= q.choices.length) fail(['answer'], `answer ${q.answer} is outside the choices (${range(q.choices.length)})`);
      duplicates(q.choices, 'choices', 'choice');
      break;
    case 'multi': {
      const seen = new Set<number>();
      q.answers.forEach((a, i) => {
        if (a >= q.choices.length) fail(['answers', i], `answer ${a} is outside the choices (${range(q.choices.length)})`);
        else if (seen.has(a)) fail(['answers', i], `answer ${a} is listed twice`);
        seen.add(a);
      });
      if (q.answers.length >= q.choices.length) fail(['answers'], `"choose ${q.answers.length}" needs more than ${q.answers.length} choices, has ${q.choices.length}`);
      duplicates(q.choices, 'choices', 'choice');
      break;
    }
    case 'order':
      duplicates(q.items, 'items', 'item');
      break;
    case 'match':
      duplicates(
        q.pairs.map((p) => p.left),
        'pairs',
        'left side',
      );
      duplicates(
        q.pairs.map((p) => p.right),
        'pairs',
        'right side',
      );
      break;
    case 'cloze':
      if (!q.prompt.includes('___')) fail(['prompt'], 'a cloze prompt shows its blank as ___ (three underscores)');
      break;
    default:
      break;
  }
  return failures === 0;
}

/** A task statement belongs to one domain: "3.2" only fits a question of domain 3. */
function checkTask(task: ExamTask, domain: number, src: YamlSource, at: YamlPath, report: (p: Problem) => void, inherited = false): boolean {
  const taskDomain = Number(task.split('.')[0]);
  if (taskDomain === domain) return true;
  report(
    src.problem(
      inherited ? [...at, 'domain'] : [...at, 'task'],
      inherited
        ? `this part is in domain ${domain} but inherits task "${task}" (domain ${taskDomain}) from its case: give it a task of domain ${domain}`
        : `task "${task}" belongs to domain ${taskDomain}, but the question is in domain ${domain}: change one of them`,
    ),
  );
  return false;
}

/** `lesson-id#heading-slug` sources must name a lesson and one of its headings. */
function checkSources(
  sources: string[],
  src: YamlSource,
  at: YamlPath,
  lessons: Map<string, LoadedLesson>,
  lessonIds: Set<string>,
  brokenLessons: BrokenItems,
  unknown: UnknownRefs,
): boolean {
  let ok = true;
  sources.forEach((s, i) => {
    const m = /^([a-z0-9][a-z0-9.-]*)#([^\s#]+)$/.exec(s);
    if (!m || s.includes('://')) return;
    const [, lessonId, slug] = m as unknown as [string, string, string];
    if (!lessonIds.has(lessonId)) {
      if (brokenLessons.has(lessonId)) return;
      unknown.add('lesson', lessonId, src.problem([...at, i], `source "${s}" names ${unknownRef('lesson', lessonId, lessonIds)}`));
      ok = false;
      return;
    }
    const lesson = lessons.get(lessonId);
    if (lesson && !lesson.headings.some((h) => h.slug === slug)) {
      const guess = closest(slug, lesson.headings.map((h) => h.slug));
      unknown.add('anchor', `${lessonId}#${slug}`, src.problem([...at, i], `source "${s}": lesson "${lessonId}" has no heading "#${slug}"${guess ? ` (did you mean "#${guess}"?)` : ''}`));
      ok = false;
    }
  });
  return ok;
}

/**
 * A prerequisite must come before the lesson in the course (module order, then lesson order): the home
 * screen, `learn` and new review cards follow that order, so a later prerequisite sends the learner
 * back and forth.
 */
function prerequisiteOrderWarnings(lessons: Array<Parsed<LessonFrontMatter>>, sorted: LoadedLesson[]): Problem[] {
  const position = new Map(sorted.map((l, i) => [l.id, i]));
  const out: Problem[] = [];
  for (const l of lessons) {
    const at = position.get(l.value.id);
    if (at === undefined) continue;
    l.value.prerequisites.forEach((ref, i) => {
      const before = position.get(ref);
      if (before === undefined || before < at) return;
      const other = sorted[before]!;
      out.push(
        l.src.problem(
          ['prerequisites', i],
          `warning: prerequisite "${ref}" comes later in the course (${other.source.path}): ` +
            'move its module before this one (module.yaml "order") or drop the prerequisite',
        ),
      );
    });
  }
  return out.sort(compareProblems);
}

function reportPrerequisiteCycles(
  lessons: Array<Parsed<LessonFrontMatter>>,
  loaded: Map<string, LoadedLesson>,
  report: (p: Problem) => void,
): void {
  const state = new Map<string, 'active' | 'done'>();
  const srcOf = new Map(lessons.map((l) => [l.value.id, l]));
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'active');
    stack.push(id);
    for (const next of loaded.get(id)?.prerequisites ?? []) {
      const s = state.get(next);
      if (s === 'active') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const owner = srcOf.get(id)!;
        const idx = owner.value.prerequisites.indexOf(next);
        report(owner.src.problem(['prerequisites', idx], `prerequisites form a cycle: ${cycle.join(' → ')}`));
      } else if (!s) visit(next);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of loaded.keys()) if (!state.has(id)) visit(id);
}
