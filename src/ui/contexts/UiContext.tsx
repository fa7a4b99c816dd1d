// How the UI looks: palette (colour or NO_COLOR), glyph set (box drawing or ASCII) and whether
// the screen-reader layout is on. Chosen once at start-up from flags and the environment.
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { Theme } from '../theme/tokens.js';
import { pickTheme } from '../theme/palettes.js';
import { asciiGlyphs, unicodeGlyphs, type Glyphs } from '../theme/glyphs.js';

export interface UiOptions {
  /** Plain text: no box art, no colour-only meaning, lists read top to bottom. */
  screenReader: boolean;
  /** ASCII borders and glyphs instead of box drawing characters. */
  ascii: boolean;
  /** Disable colour (NO_COLOR). */
  noColor: boolean;
}

export interface UiSettings {
  options: UiOptions;
  theme: Theme;
  glyphs: Glyphs;
}

export function uiOptionsFrom(flags: { screenReader?: boolean; ascii?: boolean }, env: NodeJS.ProcessEnv = process.env): UiOptions {
  const screenReader = Boolean(flags.screenReader) || env.INK_SCREEN_READER === 'true';
  return {
    screenReader,
    ascii: Boolean(flags.ascii) || screenReader,
    noColor: pickTheme(env).name === 'no-color',
  };
}

export function makeUiSettings(options: UiOptions): UiSettings {
  return {
    options,
    theme: pickTheme({}, options.noColor),
    glyphs: options.ascii ? asciiGlyphs : unicodeGlyphs,
  };
}

const UiContext = createContext<UiSettings | null>(null);

export function UiProvider({ options, children }: { options: UiOptions; children: ReactNode }) {
  const value = useMemo(() => makeUiSettings(options), [options.screenReader, options.ascii, options.noColor]);
  return <UiContext.Provider value={value}>{children}</UiContext.Provider>;
}

export function useUi(): UiSettings {
  const ui = useContext(UiContext);
  if (!ui) throw new Error('useUi must be used inside <UiProvider>');
  return ui;
}

export const useTheme = (): Theme => useUi().theme;
export const useGlyphs = (): Glyphs => useUi().glyphs;
