// JSON Schema → Grammar: the subset that structured-output clients send (OpenAI's json_schema, Ollama's
// format, LangChain's withStructuredOutput via zod or pydantic). Anything outside it is refused with a
// SchemaError that names the keyword and where it is, never ignored: a reply that ignored a constraint
// would fail the client's own validation later, with no hint why.
//
// The grammar may accept fewer documents than the schema does (that is sound: every reply still
// validates). Properties are written in the declared order; an object with declared properties gets no
// other keys; numbers with bounds are written without exponents and with at most 6 decimals.
import { formatScaled, Matcher } from './automaton.js';
import { MAX_DEPTH, SchemaError, type GNode, type Grammar, type NumBounds, type OutputFormat, type Prop } from './grammar.js';

/** Keywords that describe rather than constrain: accepted and ignored, as JSON Schema says. */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$anchor',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
/** Keywords the grammar honours. */
export const SUPPORTED_KEYWORDS = [
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  '$ref',
  'nullable',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
] as const;
const SUPPORTED = new Set<string>(SUPPORTED_KEYWORDS);
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);
/** A guard against schemas that would make every step slow (each node is a few objects; masks are per state). */
const MAX_NODES = 5000;
/** Deepest nesting of schemas inside schemas (compiling recurses once a level). */
const MAX_NESTING = 100;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const ptr = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const enc = new TextEncoder();

function unsupported(keyword: string, path: string): SchemaError {
  const why: Record<string, string> = {
    pattern: 'regular expressions are not compiled into the grammar',
    format: 'string formats (date-time, email, uuid…) are not enforced',
    multipleOf: 'multiples are not enforced',
    uniqueItems: 'only uniqueItems: false',
    patternProperties: 'keys are not matched against patterns',
    prefixItems: 'tuples are not supported',
    not: 'negation is not supported',
  };
  return new SchemaError(
    `the JSON schema uses "${keyword}" at ${path}, which constrained decoding does not support${why[keyword] ? ` (${why[keyword]})` : ''}; supported: ${SUPPORTED_KEYWORDS.join(', ').replace('uniqueItems', 'uniqueItems (false)')} (see docs/serving.md)`,
    keyword,
    path,
  );
}

function literal(values: unknown[]): GNode {
  const texts = values.map((v) => JSON.stringify(v));
  return { t: 'literal', texts, bytes: texts.map((t) => enc.encode(t)) };
}

function nonNegativeInt(s: Json, key: string, path: string): number | undefined {
  const v = s[key];
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || (v as number) < 0) throw new SchemaError(`"${key}" at ${path} must be a non-negative integer`, key, path);
  return v as number;
}

class Compiler {
  readonly nodes: GNode[] = [];
  private readonly refs = new Map<string, number>();
  private anyId = -1;
  private readonly enums: { id: number; rest: number }[] = [];
  private readonly oneOfs: { options: number[]; path: string }[] = [];

  constructor(private readonly doc: unknown) {}

  private add(n: GNode): number {
    if (this.nodes.length >= MAX_NODES) throw new SchemaError(`the JSON schema is too large (over ${MAX_NODES} parts)`, null, '#');
    this.nodes.push(n);
    return this.nodes.length - 1;
  }

  /** Any JSON value. */
  any(): number {
    if (this.anyId >= 0) return this.anyId;
    const id = this.add({ t: 'union', options: [] });
    this.anyId = id;
    const options = [
      this.add({ t: 'object', props: [], free: id, lastRequired: -1 }),
      this.add({ t: 'array', items: id, min: 0, max: null }),
      this.add({ t: 'string', min: 0, max: null }),
      this.add(unboundedNumber(false)),
      this.add(literal([true, false, null])),
    ];
    this.nodes[id] = { t: 'union', options };
    return id;
  }

  /** A node for the schema `ref` points to; compiled once, so recursion is a cycle in the table. */
  ref(ref: unknown, path: string): number {
    if (typeof ref !== 'string') throw new SchemaError(`"$ref" at ${path} must be a string`, '$ref', path);
    const known = this.refs.get(ref);
    if (known !== undefined) return known;
    const target = this.resolve(ref, path);
    const id = this.add({ t: 'union', options: [] });
    this.refs.set(ref, id);
    const inner = this.compile(target, ref);
    this.nodes[id] = { t: 'union', options: [inner] };
    return id;
  }

