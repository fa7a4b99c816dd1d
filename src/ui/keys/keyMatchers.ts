// Turns Ink's (input, key) pair into one normalised Keypress and matches it against the binding
// table. Pure functions: tested without rendering anything.
import type { Key } from 'ink';
import { Command, defaultKeyBindings } from './keyBindings.js';

export interface Keypress {
  /** Key name: "up", "down", "left", "right", "pageup", "pagedown", "home", "end", "return",
   * "escape", "tab", "backspace", "space", or the character typed ("j", "G", "?"). */
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  /** Text the key would type ("" for special keys); more than one character for a paste. */
  text: string;
  isPaste: boolean;
}

export interface KeyBinding {
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
}

const SPECIAL_NAMES = new Set([
  'up',
  'down',
  'left',
  'right',
  'pageup',
  'pagedown',
  'home',
  'end',
  'return',
  'escape',
  'tab',
  'backspace',
  'delete',
  'space',
]);

/** "ctrl+c" → {name:"c", ctrl:true}; "G" → {name:"G"}; "shift+tab" → {name:"tab", shift:true}. */
export function parseBinding(spec: string): KeyBinding {
  const parts = spec === '+' ? ['+'] : spec.split('+');
  const name = parts.pop() ?? '';
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  for (const m of mods) if (!['ctrl', 'meta', 'shift'].includes(m)) throw new Error(`unknown modifier "${m}" in key binding "${spec}"`);
  if (name.length !== 1 && !SPECIAL_NAMES.has(name)) throw new Error(`unknown key "${name}" in key binding "${spec}"`);
  return { name: name === 'delete' ? 'backspace' : name, ctrl: mods.has('ctrl'), meta: mods.has('meta'), shift: mods.has('shift') };
}

/** Normalise Ink's useInput arguments. */
export function toKeypress(input: string, key: Key): Keypress {
  const base = { ctrl: key.ctrl, meta: false, shift: key.shift, text: '', isPaste: false };
  const special = (name: string): Keypress => ({ ...base, name });
  if (key.upArrow) return special('up');
  if (key.downArrow) return special('down');
  if (key.leftArrow) return special('left');
  if (key.rightArrow) return special('right');
  if (key.pageUp) return special('pageup');
  if (key.pageDown) return special('pagedown');
  if (key.home) return special('home');
  if (key.end) return special('end');
  if (key.return || input === '\r' || input === '\n') return special('return');
  if (key.escape) return special('escape');
  if (key.tab) return special('tab');
  // Most terminals send DEL (0x7f) for the Backspace key, which Ink reports as "delete".
  if (key.backspace || key.delete) return special('backspace');
  if (input === ' ') return { ...base, name: 'space', text: ' ' };
  if (key.ctrl) return { ...base, name: input.toLowerCase(), shift: false };
  const meta = key.meta;
  if (input.length > 1) return { ...base, meta, name: input, text: input, isPaste: true };
  return { ...base, meta, name: input, text: meta ? '' : input, shift: input !== input.toLowerCase() };
}

/**
 * Splits what Ink hands over in one read into the keys the person pressed. Ink parses escape
 * sequences itself but gives a run of plain bytes as one string ("\x7f\x7f\x7f" for three
 * Backspaces, "42\r" for fast typing and Enter) with no key flag set: each control byte becomes its
 * own key here (DEL/BS backspace, CR/LF return, TAB tab, other C0 bytes ctrl+letter), each printable
 * character a typed key. Returns segments: a run of typed characters is one segment, each control
 * key its own, so the dispatcher can let the screen update between keys that may change it.
 */
export function splitKeys(input: string, key: Key): Keypress[][] {
  const kp = toKeypress(input, key);
  // Esc pressed twice before a read: Ink reports one Escape with meta set and the second ESC as input.
  if (key.escape && input === '\x1b') return [[kp], [kp]];
  if (!kp.isPaste || kp.ctrl || kp.meta) return [[kp]];
  const base = { ctrl: false, meta: false, shift: false, text: '', isPaste: false };
  const segments: Keypress[][] = [];
  let run: Keypress[] = [];
  const control = (k: Keypress) => {
    if (run.length) segments.push(run);
    run = [];
    segments.push([k]);
  };
  const chars = [...input];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const code = ch.codePointAt(0)!;
    if (ch === '\x7f' || ch === '\b') control({ ...base, name: 'backspace' });
    else if (ch === '\r' || ch === '\n') {
      if (ch === '\n' && chars[i - 1] === '\r') continue; // CR LF is one Enter
      control({ ...base, name: 'return' });
    } else if (ch === '\t') control({ ...base, name: 'tab' });
    else if (ch === '\x1b') control({ ...base, name: 'escape' });
    else if (code < 0x20) control({ ...base, ctrl: true, name: String.fromCharCode(code + 96) });
    else if (ch === ' ') run.push({ ...base, name: 'space', text: ' ' });
    else run.push({ ...base, name: ch, text: ch, shift: ch !== ch.toLowerCase() });
  }
  if (run.length) segments.push(run);
  return segments;
}

