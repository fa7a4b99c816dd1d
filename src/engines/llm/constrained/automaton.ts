// A byte-level pushdown matcher for JSON shaped by a Grammar: fed one byte at a time, it says whether the
// bytes so far are the start of a document the grammar accepts, and whether they already are one. It
// works on bytes, not characters, so a token that ends in the middle of a UTF-8 character is judged like
// any other prefix (the string frame tracks the continuation bytes still owed).
//
// A state is a small set of stacks (usually one). Each stack is an immutable linked list of frames, so a
// step never copies the stack below its top frame and the token masker can try thousands of tokens from
// the same state cheaply. A set rather than one stack because anyOf branches may share a prefix
// ({"a":1} vs {"a":"x"}); each branch runs until the bytes rule it out. Every frame has a string key, and
// equal keys mean equal futures, which is what the mask cache keys on.
import { MAX_DEPTH, MAX_WS, type GNode, type Grammar, type NumBounds } from './grammar.js';

type ObjPhase = 'open' | 'colon' | 'value' | 'next' | 'comma';
type ArrPhase = 'open' | 'next' | 'comma';
type NumPhase = 'sign' | 'zero' | 'int' | 'dot' | 'frac' | 'e' | 'esign' | 'exp';

type Frame =
  | { kind: 'root'; done: boolean; ws: number }
  /** prop: the declared property whose value comes next (-1: a free-form key's, or none). */
  | { kind: 'obj'; node: number; phase: ObjPhase; pos: number; prop: number; ws: number }
  | { kind: 'arr'; node: number; phase: ArrPhase; count: number; ws: number }
  /** len: characters so far (saturating); u: UTF-8 continuation state; esc: escape state; key: a free-form object key. */
  | { kind: 'str'; node: number; len: number; u: number; esc: number; key: boolean }
  /** An object key among declared properties `cands`, `off` bytes of its encoding matched. */
  | { kind: 'key'; node: number; cands: readonly number[]; off: number }
  | { kind: 'lit'; node: number; cands: readonly number[]; off: number }
  | { kind: 'num'; node: number; phase: NumPhase; text: string; shape: boolean };

/** A frame on top of the frames below it. Keys are built only when asked for (the mask cache, dedup). */
export class Stack {
  private memo: string | undefined;
  /** Objects and arrays open in this stack. */
  readonly depth: number;
  constructor(
    readonly f: Frame,
    readonly up: Stack | null,
  ) {
    this.depth = (up?.depth ?? 0) + (f.kind === 'obj' || f.kind === 'arr' ? 1 : 0);
  }

  /** This frame's key and all below it: equal keys, equal futures. */
  get key(): string {
    return (this.memo ??= this.up ? `${frameKey(this.f)}/${this.up.key}` : frameKey(this.f));
  }
}

function frameKey(f: Frame): string {
  switch (f.kind) {
    case 'root':
      return `R${f.done ? 1 : 0}.${f.ws}`;
    case 'obj':
      return `O${f.node}.${f.phase}.${f.pos}.${f.prop}.${f.ws}`;
    case 'arr':
      return `A${f.node}.${f.phase}.${f.count}.${f.ws}`;
    case 'str':
      return `S${f.node}.${f.len}.${f.u}.${f.esc}.${f.key ? 1 : 0}`;
    case 'key':
      return `K${f.node}.${f.off}.${f.cands.join(',')}`;
    case 'lit':
      return `L${f.node}.${f.off}.${f.cands.join(',')}`;
    case 'num':
      // Unbounded numbers only need the counts that limit them, so equal shapes share a key (and a mask).
      return `N${f.node}.${f.phase}.${f.shape ? shapeKey(f.text, f.phase) : f.text}`;
  }
}

const QUOTE = 0x22,
  BACKSLASH = 0x5c,
  COMMA = 0x2c,
  COLON = 0x3a,
  LBRACE = 0x7b,
  RBRACE = 0x7d,
  LBRACK = 0x5b,
  RBRACK = 0x5d,
  MINUS = 0x2d,
  PLUS = 0x2b,
  DOT = 0x2e,
  ZERO = 0x30,
  NINE = 0x39;

