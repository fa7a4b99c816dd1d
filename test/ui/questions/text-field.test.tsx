// The text field fed through Ink's real input path (FakeStdin → Ink's parser → useInput → the
// KeypressProvider): every key of a burst is applied, in order, whatever the terminal groups into one
// read; Esc leaves the field and Enter goes back in; the footer names only keys that work there.
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KEYS, plain, renderWithProviders } from '../helpers.js';
import { TextField } from '../../../src/ui/questions/TextField.js';
import { Screen } from '../../../src/ui/layouts/Screen.js';
import { Command } from '../../../src/ui/keys/keyBindings.js';
import { useCommands } from '../../../src/ui/contexts/KeypressContext.js';
import { fuzzParams } from '../../helpers/fuzz.js';

function Harness({ accept, log }: { accept?: RegExp; log: string[] }) {
  const [value, setValue] = useState('');
  // A screen shortcut on a letter: it must never fire while the field has the cursor.
  useCommands({ [Command.FLAG]: () => void log.push('flag') });
  return (
    <Screen title="Field" hints={[Command.SUBMIT, Command.FLAG, Command.NAVIGATOR]}>
      <TextField value={value} onChange={setValue} onSubmit={(v) => log.push(`submit:${v}`)} accept={accept} />
    </Screen>
  );
}

const answerOf = (frame: string) => /Answer: (.*)$/m.exec(plain(frame))?.[1]?.trimEnd() ?? '';

describe('TextField typing', () => {
  it('applies three Backspaces sent in one write (DEL and BS), then the rest of the burst', async () => {
    const log: string[] = [];
    const r = renderWithProviders(<Harness log={log} />);
    await r.settle();
    await r.burst('acdxyz');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('acdxyz'));
    await r.burst('\x7f\x7f\x7f');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('acd'));
    await r.burst('\b\bBA');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('aBA'));
    // Typing and Enter in one read: the answer is submitted as shown, not with a trailing space.
    await r.burst('\x7fX\r');
    await r.until(() => expect(log).toContain('submit:aBX'));
    r.unmount();
  });

  it('Ctrl+W deletes the word before the cursor, as in a shell', async () => {
    const r = renderWithProviders(<Harness log={[]} />);
    await r.settle();
    await r.burst('low rank  adapters');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('low rank  adapters'));
    await r.burst('\x17');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('low rank'));
    await r.burst('\x17\x17X');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('X'));
    r.unmount();
  });

  it('held Backspace (one DEL per read, several reads before a render) deletes one character per repeat', async () => {
    const r = renderWithProviders(<Harness log={[]} />);
    await r.settle();
    await r.burst('qu?');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('qu?'));
    // Key repeat: separate writes with no wait for a frame in between.
    r.stdin.write('\x7f');
    r.stdin.write('\x7f');
    r.stdin.write('\x7f');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe(''));
    r.unmount();
  });

  it('Esc leaves the field (letters reach the screen again), Enter goes back in; the footer follows', async () => {
    const log: string[] = [];
    const r = renderWithProviders(<Harness log={log} />);
    await r.settle();
    await r.waitFor('Esc leave field');
    const typingFooter = plain(r.lastFrame()).trimEnd().split('\n').pop()!;
    // Only keys that work in a field: Enter, Ctrl+f, Ctrl+g, Esc; never "m flag", "? keys" or "q quit".
    expect(typingFooter).toContain('Ctrl+f flag');
    expect(typingFooter).toContain('Ctrl+g navigator');
    expect(typingFooter).not.toMatch(/\bm\/|\? keys|q quit/);
    await r.press('m');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('m'));
    expect(log).toEqual([]);
    await r.press(KEYS.escape);
    await r.waitFor('Enter edit answer');
    await r.press('m');
    await r.until(() => expect(log).toEqual(['flag']));
    expect(answerOf(r.lastFrame())).toContain('m');
    await r.press(KEYS.enter);
    await r.waitFor('Esc leave field');
    await r.press('n');
    await r.until(() => expect(answerOf(r.lastFrame())).toBe('mn'));
    r.unmount();
  });

  it('any split of a typing session into reads gives the text a line editor gives', async () => {
    // Keys: printable characters and Backspace; the reference is a plain line editor.
    const key = fc.oneof(fc.constantFrom('a', 'b', 'Z', '1', '.', ' ', 'é'), fc.constant('\x7f'), fc.constant('\b'));
    const session = fc.array(key, { minLength: 1, maxLength: 14 });
    const cuts = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 14 });
    await fc.assert(
      fc.asyncProperty(session, cuts, async (keys, sizes) => {
        let want = '';
        for (const k of keys) want = k === '\x7f' || k === '\b' ? want.slice(0, -1) : want + k;
        const r = renderWithProviders(<Harness log={[]} />);
        try {
          await r.settle();
          let i = 0;
          for (let c = 0; i < keys.length; c++) {
            const n = sizes[c % sizes.length]!;
            r.stdin.write(keys.slice(i, i + n).join(''));
            i += n;
          }
          await r.until(() => expect(answerOf(r.lastFrame())).toBe(want.trimEnd()));
        } finally {
          r.unmount();
        }
      }),
      fuzzParams(25),
    );
  });
});