  private resolve(ref: string, path: string): unknown {
    if (!ref.startsWith('#'))
      throw new SchemaError(
        `"$ref": ${JSON.stringify(ref)} at ${path} points outside the schema; only local references such as "#/$defs/Name" are supported`,
        '$ref',
        path,
      );
    let frag: string;
    try {
      frag = decodeURIComponent(ref.slice(1));
    } catch {
      throw new SchemaError(`"$ref": ${JSON.stringify(ref)} at ${path} is not a valid URI fragment`, '$ref', path);
    }
    if (frag === '') return this.doc;
    if (!frag.startsWith('/'))
      throw new SchemaError(
        `"$ref": ${JSON.stringify(ref)} at ${path} names an anchor; only JSON pointers (#/…) are supported`,
        '$ref',
        path,
      );
    let cur: unknown = this.doc;
    for (const raw of frag.slice(1).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if ((isObject(cur) || Array.isArray(cur)) && Object.prototype.hasOwnProperty.call(cur, key)) cur = (cur as Json)[key];
      else throw new SchemaError(`"$ref": ${JSON.stringify(ref)} at ${path} points to nothing in the schema`, '$ref', path);
    }
    return cur;
  }

  private nesting = 0;

  compile(s: unknown, path: string): number {
    if (++this.nesting > MAX_NESTING)
      throw new SchemaError(`the JSON schema nests deeper than ${MAX_NESTING} levels (at ${path})`, null, path);
    try {
      return this.compileSchema(s, path);
    } finally {
      this.nesting--;
    }
  }

  private compileSchema(s: unknown, path: string): number {
    if (s === true) return this.any();
    if (s === false) return this.add(literal([]));
    if (!isObject(s)) throw new SchemaError(`the schema at ${path} must be an object or a boolean`, null, path);
    for (const key of Object.keys(s))
      if (!ANNOTATIONS.has(key) && !key.startsWith('x-') && !SUPPORTED.has(key)) throw unsupported(key, path);
    const constraints = Object.keys(s).filter((k) => !ANNOTATIONS.has(k) && !k.startsWith('x-') && k !== 'nullable');
    if (s.nullable !== undefined && typeof s.nullable !== 'boolean')
      throw new SchemaError(`"nullable" at ${path} must be true or false`, 'nullable', path);
    const id = this.compileConstraints(s, path, constraints);
    return s.nullable === true ? this.add({ t: 'union', options: [id, this.add(literal([null]))] }) : id;
  }

  private compileConstraints(s: Json, path: string, keys: string[]): number {
    const combinators = keys.filter((k) => k === '$ref' || k === 'anyOf' || k === 'oneOf' || k === 'allOf');
    if (combinators.length) {
      const kw = combinators[0];
      const other = keys.find((k) => k !== kw);
      if (other)
        throw new SchemaError(
          `"${kw}" together with "${other}" at ${path} is not supported; move "${other}" into the referenced or listed schemas`,
          other,
          path,
        );
      if (kw === '$ref') return this.ref(s.$ref, path);
      const list = s[kw];
      if (!Array.isArray(list) || !list.length) throw new SchemaError(`"${kw}" at ${path} must be a non-empty list of schemas`, kw, path);
      if (kw === 'allOf' && list.length !== 1)
        throw new SchemaError(
          `"allOf" at ${path} lists ${list.length} schemas; only a single one is supported (merge them, or use anyOf)`,
          'allOf',
          path,
        );
      const options = list.map((b, i) => this.compile(b, `${path}/${kw}/${i}`));
      if (kw === 'oneOf') this.oneOfs.push({ options, path });
      return options.length === 1 ? options[0] : this.add({ t: 'union', options });
    }
    if (s.enum !== undefined || s.const !== undefined) {
      let values: unknown[];
      if (s.enum !== undefined) {
        if (!Array.isArray(s.enum)) throw new SchemaError(`"enum" at ${path} must be a list`, 'enum', path);
        values = s.enum;
        if (s.const !== undefined) values = values.filter((v) => JSON.stringify(v) === JSON.stringify(s.const));
      } else values = [s.const];
      const id = this.add(literal(values));
      // The other keywords (type, maxLength…) still hold: values they exclude are dropped once the grammar is built.
      const rest = keys.filter((k) => k !== 'enum' && k !== 'const');
      if (rest.length) this.enums.push({ id, rest: this.compileTyped(s, path, rest) });
      return id;
    }
    return this.compileTyped(s, path, keys);
  }