const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;
const isDigit = (b: number) => b >= ZERO && b <= NINE;
const isHex = (b: number) => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
/** Characters after a backslash that make a JSON escape (u starts \uXXXX). */
const SIMPLE_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/**
 * Whitespace between tokens: at most MAX_WS spaces, no newlines or tabs. The reply stays valid JSON and
 * compact; a small model that likes whitespace (or indentation) would otherwise spend its budget on it, a
 * known failure of grammars with unbounded `ws*`. ws counts the spaces of the current run.
 */
function nextWs(ws: number, b: number): number {
  return b === 0x20 && ws < MAX_WS ? ws + 1 : -1;
}

// UTF-8: the byte range the next continuation byte must fall in (Unicode's table of well-formed sequences),
// so that overlong forms, surrogates and code points above U+10FFFF are never written.
const CONT_RANGES: readonly [number, number][] = [
  [0x80, 0xbf],
  [0xa0, 0xbf], // after E0
  [0x80, 0x9f], // after ED
  [0x90, 0xbf], // after F0
  [0x80, 0x8f], // after F4
];
/** UTF-8 state after a lead byte: (continuation bytes still owed << 3) | range index; 0 when not a lead byte. */
function leadState(b: number): number {
  if (b >= 0xc2 && b <= 0xdf) return (1 << 3) | 0;
  if (b === 0xe0) return (2 << 3) | 1;
  if (b === 0xed) return (2 << 3) | 2;
  if (b >= 0xe1 && b <= 0xef) return (2 << 3) | 0;
  if (b === 0xf0) return (3 << 3) | 3;
  if (b === 0xf4) return (3 << 3) | 4;
  if (b >= 0xf1 && b <= 0xf3) return (3 << 3) | 0;
  return 0;
}

// ---- frames ----------------------------------------------------------------------------------------

const rootF = (done: boolean, ws: number): Frame => ({ kind: 'root', done, ws });
const objF = (node: number, phase: ObjPhase, pos: number, prop: number, ws: number): Frame => ({
  kind: 'obj',
  node,
  phase,
  pos,
  prop,
  ws,
});
const arrF = (node: number, phase: ArrPhase, count: number, ws: number): Frame => ({
  kind: 'arr',
  node,
  phase,
  count,
  ws,
});
const strF = (node: number, len: number, u: number, esc: number, key: boolean): Frame => ({
  kind: 'str',
  node,
  len,
  u,
  esc,
  key,
});
const keyF = (node: number, cands: readonly number[], off: number): Frame => ({
  kind: 'key',
  node,
  cands,
  off,
});
const litF = (node: number, cands: readonly number[], off: number): Frame => ({
  kind: 'lit',
  node,
  cands,
  off,
});

function push(f: Frame, up: Stack | null): Stack {
  return new Stack(f, up);
}

/** The same stack with its top frame's whitespace count reset (a value starts: the run before it no longer matters). */
function settled(s: Stack): Stack {
  const f = s.f;
  if (f.kind === 'obj' && f.ws) return push(objF(f.node, f.phase, f.pos, f.prop, 0), s.up);
  if (f.kind === 'arr' && f.ws) return push(arrF(f.node, f.phase, f.count, 0), s.up);
  if (f.kind === 'root' && f.ws) return push(rootF(f.done, 0), s.up);
  return s;
}

type NumNode = Extract<GNode, { t: 'number' }>;

export class Matcher {
  constructor(readonly g: Grammar) {}

  /** The state before any byte. */
  initial(): Stack[] {
    return [push(rootF(false, 0), null)];
  }

  /** The states after byte `b` (empty: `b` cannot continue any of them). */
  feed(stacks: readonly Stack[], b: number): Stack[] {
    const out: Stack[] = [];
    for (const s of stacks) this.step(s, b, out);
    if (out.length < 2) return out;
    const seen = new Set<string>();
    return out.filter((s) => !seen.has(s.key) && (seen.add(s.key), true));
  }

  /** Feeds a byte string; empty when some byte does not fit. */
  feedAll(stacks: readonly Stack[], bytes: ArrayLike<number>): Stack[] {
    let st = stacks as Stack[];
    for (let i = 0; i < bytes.length && st.length; i++) st = this.feed(st, bytes[i]);
    return st;
  }

