import { afterEach, describe, expect, it } from 'vitest';
import { Text } from 'ink';
import { Screen, bodySizeFor } from '../../src/ui/layouts/Screen.js';
import { useBodySize } from '../../src/ui/hooks/useBodySize.js';
import { SelectList, itemRows, windowStart, windowStartRows } from '../../src/ui/components/SelectList.js';
import { Command } from '../../src/ui/keys/keyBindings.js';
import { hintText } from '../../src/ui/components/KeyHints.js';
import { pickTheme } from '../../src/ui/theme/palettes.js';
import { KEYS, plain, renderWithProviders } from './helpers.js';

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

function Sized() {
  const { width, height, mode } = useBodySize();
  return <Text>{`body ${width}x${height} ${mode}`}</Text>;
}

describe('layout', () => {
  it('keeps the frame one row below the terminal height', () => {
    expect(bodySizeFor(80, 24, false)).toEqual({ width: 78, height: 19, mode: 'default' });
    expect(bodySizeFor(60, 24, false)).toEqual({ width: 60, height: 21, mode: 'narrow' });
    expect(bodySizeFor(120, 40, true)).toEqual({ width: 120, height: 37, mode: 'screen-reader' });
  });
  it('renders title, body and hints within 80x24', async () => {
    const r = renderWithProviders(
      <Screen title="Test" status="3 due" hints={[Command.DOWN, Command.SELECT]}>
        <Sized />
      </Screen>,
    );
    unmount = r.unmount;
    const f = plain(await r.waitFor('body'));
    expect(f).toContain('ftlab › Test');
    expect(f).toContain('3 due');
    expect(f).toContain('body 78x19 default');
    expect(f).toMatch(/↓\/j down {2}Enter open {2}\? keys {2}q quit/);
    const lines = f.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });
  it('follows a resize', async () => {
    const r = renderWithProviders(
      <Screen title="Test">
        <Sized />
      </Screen>,
    );
    unmount = r.unmount;
    await r.waitFor('body 78x19');
    r.stdout.resize(60, 30);
    expect(plain(await r.waitFor('body 60x27 narrow'))).not.toContain('───');
  });
  it('uses ASCII rules with --ascii and plain text for screen readers', async () => {
    const a = renderWithProviders(
      <Screen title="T">
        <Sized />
      </Screen>,
      { ui: { ascii: true } },
    );
    const fa = plain(await a.waitFor('body'));
    a.unmount();
    expect(fa).toContain('ftlab > T');
    expect(fa).toContain('-----');
    expect(fa).not.toMatch(/[^\x00-\x7f]/);
    const s = renderWithProviders(
      <Screen title="T" hints={[Command.DOWN]}>
        <Sized />
      </Screen>,
      { ui: { screenReader: true, ascii: true } },
    );
    unmount = s.unmount;
    const fs = plain(await s.waitFor('body'));
    expect(fs.split('\n')[0]).toBe('T');
    expect(fs).toContain('Keys: down: down or j, keys: ?, quit: q');
    expect(fs).not.toContain('---');
  });
  it('opens the help overlay with ? and closes it with Esc', async () => {
    const r = renderWithProviders(
      <Screen title="T" hints={[Command.TOC]}>
        <Sized />
      </Screen>,
    );
    unmount = r.unmount;
    await r.waitFor('body');
    await r.press('?');
    const f = plain(await r.waitFor('table of contents'));
    expect(f).toContain('Lesson');
    expect(f).toContain('Ctrl+c');
    await r.press(KEYS.escape);
    await r.waitFor('body');
  });
  it('shows content warnings above the body', async () => {
    const r = renderWithProviders(
      <Screen title="T" warnings={['quizzes/a.yaml:3:1: bad']}>
        <Sized />
      </Screen>,
    );
    unmount = r.unmount;
    const f = plain(await r.waitFor('body'));
    expect(f).toContain('quizzes/a.yaml:3:1: bad');
    expect(f).toContain('body 78x18');
  });
});

