// Check kinds that any lab can use: files the learner produced and JSON an HTTP API returns.
// Lab-specific kinds (metrics answers, adapter quality, the serving contract) live with their lab.
import { readFileSync, statSync } from 'node:fs';
import type { CheckContext, CheckKind, CheckKindTable, CheckOutcome } from '../types.js';
import { fill, jsonEqual, labPath, MissingOptionError, pick } from './placeholders.js';

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reports a missing --option as a failed check with a clear detail instead of a crash. */
function guarded(run: CheckKind['run']): CheckKind['run'] {
  return async (ctx, args) => {
    try {
      return await run(ctx, args);
    } catch (err) {
      if (err instanceof MissingOptionError) return { ok: false, detail: `${err.message} (ftlab lab verify <id> --${err.option} …)` };
      throw err;
    }
  };
}

/** Compares `equals` (dotted path → JSON value) and `present` (dotted paths) against a JSON value. */
function compareFields(value: unknown, args: Record<string, unknown>): CheckOutcome {
  const mismatches: string[] = [];
  for (const path of (args.present as string[] | undefined) ?? []) {
    if (!pick(value, path).found) mismatches.push(`${path} is missing`);
  }
  for (const [path, expected] of Object.entries((args.equals as Record<string, unknown> | undefined) ?? {})) {
    const got = pick(value, path);
    if (!got.found) mismatches.push(`${path} is missing (expected ${JSON.stringify(expected)})`);
    else if (!jsonEqual(got.value, expected)) mismatches.push(`${path} is ${JSON.stringify(got.value)}, expected ${JSON.stringify(expected)}`);
  }
  return mismatches.length ? { ok: false, detail: mismatches.join('; '), data: { mismatches } } : { ok: true };
}

function validateFieldArgs(args: Record<string, unknown>, problems: string[]): void {
  if (args.present !== undefined && !(Array.isArray(args.present) && args.present.every(isString))) problems.push('"present" must be a list of dotted field paths');
  if (args.equals !== undefined && !isRecord(args.equals)) problems.push('"equals" must map dotted field paths to expected values');
}

const fileExists: CheckKind = {
  description: 'a file (or folder) exists at a path; `{option}` placeholders take verify options, relative paths start at the lab folder',
  validateArgs(args) {
    const problems: string[] = [];
    if (!isString(args.path)) problems.push('"path" is required: the file to look for, e.g. "{adapter}/adapter_config.json"');
    if (args.min_bytes !== undefined && !(typeof args.min_bytes === 'number' && args.min_bytes >= 0)) problems.push('"min_bytes" must be a non-negative number');
    return problems;
  },
  run: guarded(async (ctx, args) => {
    const path = labPath(args.path as string, ctx);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return { ok: false, detail: `${path} does not exist` };
    }
    const min = (args.min_bytes as number | undefined) ?? 0;
    if (size < min) return { ok: false, detail: `${path} has ${size} bytes, expected at least ${min}`, data: { path, size } };
    return { ok: true, data: { path, size } };
  }),
};

const jsonFile: CheckKind = {
  description: 'a JSON file parses and has the listed fields (`present`) with the listed values (`equals`)',
  validateArgs(args) {
    const problems: string[] = [];
    if (!isString(args.path)) problems.push('"path" is required: the JSON file to read');
    if (args.present === undefined && args.equals === undefined) problems.push('give "present" or "equals" (or both): what the file must contain');
    validateFieldArgs(args, problems);
    return problems;
  },
  run: guarded(async (ctx, args) => {
    const path = labPath(args.path as string, ctx);
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return { ok: false, detail: e.code === 'ENOENT' ? `${path} does not exist` : `${path} is not valid JSON: ${e.message}` };
    }
    return compareFields(value, args);
  }),
};

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'];

const httpJson: CheckKind = {
  description: 'an HTTP endpoint (under --url) answers with the expected status and JSON fields',
  validateArgs(args) {
    const problems: string[] = [];
    if (!isString(args.path) || !args.path.startsWith('/')) problems.push('"path" is required and starts with "/", e.g. "/health"');
    if (args.method !== undefined && !(isString(args.method) && METHODS.includes(args.method.toUpperCase()))) problems.push(`"method" must be one of ${METHODS.join(', ')}`);
    if (args.status !== undefined && !(Number.isInteger(args.status) && (args.status as number) >= 100 && (args.status as number) <= 599)) problems.push('"status" must be an HTTP status code (100-599)');
    if (args.timeout_ms !== undefined && !(typeof args.timeout_ms === 'number' && args.timeout_ms > 0)) problems.push('"timeout_ms" must be a positive number');
    validateFieldArgs(args, problems);
    return problems;
  },
  run: guarded(async (ctx: CheckContext, args) => {
    const base = fill('{url}', ctx).replace(/\/+$/, '');
    const url = base + fill(args.path as string, ctx);
    const method = ((args.method as string | undefined) ?? 'GET').toUpperCase();
    const body = args.body === undefined ? undefined : JSON.stringify(args.body, (_k, v) => (typeof v === 'string' ? fill(v, ctx) : v));
    const timeout = AbortSignal.timeout((args.timeout_ms as number | undefined) ?? 10_000);
    const signal = ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, { method, body, headers: body ? { 'content-type': 'application/json' } : {}, signal });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } };
      const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message ?? e.message);
      return { ok: false, detail: `${method} ${url} failed: ${why}` };
    }
    const text = await res.text();
    const expectedStatus = (args.status as number | undefined) ?? 200;
    const data = { url, status: res.status };
    if (res.status !== expectedStatus) return { ok: false, detail: `${method} ${url} answered ${res.status}, expected ${expectedStatus}`, data };
    if (args.present === undefined && args.equals === undefined) return { ok: true, data };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, detail: `${method} ${url} did not answer with JSON (content-type ${res.headers.get('content-type') ?? 'none'})`, data };
    }
    const compared = compareFields(value, args);
    return { ...compared, data: { ...data, ...(compared.data as object | undefined) } };
  }),
};

export const genericChecks: CheckKindTable = {
  'file-exists': fileExists,
  'json-file': jsonFile,
  'http-json': httpJson,
};