  private compileTyped(s: Json, path: string, keys: string[]): number {
    let types: string[];
    if (s.type === undefined) {
      // No type: JSON Schema allows every type, each family of keywords constraining its own. Writing only
      // the types the keywords are about is sound, and what such a schema means in practice.
      const has = (...k: string[]) => k.some((x) => keys.includes(x));
      types = [];
      if (has('properties', 'required', 'additionalProperties')) types.push('object');
      if (has('items', 'minItems', 'maxItems', 'uniqueItems')) types.push('array');
      if (has('minLength', 'maxLength')) types.push('string');
      if (has('minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum')) types.push('number');
      if (!types.length) return this.any();
    } else {
      const list = typeof s.type === 'string' ? [s.type] : s.type;
      if (!Array.isArray(list) || !list.length || list.some((t) => typeof t !== 'string'))
        throw new SchemaError(`"type" at ${path} must be a type name or a list of them`, 'type', path);
      for (const t of list as string[])
        if (!TYPES.has(t))
          throw new SchemaError(
            `"type": ${JSON.stringify(t)} at ${path} is not a JSON Schema type (${[...TYPES].join(', ')})`,
            'type',
            path,
          );
      types = [...new Set(list as string[])];
      if (types.includes('number')) types = types.filter((t) => t !== 'integer');
    }
    const options = types.map((t) => this.typed(t, s, path));
    return options.length === 1 ? options[0] : this.add({ t: 'union', options });
  }

  private typed(type: string, s: Json, path: string): number {
    switch (type) {
      case 'object':
        return this.object(s, path);
      case 'array': {
        if (Array.isArray(s.items))
          throw new SchemaError(`"items" at ${path} is a list (a tuple); only one schema for every item is supported`, 'items', path);
        if (s.uniqueItems !== undefined && s.uniqueItems !== false) throw unsupported('uniqueItems', path);
        const min = nonNegativeInt(s, 'minItems', path) ?? 0;
        const max = nonNegativeInt(s, 'maxItems', path) ?? null;
        const items = s.items === undefined ? this.any() : this.compile(s.items, `${path}/items`);
        return this.add({ t: 'array', items, min, max });
      }
      case 'string':
        return this.add({ t: 'string', min: nonNegativeInt(s, 'minLength', path) ?? 0, max: nonNegativeInt(s, 'maxLength', path) ?? null });
      case 'number':
      case 'integer':
        return this.add(numberNode(s, type === 'integer', path));
      case 'boolean':
        return this.add(literal([true, false]));
      default:
        return this.add(literal([null]));
    }
  }