describe('dialog footer', () => {
  it('lists only the answers to the question on screen', async () => {
    const r = renderWithProviders(
      <Screen title="Test" hints={[Command.CONFIRM, Command.CANCEL]} dialog>
        <Text>Stop it?</Text>
      </Screen>,
    );
    unmount = r.unmount;
    const footer = plain(await r.waitFor('Stop it?'))
      .trimEnd()
      .split('\n')
      .pop()!;
    expect(footer).toMatch(/y yes\s+n\/Esc no|y yes\s+n no/);
    expect(footer).not.toContain('? keys');
    expect(footer).not.toContain('q quit');
  });
});

describe('footer hints', () => {
  it('drops what does not fit, but keeps "? keys", the way to the rest', () => {
    const hints = [Command.DOWN, Command.UP, Command.SELECT, Command.BACK, Command.HELP, Command.QUIT];
    const wide = hintText(hints, { ascii: true, compact: false, width: 200 });
    expect(wide).toContain('? keys');
    expect(wide).toContain('q quit');
    const narrow = hintText(hints, { ascii: true, compact: false, width: 40 });
    expect(narrow.length).toBeLessThanOrEqual(40);
    expect(narrow.endsWith('? keys')).toBe(true);
    expect(narrow).not.toContain('q quit');
  });
});

describe('theme', () => {
  it('NO_COLOR selects the no-colour palette', () => {
    expect(pickTheme({ NO_COLOR: '1' }).name).toBe('no-color');
    expect(pickTheme({ NO_COLOR: '' }).name).toBe('dark');
    expect(pickTheme({}).hasColor).toBe(true);
  });
});

describe('SelectList', () => {
  it('keeps the cursor in view', () => {
    expect(windowStart(0, 0, 5, 100)).toBe(0);
    expect(windowStart(10, 0, 5, 100)).toBe(7);
    expect(windowStart(99, 0, 5, 100)).toBe(95);
  });
  it('moves with j/k and arrows, skips headings and selects with Enter', async () => {
    const picked: string[] = [];
    const items = [
      { key: 'h', label: 'Module A', value: '', kind: 'heading' as const },
      { key: 'a', label: 'alpha', value: 'a' },
      { key: 'b', label: 'beta', value: 'b' },
      { key: 'c', label: 'gamma', value: 'c' },
    ];
    const r = renderWithProviders(<SelectList items={items} height={5} onSelect={(v) => picked.push(v)} />);
    unmount = r.unmount;
    expect(plain(await r.waitFor('alpha'))).toMatch(/› alpha/);
    await r.press('j', KEYS.down, KEYS.enter, 'k', KEYS.enter, 'k', 'k', KEYS.enter);
    expect(picked).toEqual(['c', 'b', 'a']);
  });
  it('wraps an item that does not fit under its label, keeping the detail whole, instead of cutting it with …', async () => {
    const items = [
      { key: 'a', label: 'LoRA on your laptop: teach a small model to triage support tickets', detail: '30 min · 5 steps', value: 'a' },
      { key: 'b', label: 'Short', detail: '40 min · 6 steps', value: 'b', mark: '✓' },
    ];
    expect(itemRows(items, 40)).toEqual([3, 1]);
    const r = renderWithProviders(<SelectList items={items} height={10} width={40} onSelect={() => {}} />);
    unmount = r.unmount;
    const rows = plain(await r.waitFor('Short')).split('\n');
    expect(rows.slice(0, 4).map((l) => l.trimEnd())).toEqual([
      '› LoRA on your laptop: teach a small',
      '  model to triage support tickets',
      '  30 min · 5 steps',
      '  ✓ Short 40 min · 6 steps',
    ]);
    expect(plain(r.lastFrame() ?? '')).not.toContain('…');
  });
  it("keeps the cursor's item whole in view when items take several rows", () => {
    expect(windowStartRows(0, 0, 5, [2, 2, 2, 2])).toBe(0);
    // cursor on the third item: it and the one after it (4 rows) fit with one item above
    expect(windowStartRows(2, 0, 5, [2, 2, 2, 2])).toBe(2);
    expect(windowStartRows(3, 0, 5, [2, 2, 2, 2])).toBe(2);
    // an item taller than the list still starts the window
    expect(windowStartRows(1, 0, 2, [1, 4, 1])).toBe(1);
  });
});