  /** Whether the bytes so far are a complete document (end of output allowed here). */
  canEnd(stacks: readonly Stack[]): boolean {
    return stacks.some((s) => this.canEndOne(s));
  }

  /** Whether `text` is a document of node `node` (used to keep only the enum values the rest of a schema allows). */
  acceptsText(node: number, text: string): boolean {
    const bytes = new TextEncoder().encode(text);
    let st: Stack[] = [];
    if (!bytes.length) return false;
    this.startValue(node, push(rootF(false, 0), null), bytes[0], st);
    st = this.feedAll(st, bytes.subarray(1));
    return this.canEnd(st);
  }

  private canEndOne(s: Stack): boolean {
    const f = s.f;
    if (f.kind === 'root') return f.done;
    if (f.kind === 'num') return this.numComplete(this.g.nodes[f.node] as NumNode, f.phase, f.text) && this.canEndOne(this.complete(s.up!));
    if (f.kind === 'lit') return this.litCompleteHere(f.node, f.cands, f.off) && this.canEndOne(this.complete(s.up!));
    return false;
  }

  /** The parent's state once the value on top of it is complete. */
  private complete(up: Stack): Stack {
    const f = up.f;
    if (f.kind === 'root') return push(rootF(true, 0), up.up);
    if (f.kind === 'obj') return push(objF(f.node, 'next', f.pos, -1, 0), up.up);
    if (f.kind === 'arr') {
      const n = this.g.nodes[f.node] as Extract<GNode, { t: 'array' }>;
      const cap = n.max ?? n.min; // counting further changes nothing
      return push(arrF(f.node, 'next', Math.min(f.count + 1, cap), 0), up.up);
    }
    throw new Error(`a ${f.kind} frame cannot hold a value`);
  }

  /** Byte `b` starts a value of node `id` on top of `up`. */
  private startValue(id: number, up: Stack, b: number, out: Stack[]): void {
    const n = this.g.nodes[id];
    switch (n.t) {
      case 'union':
        for (const o of n.options) this.startValue(o, up, b, out);
        return;
      // Opened only where the levels the value needs still fit under MAX_DEPTH, so no state is a dead end.
      case 'object':
        if (b === LBRACE && up.depth + (this.g.height[id] ?? 1) <= MAX_DEPTH) out.push(push(objF(id, 'open', 0, -1, 0), up));
        return;
      case 'array':
        if (b === LBRACK && up.depth + (this.g.height[id] ?? 1) <= MAX_DEPTH) out.push(push(arrF(id, 'open', 0, 0), up));
        return;
      case 'string':
        if (b === QUOTE) out.push(push(strF(id, 0, 0, 0, false), up));
        return;
      case 'number': {
        if (b !== MINUS && !isDigit(b)) return;
        const f = this.numNext(n, id, 'sign', '', b, true);
        if (f) out.push(push(f, up));
        return;
      }
      case 'literal': {
        const cands: number[] = [];
        for (let j = 0; j < n.bytes.length; j++) if (n.bytes[j][0] === b) cands.push(j);
        if (cands.length) this.pushLit(id, cands, 1, up, out);
        return;
      }
    }
  }

  private litCompleteHere(node: number, cands: readonly number[], off: number): boolean {
    const bytes = (this.g.nodes[node] as Extract<GNode, { t: 'literal' }>).bytes;
    return cands.some((j) => bytes[j].length === off);
  }

  /** A literal matched up to `off`: done at once when no candidate is longer, else a frame that waits. */
  private pushLit(node: number, cands: number[], off: number, up: Stack, out: Stack[]): void {
    const bytes = (this.g.nodes[node] as Extract<GNode, { t: 'literal' }>).bytes;
    if (cands.every((j) => bytes[j].length === off)) out.push(this.complete(up));
    else out.push(push(litF(node, cands, off), up));
  }

