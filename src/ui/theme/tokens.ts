// Semantic colour roles. Components ask for a role ("status.error"), never a raw colour, so the
// no-colour palette can swap every colour for nothing while emphasis moves to bold/underline.
// A colour is an Ink colour name or hex string; undefined means "terminal default".
export type Color = string | undefined;

export interface Theme {
  name: 'dark' | 'no-color';
  /** false in the no-colour palette: components use bold/inverse/markers instead. */
  hasColor: boolean;
  text: { primary: Color; secondary: Color; muted: Color; accent: Color; link: Color };
  status: { success: Color; warning: Color; error: Color; info: Color };
  border: { default: Color; focused: Color };
  selection: { fg: Color; bg: Color };
  markdown: {
    h1: Color;
    h2: Color;
    h3: Color;
    code: Color;
    quote: Color;
    tableBorder: Color;
    callout: Record<'note' | 'tip' | 'important' | 'warning' | 'caution', Color>;
  };
  /** highlight.js scopes, grouped. */
  syntax: {
    keyword: Color;
    string: Color;
    number: Color;
    comment: Color;
    title: Color;
    type: Color;
    literal: Color;
    meta: Color;
    attr: Color;
  };
  chart: { bar: Color; barAlt: Color; axis: Color; good: Color; bad: Color };
}

/** Roles of inline text (the Tone component): each is one of the semantic tokens above. */
export type ToneRole = 'accent' | 'ok' | 'bad' | 'warn' | 'muted' | 'heading' | 'cursor';

export function toneColor(theme: Theme, role: ToneRole): Color {
  switch (role) {
    case 'accent':
      return theme.text.accent;
    case 'ok':
      return theme.status.success;
    case 'bad':
      return theme.status.error;
    case 'warn':
      return theme.status.warning;
    case 'muted':
      return theme.text.muted;
    case 'cursor':
      return theme.border.focused;
    case 'heading':
      return undefined;
  }
}
