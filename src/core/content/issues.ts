// Turns zod issues into problems with messages an instructor can act on, each located at the YAML
// node it is about (a missing field points at the map that lacks it, an unknown field at its key).
import type { z } from 'zod';
import { closest, type Problem } from './problems.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

type Issue = z.core.$ZodIssue;

export interface IssueContext {
  source: YamlSource;
  /** Where the validated value sits inside the YAML document. */
  base: YamlPath;
  /** The validated value, to tell a missing field from a wrong one. */
  value: unknown;
  /** Field names that exist anywhere in this kind of file, for "did you mean" suggestions. */
  knownFields: readonly string[];
  /** What the discriminator names, e.g. "question type". */
  discriminatorLabel?: string;
}

export function issuesToProblems(issues: readonly Issue[], ctx: IssueContext): Problem[] {
  // Fields missing from one map are one problem (a file cut short lacks several at once), and a
  // misspelled key is one problem, not also a missing field: "unknown field "answr" (did you mean
  // "answer"?)" says both.
  const missing = new Map<string, { at: YamlPath; fields: string[] }>();
  const isMissing = (issue: Issue) =>
    (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.path.length > 0 && !hasPath(ctx.value, issue.path as PropertyKey[]);
  for (const issue of issues) {
    if (!isMissing(issue)) continue;
    const rel = issue.path as (string | number)[];
    const key = JSON.stringify(rel.slice(0, -1));
    const entry = missing.get(key) ?? { at: [...ctx.base, ...rel.slice(0, -1)], fields: [] };
    entry.fields.push(String(rel[rel.length - 1]));
    missing.set(key, entry);
  }
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const entry = missing.get(JSON.stringify(issue.path));
    if (!entry) continue;
    for (const k of issue.keys) {
      const guess = closest(k, ctx.knownFields);
      if (guess) entry.fields = entry.fields.filter((f) => f !== guess);
    }
  }
  const out: Problem[] = [];
  const done = new Set<string>();
  for (const issue of issues) {
    if (isMissing(issue)) {
      const key = JSON.stringify((issue.path as PropertyKey[]).slice(0, -1));
      const entry = missing.get(key)!;
      if (!done.has(key) && entry.fields.length) out.push(missingFields(ctx.source, entry.at, entry.fields));
      done.add(key);
      continue;
    }
    out.push(...issueToProblems(issue, ctx));
  }
  return out;
}

function missingFields(source: YamlSource, at: YamlPath, fields: string[]): Problem {
  if (fields.length === 1) {
    const hint = FIELD_HINTS[fields[0]!];
    return source.problem(at, `missing required field "${fields[0]}"${hint ? ` (${hint})` : ''}`);
  }
  return source.problem(at, `missing required fields ${fields.map((f) => `"${f}"`).join(', ')}`);
}

function issueToProblems(issue: Issue, ctx: IssueContext): Problem[] {
  const rel = issue.path as (string | number)[];
  const path = [...ctx.base, ...rel];
  const at = (message: string, opts: { key?: boolean } = {}) => ctx.source.problem(path, message, opts);
  const field = label(rel);
  const present = hasPath(ctx.value, rel);
  const actual = present ? valueAt(ctx.value, rel) : undefined;

  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const guess = closest(key, ctx.knownFields);
        return ctx.source.problem([...path, key], `unknown field "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`, { key: true });
      });
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (disc && options) {
        // zod reports the discriminator's path when it is missing or unknown.
        const discPath = rel[rel.length - 1] === disc ? rel : [...rel, disc];
        if (!hasPath(ctx.value, discPath)) return [ctx.source.problem([...ctx.base, ...discPath.slice(0, -1)], `missing required field "${disc}"`)];
        const got = valueAt(ctx.value, discPath);
        const what = ctx.discriminatorLabel ?? `"${disc}"`;
        return [
          ctx.source.problem([...ctx.base, ...discPath], `unknown ${what} ${JSON.stringify(got)} (expected one of: ${options.join(', ')})`),
        ];
      }
      return [at(`${field}: ${issue.message}`)];
    }
    case 'invalid_type':
      if (!present && rel.length > 0) return [missingFields(ctx.source, path.slice(0, -1), [String(rel[rel.length - 1])])];
      return [at(`${field || 'value'} must be ${article(issue.expected)}, not ${describe(actual)}`)];
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string' && min <= 1) return [at(`${field} must not be empty`)];
      if (issue.origin === 'array') return [at(`${field} needs at least ${min} item${min === 1 ? '' : 's'}, has ${Array.isArray(actual) ? actual.length : 0}`)];
      if (issue.origin === 'string') return [at(`${field} needs at least ${min} characters`)];
      return [at(`${field} must be ${issue.inclusive ? 'at least' : 'greater than'} ${min}, not ${describe(actual)}`)];
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return [at(`${field} allows at most ${max} items, has ${Array.isArray(actual) ? actual.length : 0}`)];
      return [at(`${field} must be ${issue.inclusive ? 'at most' : 'less than'} ${max}, not ${describe(actual)}`)];
    }
    case 'invalid_value':
      return [at(`${field} must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, not ${describe(actual)}`)];
    case 'invalid_format':
      return [at(`${field} ${describe(actual)} is not valid: ${issue.message}`)];
    case 'not_multiple_of':
      return [at(`${field} must be a multiple of ${issue.divisor}`)];
    default:
      return [at(`${field || 'value'}: ${issue.message}`)];
  }
}

/** What to write for a required field whose value is not obvious from its name. */
const FIELD_HINTS: Record<string, string> = {
  tolerance: 'how far from "answer" a typed number may be and still count: 0 for an exact answer',
  task: 'the AIF-C01 task statement the question tests, "N.M" with N its domain, e.g. task: "3.2"',
};

/** `choices[2]`, `questions[1].answer`. */
function label(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${String(seg)}` : String(seg);
  return s;
}

function hasPath(value: unknown, path: ReadonlyArray<PropertyKey>): boolean {
  let v: unknown = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, seg)) return false;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v !== undefined;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = value;
  for (const seg of path) v = v == null ? undefined : (v as Record<PropertyKey, unknown>)[seg];
  return v;
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'a map of fields';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Short description of a YAML value for messages: `"text"`, `12`, `a list`, `empty`. */
export function describe(v: unknown): string {
  if (v === undefined || v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v);
  return String(v);
}