  private step(s: Stack, b: number, out: Stack[]): void {
    const f = s.f;
    const g = this.g;
    switch (f.kind) {
      case 'root': {
        if (f.done) return;
        if (isWs(b)) {
          const w = nextWs(f.ws, b);
          if (w >= 0) out.push(push(rootF(false, w), s.up));
          return;
        }
        this.startValue(g.root, settled(s), b, out);
        return;
      }
      case 'obj': {
        const n = g.nodes[f.node] as Extract<GNode, { t: 'object' }>;
        if (isWs(b)) {
          const w = nextWs(f.ws, b);
          if (w >= 0) out.push(push(objF(f.node, f.phase, f.pos, f.prop, w), s.up));
          return;
        }
        switch (f.phase) {
          case 'open':
          case 'comma':
            if (b === QUOTE) this.startKey(n, settled(s), out);
            else if (b === RBRACE && f.phase === 'open' && f.pos > n.lastRequired) out.push(this.complete(s.up!));
            return;
          case 'colon':
            if (b === COLON) out.push(push(objF(f.node, 'value', f.pos, f.prop, 0), s.up));
            return;
          case 'value':
            this.startValue(f.prop >= 0 ? n.props[f.prop].node : n.free!, settled(s), b, out);
            return;
          case 'next':
            if (b === COMMA && (n.free !== null || f.pos < n.props.length)) out.push(push(objF(f.node, 'comma', f.pos, -1, 0), s.up));
            else if (b === RBRACE && f.pos > n.lastRequired) out.push(this.complete(s.up!));
            return;
        }
        return;
      }
      case 'arr': {
        const n = g.nodes[f.node] as Extract<GNode, { t: 'array' }>;
        if (isWs(b)) {
          const w = nextWs(f.ws, b);
          if (w >= 0) out.push(push(arrF(f.node, f.phase, f.count, w), s.up));
          return;
        }
        if (f.phase === 'next') {
          if (b === COMMA && (n.max === null || f.count < n.max)) out.push(push(arrF(f.node, 'comma', f.count, 0), s.up));
          else if (b === RBRACK && f.count >= n.min) out.push(this.complete(s.up!));
          return;
        }
        if (f.phase === 'open' && b === RBRACK) {
          if (n.min === 0) out.push(this.complete(s.up!));
          return;
        }
        if (n.max === null || n.max > 0) this.startValue(n.items, settled(s), b, out);
        return;
      }
      case 'key': {
        const props = (g.nodes[f.node] as Extract<GNode, { t: 'object' }>).props;
        const next: number[] = [];
        for (const j of f.cands) if (props[j].enc[f.off] === b) next.push(j);
        if (!next.length) return;
        const off = f.off + 1;
        // Encodings end with an unescaped quote, so none is a prefix of another: one left at its end is the key.
        if (next.length === 1 && props[next[0]].enc.length === off) {
          const o = s.up!.f as Extract<Frame, { kind: 'obj' }>;
          out.push(push(objF(o.node, 'colon', next[0] + 1, next[0], 0), s.up!.up));
        } else out.push(push(keyF(f.node, next, off), s.up));
        return;
      }
      case 'str':
        this.stepString(s, f, b, out);
        return;
      case 'lit': {
        const bytes = (g.nodes[f.node] as Extract<GNode, { t: 'literal' }>).bytes;
        const next: number[] = [];
        for (const j of f.cands) if (bytes[j].length > f.off && bytes[j][f.off] === b) next.push(j);
        if (next.length) this.pushLit(f.node, next, f.off + 1, s.up!, out);
        // A literal that is complete here and also the start of a longer one (1 and 10) ends at the next byte.
        if (this.litCompleteHere(f.node, f.cands, f.off)) this.step(this.complete(s.up!), b, out);
        return;
      }
      case 'num': {
        const n = g.nodes[f.node] as NumNode;
        const nx = this.numNext(n, f.node, f.phase, f.text, b, false);
        if (nx) out.push(push(nx, s.up));
        // A number ends at the first byte that cannot continue it, which then belongs to the parent.
        else if (this.numComplete(n, f.phase, f.text)) this.step(this.complete(s.up!), b, out);
        return;
      }
    }
  }

