import { describe, expect, it } from 'vitest';
import type { Key } from 'ink';
import { Command, defaultKeyBindings } from '../../src/ui/keys/keyBindings.js';
import { commandFor, formatBinding, keyLabel, matches, parseBinding, splitKeys, toKeypress } from '../../src/ui/keys/keyMatchers.js';
import { dispatchKeypress, KeypressPriority } from '../../src/ui/contexts/KeypressContext.js';
import { helpRows } from '../../src/ui/components/HelpOverlay.js';

const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
const kp = (input: string, key: Partial<Key> = {}) => toKeypress(input, { ...noKey, ...key });

describe('key table', () => {
  it('every binding string parses', () => {
    for (const c of Object.values(Command)) {
      for (const b of defaultKeyBindings[c].bindings) expect(() => parseBinding(b)).not.toThrow();
      expect(defaultKeyBindings[c].description.length).toBeGreaterThan(3);
    }
  });
  it('rejects unknown keys and modifiers', () => {
    expect(() => parseBinding('hyper+x')).toThrow(/unknown modifier/);
    expect(() => parseBinding('foo')).toThrow(/unknown key/);
  });
  it('matches vim keys and arrows for movement', () => {
    expect(matches(Command.DOWN, kp('j'))).toBe(true);
    expect(matches(Command.DOWN, kp('', { downArrow: true }))).toBe(true);
    expect(matches(Command.UP, kp('k'))).toBe(true);
    expect(matches(Command.UP, kp('', { upArrow: true }))).toBe(true);
    expect(matches(Command.DOWN, kp('J', { shift: true }))).toBe(false);
  });
  it('distinguishes g from G and shift+arrow from arrow', () => {
    expect(matches(Command.TOP, kp('g'))).toBe(true);
    expect(matches(Command.BOTTOM, kp('G', { shift: true }))).toBe(true);
    expect(matches(Command.TOP, kp('G', { shift: true }))).toBe(false);
    expect(matches(Command.MOVE_ITEM_UP, kp('', { upArrow: true, shift: true }))).toBe(true);
    expect(matches(Command.UP, kp('', { upArrow: true, shift: true }))).toBe(false);
  });
  it('reads ctrl+letter, space, DEL as backspace, and ignores pastes', () => {
    expect(matches(Command.FORCE_QUIT, kp('c', { ctrl: true }))).toBe(true);
    expect(matches(Command.MARK_COMPLETE, kp('c', { ctrl: true }))).toBe(false);
    expect(matches(Command.PAGE_DOWN, kp(' '))).toBe(true);
    expect(matches(Command.BACK, kp('', { delete: true }))).toBe(true);
    expect(commandFor(kp('jjj'), [Command.DOWN])).toBeUndefined(); // the provider splits runs before matching
    expect(kp('hello').isPaste).toBe(true);
  });
  it('splits a run of bytes into the keys pressed: control bytes alone, typed characters in runs', () => {
    const names = (input: string) => splitKeys(input, noKey).map((seg) => seg.map((k) => (k.ctrl ? `ctrl+${k.name}` : k.name)).join(''));
    expect(names('\x7f\x7f\x7f')).toEqual(['backspace', 'backspace', 'backspace']);
    expect(names('\b\b')).toEqual(['backspace', 'backspace']);
    expect(names('ab\x7fc\r')).toEqual(['ab', 'backspace', 'c', 'return']);
    expect(names('x\r\ny')).toEqual(['x', 'return', 'y']);
    expect(names('\t\x15\x03')).toEqual(['tab', 'ctrl+u', 'ctrl+c']);
    expect(splitKeys('a b', noKey)[0]!.map((k) => k.name)).toEqual(['a', 'space', 'b']);
    // Esc twice in one read (Ink: escape + meta, input "\x1b") is two Escapes.
    expect(splitKeys('\x1b', { ...noKey, escape: true, meta: true }).map((seg) => seg[0]!.name)).toEqual(['escape', 'escape']);
    // One key Ink already parsed stays one key.
    expect(splitKeys('', { ...noKey, delete: true })).toEqual([[kp('', { delete: true })]]);
  });
  it('labels a command with the keys that work in a text field', () => {
    expect(keyLabel(Command.NEXT_QUESTION, { max: 3, typing: true })).toBe('Tab/PgDn');
    expect(keyLabel(Command.FLAG, { typing: true })).toBe('Ctrl+f');
    expect(keyLabel(Command.HALF_PAGE_UP, { typing: true })).toBe(''); // Ctrl+U clears the field
  });
  it('answer keys and exam keys never share a binding (both are live on an exam question)', () => {
    const owner = new Map<string, string>();
    // Enter goes back into a text field only once the field was left (Esc), where it submits nothing.
    const examScreen = Object.entries(defaultKeyBindings).filter(
      ([cmd, info]) => (info.group === 'Answer' || info.group === 'Exam') && cmd !== Command.EDIT_FIELD,
    );
    for (const [cmd, info] of examScreen) {
      for (const b of info.bindings) {
        expect(owner.get(b), `${b} is bound to both ${owner.get(b)} and ${cmd}`).toBeUndefined();
        owner.set(b, cmd);
      }
    }
  });

  it('the ? rows say what a key does on a screen that gives it its own meaning', () => {
    const rows = helpRows([Command.SUBMIT, Command.EXAM_HISTORY], true, new Map([[Command.SUBMIT, 'start the highlighted exam']]));
    expect(rows.find((r) => r.keys === 'Enter')?.description).toBe('start the highlighted exam');
    expect(rows.find((r) => r.keys === 'h')?.description).toBe('attempt history');
  });

  it('labels bindings for hints, with an ASCII form', () => {
    expect(keyLabel(Command.DOWN)).toBe('↓/j');
    expect(keyLabel(Command.DOWN, { ascii: true })).toBe('down/j');
    expect(formatBinding('shift+tab')).toBe('Shift+Tab');
    expect(formatBinding('ctrl+c')).toBe('Ctrl+c');
  });
});

describe('keypress dispatcher', () => {
  const sub = (priority: KeypressPriority, seq: number, log: string[], name: string, consume: boolean) => ({
    priority,
    seq,
    handler: { current: () => (log.push(name), consume) },
  });
  it('asks higher priorities first and newer subscribers first within one', () => {
    const log: string[] = [];
    const consumed = dispatchKeypress(
      [
        sub(KeypressPriority.Low, 1, log, 'low-old', false),
        sub(KeypressPriority.Low, 5, log, 'low-new', false),
        sub(KeypressPriority.Critical, 2, log, 'dialog', false),
        sub(KeypressPriority.Fallback, 9, log, 'global', false),
      ],
      kp('x'),
    );
    expect(log).toEqual(['dialog', 'low-new', 'low-old', 'global']);
    expect(consumed).toBe(false);
  });
  it('stops at the first handler that consumes', () => {
    const log: string[] = [];
    expect(
      dispatchKeypress([sub(KeypressPriority.High, 1, log, 'input', true), sub(KeypressPriority.Low, 2, log, 'shortcut', true)], kp('q')),
    ).toBe(true);
    expect(log).toEqual(['input']);
  });
});
