// Shared by the constrained-decoding tests: random JSON Schemas of the supported subset (fast-check), a
// validator (ajv, draft 2020-12, as zod and OpenAI write them), random walks through a grammar's token
// masks, and a search for a completion from any state (no state a mask allows may be a dead end).
import Ajv2020 from 'ajv/dist/2020.js';
import fc from 'fast-check';
import type { Stack } from '../../../src/engines/llm/constrained/automaton.js';
import { MAX_WS, type Grammar } from '../../../src/engines/llm/constrained/grammar.js';
import type { MaskTable } from '../../../src/engines/llm/constrained/token-mask.js';
import type { Rng } from '../../../src/engines/llm/rng.js';

const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: false, validateFormats: false });

/** Whether `text` parses and validates against `schema`; the reason when it does not. */
export function validates(schema: unknown, text: string): { ok: true; value: unknown } | { ok: false; why: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, why: `not JSON: ${(e as Error).message}: ${text}` };
  }
  const validate = ajv.compile(schema as object);
  if (!validate(value)) return { ok: false, why: `${ajv.errorsText(validate.errors)}: ${text}` };
  return { ok: true, value };
}

// ---- schemas -------------------------------------------------------------------------------------

const jsonScalar = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, 1, 10, -3, 2.5, '', 'a', 'é', 'x"y', 'tab\t', '日本'),
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 4 }),
);
const jsonValue = fc.oneof({ weight: 4, arbitrary: jsonScalar }, { weight: 1, arbitrary: fc.array(jsonScalar, { maxLength: 2 }) });
const propName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'ab', 'name', 'id', 'tags', 'x y', 'q"t', 'b\\s', 'é', 'über', 'a/b', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
);
const small = fc.integer({ min: -60, max: 60 });
const decimal = fc.oneof(
  small,
  fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }).map((x) => Math.round(x * 1000) / 1000),
);

/** Options shaping the schemas: `bounded` keeps every document short (for the model-driven tests). */
export interface SchemaOpts {
  bounded?: boolean;
}

export function schemaArb(opts: SchemaOpts = {}): fc.Arbitrary<Record<string, unknown>> {
  const maxLen = opts.bounded ? 6 : 12;
  const strings = fc
    .record(
      { minLength: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), maxLength: fc.integer({ min: 0, max: maxLen }) },
      { requiredKeys: [] },
    )
    .map(({ minLength, maxLength }) => {
      const s: Record<string, unknown> = { type: 'string' };
      if (minLength !== undefined) s.minLength = minLength;
      if (maxLength !== undefined || opts.bounded) s.maxLength = Math.max(maxLength ?? maxLen, minLength ?? 0);
      return s;
    });
  const integers = fc.record({ minimum: small, maximum: small }, { requiredKeys: [] }).map((b) => {
    const s: Record<string, unknown> = { type: 'integer', ...b };
    if (b.minimum !== undefined && b.maximum !== undefined && b.minimum > b.maximum) [s.minimum, s.maximum] = [b.maximum, b.minimum];
    return s;
  });
  const numbers = fc
    .record({ lo: decimal, hi: decimal, exLo: fc.boolean(), exHi: fc.boolean(), which: fc.integer({ min: 0, max: 3 }) })
    .map(({ lo, hi, exLo, exHi, which }) => {
      const [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
      const s: Record<string, unknown> = { type: 'number' };
      if (which & 1) s[exLo && a < b ? 'exclusiveMinimum' : 'minimum'] = a;
      if (which & 2) s[exHi && a < b ? 'exclusiveMaximum' : 'maximum'] = b;
      return s;
    });
  const leaf = fc.oneof(
    strings,
    integers,
    numbers,
    fc.constant({ type: 'boolean' }),
    fc.constant({ type: 'null' }),
    fc.array(jsonValue, { minLength: 1, maxLength: 4 }).map((e) => ({ enum: e })),
    jsonValue.map((c) => ({ const: c })),
    fc.constant({ type: 'string', enum: ['red', 'green', 'blue'] }),
    fc.constant({ type: ['string', 'null'], maxLength: 4 }),
    fc.constant({ type: 'integer', nullable: true, minimum: 1, maximum: 5 }),
    fc.constant({ type: 'number', minimum: 0, maximum: 1 }),
    ...(opts.bounded
      ? []
      : [fc.constant({ type: 'object' }), fc.constant({ type: 'string' }), fc.constant({ type: 'number' }), fc.constant({})]),
  );
  const { node } = fc.letrec<{
    node: Record<string, unknown>;
    object: Record<string, unknown>;
    array: Record<string, unknown>;
    anyOf: Record<string, unknown>;
  }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', maxDepth: opts.bounded ? 2 : 3 }, leaf, tie('object'), tie('array'), tie('anyOf')),
    object: fc
      .uniqueArray(fc.tuple(propName, tie('node'), fc.boolean()), { maxLength: opts.bounded ? 3 : 4, selector: ([k]) => k })
      .chain((entries) =>
        fc
          .record({ closed: fc.boolean(), extra: fc.constantFrom<'none' | 'true' | 'schema'>('none', 'true', 'schema') })
          .map(({ closed, extra }) => {
            const s: Record<string, unknown> = {
              type: 'object',
              properties: Object.fromEntries(entries.map(([k, v]) => [k, v])),
              required: entries.filter(([, , r]) => r).map(([k]) => k),
            };
            // bounded: no free-form keys (their number has no limit)
            if (closed || (opts.bounded && !entries.length)) s.additionalProperties = false;
            else if (extra === 'true') s.additionalProperties = true;
            else if (extra === 'schema' && !opts.bounded) s.additionalProperties = { type: 'integer' };
            return s;
          }),
      ),
    array: fc
      .record({ items: tie('node'), min: fc.integer({ min: 0, max: 2 }), extra: fc.integer({ min: 0, max: opts.bounded ? 1 : 3 }) })
      .map(({ items, min, extra }) => ({ type: 'array', items, minItems: min, maxItems: min + extra })),
    anyOf: fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((b) => ({ anyOf: b })),
  }));
  // Some schemas put their parts in $defs and refer to them, as zod and pydantic do.
  return fc.oneof(
    { weight: 3, arbitrary: node },
    {
      weight: 1,
      arbitrary: fc.tuple(node, node).map(([a, b]) => ({
        type: 'object',
        $defs: { A: a, B: b },
        properties: { first: { $ref: '#/$defs/A' }, second: { $ref: '#/$defs/B' }, again: { $ref: '#/$defs/A' } },
        required: ['first', 'second'],
        additionalProperties: false,
      })),
    },
  );
}