  private startKey(n: Extract<GNode, { t: 'object' }>, obj: Stack, out: Stack[]): void {
    const o = obj.f as Extract<Frame, { kind: 'obj' }>;
    if (n.props.length) {
      // In declared order: any property from pos up to and including the next required one.
      const cands: number[] = [];
      for (let j = o.pos; j < n.props.length; j++) {
        cands.push(j);
        if (n.props[j].required) break;
      }
      if (cands.length) out.push(push(keyF(o.node, cands, 1), obj));
    } else if (n.free !== null) out.push(push(strF(-1, 0, 0, 0, true), obj));
  }

  private stepString(s: Stack, f: Extract<Frame, { kind: 'str' }>, b: number, out: Stack[]): void {
    const n = f.node >= 0 ? (this.g.nodes[f.node] as Extract<GNode, { t: 'string' }>) : null;
    const min = n?.min ?? 0;
    const max = n?.max ?? null;
    const cap = max ?? min;
    const charDone = () => {
      const len = Math.min(f.len + 1, cap);
      // the common case (no length left to count): the same state, no allocation
      out.push(len === f.len && !f.u && !f.esc ? s : push(strF(f.node, len, 0, 0, f.key), s.up));
    };
    if (f.esc === 1) {
      if (b === 0x75) out.push(push(strF(f.node, f.len, 0, 2, f.key), s.up));
      else if (SIMPLE_ESCAPES.has(b)) charDone();
      return;
    }
    if (f.esc >= 2) {
      // \uXXXX: esc = 2 + hex digits read; 10 = read a first digit d/D, so the second must be 0-7 (no
      // surrogate escapes: a lone one is not a character, and a pair would count as two for maxLength).
      if (!isHex(b)) return;
      if (f.esc === 2) out.push(push(strF(f.node, f.len, 0, b === 0x64 || b === 0x44 ? 10 : 3, f.key), s.up));
      else if (f.esc === 10) {
        if (b >= ZERO && b <= 0x37) out.push(push(strF(f.node, f.len, 0, 4, f.key), s.up));
      } else if (f.esc < 5) out.push(push(strF(f.node, f.len, 0, f.esc + 1, f.key), s.up));
      else charDone();
      return;
    }
    if (f.u) {
      const [lo, hi] = CONT_RANGES[f.u & 7];
      if (b < lo || b > hi) return;
      const owed = (f.u >> 3) - 1;
      if (owed) out.push(push(strF(f.node, f.len, owed << 3, 0, f.key), s.up));
      else charDone();
      return;
    }
    if (b === QUOTE) {
      if (f.len < min) return;
      if (f.key) {
        const o = s.up!.f as Extract<Frame, { kind: 'obj' }>;
        out.push(push(objF(o.node, 'colon', o.pos, -1, 0), s.up!.up));
      } else out.push(this.complete(s.up!));
      return;
    }
    if (b < 0x20) return; // control characters must be escaped
    if (max !== null && f.len >= max) return;
    if (b === BACKSLASH) out.push(push(strF(f.node, f.len, 0, 1, f.key), s.up));
    else if (b < 0x80) charDone();
    else {
      const u = leadState(b);
      // Under a maxLength, no character outside the BMP: JSON Schema counts one per code point, but zod and
      // JavaScript's .length count its two UTF-16 units, so a client's own check could refuse the reply.
      if (u && !(max !== null && b >= 0xf0)) out.push(push(strF(f.node, f.len, u, 0, f.key), s.up));
    }
  }

  // ---- numbers ---------------------------------------------------------------------------------------

  private numComplete(n: NumNode, phase: NumPhase, text: string): boolean {
    if (phase !== 'zero' && phase !== 'int' && phase !== 'frac' && phase !== 'exp') return false;
    return !n.bounds || inBounds(n.bounds, Number(text));
  }

