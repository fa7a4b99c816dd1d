// Hugging Face `tokenizers` compiles `Split` patterns (and ByteLevel's GPT-2 pattern) with Oniguruma in
// Ruby syntax. JavaScript regexps differ in ways that change token ids: `\s`, `\d`, `\w` and `\b` are
// ASCII-ish in JS but Unicode in Oniguruma (`\s` there is exactly White_Space: U+0085 yes, U+FEFF no),
// `.` excludes only \n, `^`/`$` are line anchors, `(?i:…)` groups exist, and `{,n}` is a quantifier.
// This module rewrites such a pattern into an equivalent `u`-mode JS regexp, or says what it cannot
// translate (possessive quantifiers, atomic groups, …) so a tokenizer never silently splits differently.

/** A pattern this module cannot translate; the message says which construct. */
export class RegexTranslationError extends Error {}

const WORD = '\\p{L}\\p{M}\\p{N}\\p{Pc}';
const CLASS_ESCAPES: Record<string, string> = {
  s: '\\p{White_Space}',
  S: '\\P{White_Space}',
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  w: WORD,
  h: '0-9a-fA-F',
};
const ATOM_ESCAPES: Record<string, string> = {
  s: '\\p{White_Space}',
  S: '\\P{White_Space}',
  d: '\\p{Nd}',
  D: '\\P{Nd}',
  w: `[${WORD}]`,
  W: `[^${WORD}]`,
  h: '[0-9a-fA-F]',
  H: '[^0-9a-fA-F]',
  A: '(?<![\\s\\S])',
  z: '(?![\\s\\S])',
  Z: '(?=\\n?(?![\\s\\S]))',
  b: `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`,
  B: `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`,
  e: '\\x1b',
  a: '\\x07',
};
const PLAIN_ESCAPES = new Set(['n', 'r', 't', 'f', 'v', '0']);
/** Characters that must stay escaped in a `u`-mode regexp (identity escapes are allowed only for these). */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
// Oniguruma's POSIX-bracket-style property names that JS spells differently.
const PROPERTY_ALIASES: Record<string, string> = {
  alpha: 'Alphabetic',
  digit: 'Nd',
  space: 'White_Space',
  upper: 'Uppercase',
  lower: 'Lowercase',
  punct: 'P',
  cntrl: 'Cc',
};

function property(name: string, negated: boolean): string {
  const clean = name.replace(/[\s_]/g, '').toLowerCase();
  const candidates = [name, PROPERTY_ALIASES[clean], `Script=${name}`].filter((c): c is string => Boolean(c));
  for (const c of candidates) {
    const src = `\\${negated ? 'P' : 'p'}{${c}}`;
    try {
      new RegExp(src, 'u');
      return src;
    } catch {
      // try the next spelling
    }
  }
  throw new RegexTranslationError(`unknown Unicode property \\p{${name}}`);
}

/** The case variants of one code point (itself first), for `(?i:…)` groups. */
function caseVariants(ch: string): string[] {
  const out = [ch];
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) if ([...v].length === 1 && !out.includes(v)) out.push(v);
  return out;
}

function literal(ch: string, inClass: boolean): string {
  if (SYNTAX.has(ch) || (inClass && ch === '-')) return '\\' + ch;
  return ch;
}