// ---- walks -----------------------------------------------------------------------------------------

const PREFERRED = new Set([0x22, 0x5d, 0x7d, 0x30, 0x31, 0x35, 0x6e, 0x74, 0x66, 0x2c]);

/**
 * A random path through the masks: at each step one allowed token, biased towards tokens that close
 * strings, arrays and objects so walks end; a stop id is taken half the time once it is allowed.
 * Returns the bytes and whether the walk ended on a stop id (false: it ran out of steps).
 */
export function randomWalk(table: MaskTable, rng: Rng, maxSteps: number): { bytes: number[]; stacks: Stack[]; stopped: boolean } {
  const m = table.matcher;
  let stacks = m.initial();
  const bytes: number[] = [];
  const stops = new Set(table.vocab.stopIds);
  for (let step = 0; step < maxSteps; step++) {
    const e = table.entry(stacks);
    if (e.complete && !e.continues) return { bytes, stacks, stopped: true };
    const ids = [...e.ids];
    if (e.complete && rng.next() < 0.5) return { bytes, stacks, stopped: true };
    const body = ids.filter((id) => !stops.has(id));
    const preferred = body.filter((id) => table.vocab.bytesOf[id].some((b) => PREFERRED.has(b)));
    const pool = preferred.length && rng.next() < 0.8 ? preferred : body;
    const id = pool[Math.floor(rng.next() * pool.length)];
    const tb = table.vocab.bytesOf[id];
    stacks = m.feedAll(stacks, tb);
    if (!stacks.length) throw new Error(`token ${id} was in the mask but does not continue the document`);
    bytes.push(...tb);
  }
  return { bytes, stacks, stopped: false };
}

/** Bytes tried first when completing: closers, then short values, then everything else. */
const CLOSING_FIRST = [...'"}]:ntf0159-.[{,'].map((c) => c.charCodeAt(0));
const BYTE_ORDER = [...CLOSING_FIRST, ...Array.from({ length: 256 }, (_, b) => b).filter((b) => !CLOSING_FIRST.includes(b))];

/**
 * Bytes that complete the document from `stacks` (a depth-first search that tries closers first, never
 * revisiting a state), or null when there is none within `maxLen` bytes: every state a mask allows must
 * have one, or generation could reach a dead end.
 */
export function completion(table: MaskTable, stacks: Stack[], maxLen = 600): number[] | null {
  const m = table.matcher;
  const key = (st: Stack[]) => st.map((s) => s.key).join('|');
  const seen = new Set<string>();
  const path: number[] = [];
  const dfs = (st: Stack[]): boolean => {
    if (m.canEnd(st)) return true;
    if (path.length >= maxLen) return false;
    for (const b of BYTE_ORDER) {
      const nx = m.feed(st, b);
      if (!nx.length) continue;
      const k = key(nx);
      if (seen.has(k)) continue;
      seen.add(k);
      path.push(b);
      if (dfs(nx)) return true;
      path.pop();
    }
    return false;
  };
  return dfs(stacks) ? path : null;
}

export const decode = (bytes: number[]) => new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));

/**
 * The longest document a grammar allows, in bytes (Infinity when unbounded: free-form keys, arrays or
 * strings without a maximum, recursion). A model with a context longer than this always completes it.
 */
export function maxBytes(g: Grammar): number {
  const WS = MAX_WS; // the longest whitespace run between two tokens
  const visiting = new Set<number>();
  const size = (id: number): number => {
    if (visiting.has(id)) return Infinity;
    visiting.add(id);
    const n = g.nodes[id];
    let v: number;
    switch (n.t) {
      case 'union':
        v = Math.max(0, ...n.options.map(size));
        break;
      case 'object':
        v = n.free !== null ? Infinity : 2 + WS + n.props.reduce((sum, p) => sum + p.enc.length + 2 + 3 * WS + size(p.node), 0);
        break;
      case 'array':
        v = n.max === null ? Infinity : 2 + WS + n.max * (size(n.items) + 1 + 2 * WS);
        break;
      case 'string':
        v = n.max === null ? Infinity : 2 + 6 * n.max; // \uXXXX is the longest character
        break;
      case 'number':
        v = n.bounds ? 2 + n.intDigits + n.fracDigits : 36;
        break;
      case 'literal':
        v = Math.max(0, ...n.bytes.map((b) => b.length));
        break;
    }
    visiting.delete(id);
    return v;
  };
  return WS + size(g.root);
}