  /** The number frame after byte `b`, or null when `b` cannot continue it. */
  private numNext(n: NumNode, node: number, phase: NumPhase, text: string, b: number, first: boolean): Frame | null {
    const t = text + String.fromCharCode(b);
    let next: NumPhase | null = null;
    const intLen = () => t.replace('-', '').length;
    const fracLen = () => t.length - t.indexOf('.') - 1;
    if (first) next = b === MINUS ? 'sign' : b === ZERO ? 'zero' : 'int';
    else
      switch (phase) {
        case 'sign':
          if (isDigit(b)) next = b === ZERO ? 'zero' : 'int';
          break;
        case 'zero':
        case 'int':
          if (isDigit(b) && phase === 'int' && intLen() <= n.intDigits) next = 'int';
          else if (b === DOT && n.fracDigits > 0) next = 'dot';
          else if ((b === 0x65 || b === 0x45) && n.exponent) next = 'e';
          break;
        case 'dot':
          if (isDigit(b)) next = 'frac';
          break;
        case 'frac':
          if (isDigit(b) && fracLen() <= n.fracDigits) next = 'frac';
          else if ((b === 0x65 || b === 0x45) && n.exponent) next = 'e';
          break;
        case 'e':
          if (b === PLUS || b === MINUS) next = 'esign';
          else if (isDigit(b)) next = 'exp';
          break;
        case 'esign':
          if (isDigit(b)) next = 'exp';
          break;
        case 'exp':
          // two exponent digits keep every value a finite double
          if (isDigit(b) && !/\d\d$/.test(text)) next = 'exp';
          break;
      }
    if (!next) return null;
    if (n.bounds && !feasible(n, t)) return null;
    return { kind: 'num', node, phase: next, text: t, shape: !n.bounds };
  }
}

/** Digit counts of a number's text: what an unbounded number's future depends on. */
function shapeKey(t: string, phase: NumPhase): string {
  if (phase === 'sign' || phase === 'zero') return t;
  const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE][+-]?(\d*))?$/.exec(t)!;
  return `${m[1]}${m[2].length}.${m[3]?.length ?? ''}.${m[4]?.length ?? ''}`;
}

export function inBounds(b: NumBounds, v: number): boolean {
  if (b.lo && (b.lo.exclusive ? !(v > b.lo.value) : !(v >= b.lo.value))) return false;
  if (b.hi && (b.hi.exclusive ? !(v < b.hi.value) : !(v <= b.hi.value))) return false;
  return true;
}

/** A value in units of 10^-frac as the decimal text the matcher would write. */
export function formatScaled(s: number, frac: number): string {
  const neg = s < 0;
  const digits = String(Math.abs(s)).padStart(frac + 1, '0');
  const int = digits.slice(0, digits.length - frac);
  const fr = frac ? digits.slice(digits.length - frac).replace(/0+$/, '') : '';
  return `${neg ? '-' : ''}${int}${fr ? `.${fr}` : ''}`;
}

/**
 * Whether the number prefix `t` (no exponent: bounded numbers write none) can still become a value within
 * the bounds. The values it can become form intervals of scaled integers; the bounds were turned into the
 * interval [loS, hiS] of scaled values that satisfy them exactly, so a non-empty intersection means a
 * completion exists.
 */
function feasible(n: NumNode, t: string): boolean {
  const b = n.bounds!;
  const neg = t.startsWith('-');
  const body = neg ? t.slice(1) : t;
  const dot = body.indexOf('.');
  const I = dot < 0 ? body : body.slice(0, dot);
  const F = dot < 0 ? null : body.slice(dot + 1);
  const fr = n.fracDigits;
  const scale = 10 ** fr;
  const maxMag = 10 ** (n.intDigits + fr) - 1;
  const spans: [number, number][] = [];
  if (F !== null) {
    const base = Number(I) * scale + (F.length ? Number(F) * 10 ** (fr - F.length) : 0);
    spans.push([base, base + 10 ** (fr - F.length) - 1]);
  } else if (I === '') spans.push([0, maxMag]);
  else if (I === '0') spans.push([0, scale - 1]);
  else for (let k = 0; I.length + k <= n.intDigits; k++) spans.push([Number(I) * 10 ** k * scale, (Number(I) + 1) * 10 ** k * scale - 1]);
  for (const [a, c] of spans) {
    const [x, y] = neg ? [-c, -a] : [a, c];
    if (Math.max(x, b.loS) <= Math.min(y, b.hiS)) return true;
  }
  return false;
}