export function bindingMatches(b: KeyBinding, k: Keypress): boolean {
  if (k.isPaste) return false;
  if (b.ctrl !== k.ctrl || b.meta !== k.meta) return false;
  if (b.name.length === 1 && b.name !== ' ') {
    // Characters carry their own case; ctrl+letter is matched case-insensitively.
    return b.ctrl ? b.name.toLowerCase() === k.name.toLowerCase() : b.name === k.name;
  }
  return b.name === k.name && b.shift === k.shift;
}

/** The active binding table: defaults, parsed once. Overrides could be merged in here. */
const parsed: Record<Command, KeyBinding[]> = Object.fromEntries(
  (Object.keys(defaultKeyBindings) as Command[]).map((c) => [c, defaultKeyBindings[c].bindings.map(parseBinding)]),
) as Record<Command, KeyBinding[]>;

export function matches(command: Command, k: Keypress): boolean {
  return parsed[command].some((b) => bindingMatches(b, k));
}

/** First command in `commands` (in the order given) that the key triggers. */
export function commandFor(k: Keypress, commands: readonly Command[]): Command | undefined {
  return commands.find((c) => matches(c, k));
}

const PRETTY: Record<string, [unicode: string, ascii: string]> = {
  up: ['↑', 'up'],
  down: ['↓', 'down'],
  left: ['←', 'left'],
  right: ['→', 'right'],
  pageup: ['PgUp', 'PgUp'],
  pagedown: ['PgDn', 'PgDn'],
  home: ['Home', 'Home'],
  end: ['End', 'End'],
  return: ['Enter', 'Enter'],
  escape: ['Esc', 'Esc'],
  tab: ['Tab', 'Tab'],
  backspace: ['Backspace', 'Backspace'],
  space: ['Space', 'Space'],
};

export function formatBinding(spec: string, ascii = false): string {
  const b = parseBinding(spec);
  const name = PRETTY[b.name]?.[ascii ? 1 : 0] ?? b.name;
  return [b.ctrl ? 'Ctrl+' : '', b.meta ? 'Alt+' : '', b.shift ? 'Shift+' : '', name].join('');
}

/**
 * Does this binding still work while the cursor is in a text field? The field takes characters,
 * Space, ←/→, Home/End, Backspace and Ctrl+U; Ctrl+letters (but U), Tab, Enter, Esc, ↑/↓ and
 * PgUp/PgDn pass through to the screen.
 */
export function worksWhileTyping(spec: string): boolean {
  const b = parseBinding(spec);
  if (b.ctrl) return b.name.toLowerCase() !== 'u';
  return ['tab', 'return', 'escape', 'up', 'down', 'pageup', 'pagedown'].includes(b.name);
}

/** "j/↓" style label of a command's bindings (the first `max` of them; with `typing`, only those that work in a text field). */
export function keyLabel(command: Command, opts: { ascii?: boolean; max?: number; typing?: boolean } = {}): string {
  const all = defaultKeyBindings[command].bindings;
  const list = (opts.typing ? all.filter(worksWhileTyping) : all).slice(0, opts.max ?? 2);
  return list.map((s) => formatBinding(s, opts.ascii)).join('/');
}

/** Can the command be reached while typing in a text field? */
export function reachableWhileTyping(command: Command): boolean {
  return defaultKeyBindings[command].bindings.some(worksWhileTyping);
}

/** Does the key trigger the command? */
export function hit(cmd: Command, key: Keypress): boolean {
  return matches(cmd, key);
}

/** A digit 1-9 typed without modifiers, as a number; undefined otherwise. */
export function digit(key: Keypress): number | undefined {
  if (key.ctrl || key.meta || key.isPaste || !/^[1-9]$/.test(key.name)) return undefined;
  return Number(key.name);
}

/** A key that types text (letters, digits, punctuation, a paste). */
export function isTyping(key: Keypress): boolean {
  return key.text.length > 0 && !key.ctrl && !key.meta;
}

/** "↑/k" style label of a command: its first `max` bindings. */
export function label(cmd: Command, ascii = false, max = 2): string {
  return defaultKeyBindings[cmd].bindings
    .slice(0, max)
    .map((s) => formatBinding(s, ascii))
    .join('/');
}

export function shortName(cmd: Command): string {
  return defaultKeyBindings[cmd].short;
}

/** One hint line: "Enter submit  u undo". */
export function hintLine(cmds: Command[], ascii = false): string {
  return cmds.map((c) => `${label(c, ascii, 1)} ${shortName(c)}`).join('  ');
}