  private object(s: Json, path: string): number {
    const properties = s.properties ?? {};
    if (!isObject(properties)) throw new SchemaError(`"properties" at ${path} must be an object`, 'properties', path);
    const required = s.required ?? [];
    if (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))
      throw new SchemaError(`"required" at ${path} must be a list of property names`, 'required', path);
    const ap = s.additionalProperties;
    const closed = ap === false;
    const extra = ap === undefined || ap === true || ap === false ? null : this.compile(ap, `${path}/additionalProperties`);
    const id = this.add({ t: 'object', props: [], free: null, lastRequired: -1 });
    const props: Prop[] = Object.entries(properties).map(([name, sub]) => ({
      name,
      enc: enc.encode(JSON.stringify(name)),
      node: this.compile(sub, `${path}/properties/${ptr(name)}`),
      required: required.includes(name),
    }));
    for (const name of new Set(required as string[])) {
      if (Object.prototype.hasOwnProperty.call(properties, name)) continue;
      if (closed)
        throw new SchemaError(
          `required property ${JSON.stringify(name)} at ${path} is not in "properties" and additionalProperties is false, so no object can satisfy it`,
          'required',
          path,
        );
      props.push({ name, enc: enc.encode(JSON.stringify(name)), node: extra ?? this.any(), required: true });
    }
    // With declared properties the reply lists only those (sound for any additionalProperties); without
    // any, keys are free-form unless additionalProperties is false.
    this.nodes[id] = { t: 'object', props, free: props.length || closed ? null : (extra ?? this.any()), lastRequired: -1 };
    return id;
  }

  /** Enum values the rest of their schema excludes are dropped; then unproductive parts are pruned. */
  finish(root: number): Grammar {
    const g: Grammar = { nodes: this.nodes, root, height: [] };
    const m = new Matcher(g);
    for (const { id, rest } of this.enums) {
      const n = this.nodes[id] as Extract<GNode, { t: 'literal' }>;
      const keep = n.texts.map((t) => m.acceptsText(rest, t));
      this.nodes[id] = { t: 'literal', texts: n.texts.filter((_, i) => keep[i]), bytes: n.bytes.filter((_, i) => keep[i]) };
    }
    g.height = heights(this.nodes);
    prune(this.nodes, g.height);
    for (const { options, path } of this.oneOfs) checkDisjoint(this.nodes, options, path);
    if (!Number.isFinite(g.height[root]))
      throw new SchemaError(
        'the JSON schema allows no value (an empty enum, minimum above maximum, a required property that cannot exist…)',
        null,
        '#',
      );
    if (g.height[root] > MAX_DEPTH)
      throw new SchemaError(`the JSON schema requires objects or arrays nested deeper than ${MAX_DEPTH} levels`, null, '#');
    return g;
  }
}

function unboundedNumber(integer: boolean): GNode {
  return { t: 'number', integer, intDigits: 15, fracDigits: integer ? 0 : 15, exponent: !integer, bounds: null };
}

function bound(s: Json, key: 'minimum' | 'maximum', exKey: 'exclusiveMinimum' | 'exclusiveMaximum', path: string): NumBounds['lo'] {
  const v = s[key];
  const ex = s[exKey];
  const num = (x: unknown, k: string) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new SchemaError(`"${k}" at ${path} must be a number`, k, path);
    return x;
  };
  // Draft 4 / OpenAPI 3.0: exclusiveMinimum is a boolean about minimum; later drafts: a number of its own.
  if (typeof ex === 'boolean') return v === undefined ? null : { value: num(v, key), exclusive: ex };
  const inclusive = v === undefined ? null : num(v, key);
  const exclusive = ex === undefined ? null : num(ex, exKey);
  if (inclusive === null) return exclusive === null ? null : { value: exclusive, exclusive: true };
  if (exclusive === null) return { value: inclusive, exclusive: false };
  // both: the tighter one
  const tighter = key === 'minimum' ? exclusive >= inclusive : exclusive <= inclusive;
  return tighter ? { value: exclusive, exclusive: true } : { value: inclusive, exclusive: false };
}

/**
 * A number node. Bounded numbers are written as at most 15 digits in all (integers) or 9 before and 6
 * after the point, so every value the matcher weighs is an exact integer count of 10^-6 and the bounds
 * become an interval of those counts, checked against the exact text JSON.parse will read.
 */
function numberNode(s: Json, integer: boolean, path: string): GNode {
  const lo = bound(s, 'minimum', 'exclusiveMinimum', path);
  const hi = bound(s, 'maximum', 'exclusiveMaximum', path);
  if (!lo && !hi) return unboundedNumber(integer);
  const intDigits = integer ? 15 : 9;
  const fracDigits = integer ? 0 : 6;
  const scale = 10 ** fracDigits;
  const maxMag = 10 ** (intDigits + fracDigits) - 1;
  const val = (x: number) => Number(formatScaled(x, fracDigits));
  const okLo = (v: number) => !lo || (lo.exclusive ? v > lo.value : v >= lo.value);
  const okHi = (v: number) => !hi || (hi.exclusive ? v < hi.value : v <= hi.value);
  const clamp = (x: number, a: number, b: number) => Math.min(Math.max(x, a), b);
  let loS = -maxMag;
  if (lo) {
    loS = clamp(Math.ceil(lo.value * scale), -maxMag, maxMag + 1);
    while (loS > -maxMag && okLo(val(loS - 1))) loS--;
    while (loS <= maxMag && !okLo(val(loS))) loS++;
  }
  let hiS = maxMag;
  if (hi) {
    hiS = clamp(Math.floor(hi.value * scale), -maxMag - 1, maxMag);
    while (hiS < maxMag && okHi(val(hiS + 1))) hiS++;
    while (hiS >= -maxMag && !okHi(val(hiS))) hiS--;
  }
  // Bounds wider than 15 digits (zod's safe-integer range) bound nothing an integer here can be.
  if (integer && loS === -maxMag && hiS === maxMag) return unboundedNumber(true);
  return { t: 'number', integer, intDigits, fracDigits, exponent: false, bounds: { lo, hi, loS, hiS } };
}

