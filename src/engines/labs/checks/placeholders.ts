// Check arguments may name verify options as `{adapter}`, `{url}` or `{seed}`, so one lab.yaml works
// against the reference solution, the starter and the learner's own work. `{name=default}` falls back
// to `default` when the option is not given (e.g. `{work=work}` is the lab's own work/ folder).
import { isAbsolute, resolve } from 'node:path';
import type { CheckContext } from '../types.js';

const PLACEHOLDER = /\{([a-z][a-z0-9_-]*)(?:=([^{}]*))?\}/gi;

export class MissingOptionError extends Error {
  constructor(readonly option: string) {
    super(`this check needs --${option}`);
  }
}

/** Replaces `{name}` with ctx.options[name] (or the seed); throws MissingOptionError when absent. */
export function fill(template: string, ctx: CheckContext): string {
  return template.replace(PLACEHOLDER, (_, name: string, fallback: string | undefined) => {
    if (name === 'seed') return String(ctx.seed);
    const v = ctx.options[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw new MissingOptionError(name);
  });
}

/** A file path from args: placeholders filled, relative paths taken from the lab folder. */
export function labPath(template: string, ctx: CheckContext): string {
  const p = fill(template, ctx);
  return isAbsolute(p) ? p : resolve(ctx.labDir, p);
}

export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Reads a dotted path (`a.b.0.c`) from parsed JSON. */
export function pick(value: unknown, path: string): { found: boolean; value?: unknown } {
  let v: unknown = value;
  for (const seg of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, seg)) return { found: false };
    v = (v as Record<string, unknown>)[seg];
  }
  return { found: true, value: v };
}

/** Structural equality for JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