/** Translates an Oniguruma (Ruby syntax) pattern into JS regexp source for the `u` flag. */
export function translateOnigRegex(src: string): string {
  const cps = [...src];
  let i = 0;
  let out = '';
  // flags per open group; a `(?i)` switch lasts to the end of the enclosing group
  const stack: Array<{ ci: boolean; dotall: boolean }> = [{ ci: false, dotall: false }];
  const top = () => stack[stack.length - 1];
  let canRepeat = false; // whether a quantifier here has an atom to repeat

  const escape = (inClass: boolean): string => {
    const c = cps[i + 1];
    if (c === undefined) throw new RegexTranslationError('the pattern ends with a lone backslash');
    i += 2;
    if (c === 'p' || c === 'P') {
      if (cps[i] !== '{') throw new RegexTranslationError(`\\${c} must be followed by {name}`);
      const end = cps.indexOf('}', i);
      if (end < 0) throw new RegexTranslationError(`unterminated \\${c}{…}`);
      let name = cps.slice(i + 1, end).join('');
      i = end + 1;
      let neg = c === 'P';
      if (name.startsWith('^')) {
        neg = !neg;
        name = name.slice(1);
      }
      return property(name, neg);
    }
    if (c === 'x' && cps[i] === '{') {
      const end = cps.indexOf('}', i);
      if (end < 0) throw new RegexTranslationError('unterminated \\x{…}');
      const hex = cps.slice(i + 1, end).join('');
      i = end + 1;
      return `\\u{${hex}}`;
    }
    if (c === 'x') {
      const hex = cps.slice(i, i + 2).join('');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new RegexTranslationError('\\x needs two hex digits');
      i += 2;
      return `\\x${hex}`;
    }
    if (c === 'u') {
      const hex = cps.slice(i, i + 4).join('');
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new RegexTranslationError('\\u needs four hex digits');
      i += 4;
      return `\\u${hex}`;
    }
    if (inClass) {
      if (c === 'W' || c === 'H') throw new RegexTranslationError(`\\${c} inside a character class is not supported`);
      if (c in CLASS_ESCAPES) return CLASS_ESCAPES[c];
      if (c === 'e' || c === 'a') return ATOM_ESCAPES[c];
      if (c === 'b') return '\\x08';
    } else {
      if (c in ATOM_ESCAPES) return ATOM_ESCAPES[c];
      if (/[1-9]/.test(c)) return '\\' + c; // back-reference: no capturing groups are added, numbers hold
      if (c === 'k' && cps[i] === '<') {
        const end = cps.indexOf('>', i);
        const name = cps.slice(i + 1, end).join('');
        i = end + 1;
        return `\\k<${name}>`;
      }
    }
    if (PLAIN_ESCAPES.has(c)) return '\\' + c;
    if (/[A-Za-z0-9]/.test(c)) throw new RegexTranslationError(`the escape \\${c} is not supported`);
    return literal(c, inClass);
  };

  const charClass = (): string => {
    // at '['
    i++;
    let body = '';
    if (cps[i] === '^') {
      body += '^';
      i++;
    }
    let first = true;
    for (;;) {
      const c = cps[i];
      if (c === undefined) throw new RegexTranslationError('unterminated character class');
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[') throw new RegexTranslationError('nested character classes and [:posix:] brackets are not supported');
      if (c === '&' && cps[i + 1] === '&') throw new RegexTranslationError('class intersection (&&) is not supported');
      if (c === '\\') {
        body += escape(true);
        continue;
      }
      if (c === '-' && body.length && cps[i + 1] !== ']') {
        if (top().ci) throw new RegexTranslationError('a range inside a case-insensitive group is not supported');
        body += '-';
        i++;
        continue;
      }
      body += top().ci
        ? caseVariants(c)
            .map((v) => literal(v, true))
            .join('')
        : literal(c, true);
      i++;
    }
    return `[${body}]`;
  };

  while (i < cps.length) {
    const c = cps[i];
    if (c === '(') {
      if (cps[i + 1] === '?') {
        const rest = cps.slice(i + 2, i + 40).join('');
        if (rest.startsWith('#')) {
          const end = cps.indexOf(')', i);
          if (end < 0) throw new RegexTranslationError('unterminated (?#…) comment');
          i = end + 1;
          continue;
        }
        if (rest.startsWith('>')) throw new RegexTranslationError('atomic groups (?>…) are not supported');
        const look = /^(:|=|!|<=|<!)/.exec(rest);
        const named = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest);
        const flags = /^([imx]*)(?:-([imx]*))?([:)])/.exec(rest);
        if (look) {
          out += '(?' + look[1];
          i += 2 + look[1].length;
          stack.push({ ...top() });
        } else if (named) {
          out += `(?<${named[1] ?? named[2]}>`;
          i += 2 + named[0].length;
          stack.push({ ...top() });
        } else if (flags) {
          const [whole, on, off = '', end] = flags;
          if ((on + off).includes('x')) throw new RegexTranslationError('extended mode (?x) is not supported');
          const next = { ...top() };
          if (on.includes('i')) next.ci = true;
          if (off.includes('i')) next.ci = false;
          // Ruby's "m" is JS's dotall
          if (on.includes('m')) next.dotall = true;
          if (off.includes('m')) next.dotall = false;
          i += 2 + whole.length;
          if (end === ':') {
            out += '(?:';
            stack.push(next);
          } else {
            stack[stack.length - 1] = next;
            continue; // a bare switch is not an atom
          }
        } else throw new RegexTranslationError(`the group syntax (?${rest.slice(0, 3)}… is not supported`);
      } else {
        out += '(';
        i++;
        stack.push({ ...top() });
      }
      canRepeat = false;
      continue;
    }
    if (c === ')') {
      if (stack.length < 2) throw new RegexTranslationError('unbalanced )');
      stack.pop();
      out += ')';
      canRepeat = true;
      i++;
      continue;
    }
    if (c === '|') {
      out += '|';
      i++;
      canRepeat = false;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || (c === '{' && interval(cps, i))) {
      if (!canRepeat) throw new RegexTranslationError(`the quantifier ${c} has nothing to repeat`);
      let q = c;
      if (c === '{') {
        const end = cps.indexOf('}', i);
        q = cps.slice(i, end + 1).join('');
        if (q.startsWith('{,')) q = '{0' + q.slice(1);
        i = end + 1;
      } else i++;
      if (cps[i] === '?') {
        q += '?';
        i++;
      } else if (cps[i] === '+') {
        throw new RegexTranslationError('possessive quantifiers (?+, *+, ++) are not supported');
      }
      out += q;
      canRepeat = false;
      continue;
    }
    canRepeat = !(c === '^' || c === '$');
    if (c === '[') out += charClass();
    else if (c === '\\') out += escape(false);
    else if (c === '.') {
      out += top().dotall ? '[\\s\\S]' : '[^\\n]';
      i++;
    } else if (c === '^') {
      out += '(?<![^\\n])';
      i++;
    } else if (c === '$') {
      out += '(?![^\\n])';
      i++;
    } else {
      const vs = top().ci ? caseVariants(c) : [c];
      out +=
        vs.length > 1
          ? `[${vs.map((v) => literal(v, true)).join('')}]`
          : c === '{' || c === '}' || c === ']'
            ? '\\' + c
            : literal(c, false);
      i++;
    }
  }
  if (stack.length !== 1) throw new RegexTranslationError('unbalanced (');
  return out;
}

/** Is `{` at cps[i] an Oniguruma interval ({n}, {n,}, {n,m}, {,m})? Otherwise it is a literal brace. */
function interval(cps: string[], i: number): boolean {
  const end = cps.indexOf('}', i);
  if (end < 0) return false;
  return /^\{(\d+|\d+,\d*|,\d+)\}$/.test(cps.slice(i, end + 1).join(''));
}

/** Compiles an Oniguruma pattern as a global, unicode JS regexp. */
export function compileOnigRegex(src: string): RegExp {
  const js = translateOnigRegex(src);
  try {
    return new RegExp(js, 'gu');
  } catch (e) {
    throw new RegexTranslationError(`cannot be compiled (${(e as Error).message})`);
  }
}