/** Fewest levels of objects/arrays a value of each node needs (0 for scalars); Infinity where none exists. */
function heights(nodes: GNode[]): number[] {
  const h = nodes.map(() => Infinity);
  for (let changed = true; changed;) {
    changed = false;
    nodes.forEach((n, id) => {
      let v = Infinity;
      switch (n.t) {
        case 'union':
          for (const o of n.options) v = Math.min(v, h[o]);
          break;
        case 'object':
          v = 1;
          for (const p of n.props) if (p.required) v = Math.max(v, 1 + h[p.node]);
          break;
        case 'array':
          v = n.max !== null && n.min > n.max ? Infinity : n.min === 0 ? 1 : 1 + h[n.items];
          break;
        case 'string':
          v = n.max !== null && n.min > n.max ? Infinity : 0;
          break;
        case 'number':
          v = !n.bounds || n.bounds.loS <= n.bounds.hiS ? 0 : Infinity;
          break;
        case 'literal':
          v = n.texts.length ? 0 : Infinity;
          break;
      }
      if (v < h[id]) {
        h[id] = v;
        changed = true;
      }
    });
  }
  return h;
}

/** Removes what cannot be written: union branches, optional properties and items with no value. */
function prune(nodes: GNode[], h: number[]): void {
  nodes.forEach((n, id) => {
    if (n.t === 'union') nodes[id] = { t: 'union', options: n.options.filter((o) => Number.isFinite(h[o])) };
    else if (n.t === 'object') {
      const props = n.props.filter((p) => p.required || Number.isFinite(h[p.node]));
      let lastRequired = -1;
      props.forEach((p, i) => p.required && (lastRequired = i));
      nodes[id] = { t: 'object', props, free: n.free !== null && Number.isFinite(h[n.free]) ? n.free : null, lastRequired };
    } else if (n.t === 'array' && !Number.isFinite(h[n.items])) nodes[id] = { ...n, max: 0 };
  });
}

/** JSON types a node can produce. */
function kinds(nodes: GNode[], id: number, seen = new Set<number>()): Set<string> {
  const out = new Set<string>();
  if (seen.has(id)) return out;
  seen.add(id);
  const n = nodes[id];
  if (n.t === 'union') for (const o of n.options) for (const k of kinds(nodes, o, seen)) out.add(k);
  else if (n.t === 'literal')
    for (const t of n.texts) {
      const v: unknown = JSON.parse(t);
      out.add(v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);
    }
  else out.add(n.t);
  return out;
}

/** oneOf means exactly one branch matches; with branches of distinct types, that is what anyOf gives. */
function checkDisjoint(nodes: GNode[], options: number[], path: string): void {
  const seen = new Map<string, number>();
  options.forEach((o, i) => {
    for (const k of kinds(nodes, o)) {
      if (seen.has(k))
        throw new SchemaError(
          `"oneOf" at ${path}: branches ${seen.get(k)} and ${i} can both be a ${k}; only oneOf whose branches have different types is supported (use anyOf)`,
          'oneOf',
          path,
        );
      seen.set(k, i);
    }
  });
}

/** Compiles what the client asked for; a SchemaError says what cannot be honoured. */
export function compileFormat(format: OutputFormat): Grammar {
  // Ollama's "json" grammar and OpenAI's json_object both want a JSON object at the top.
  const schema = format.type === 'json' ? { type: 'object' } : format.schema;
  const c = new Compiler(schema);
  return c.finish(c.ref('#', '#'));
}
