import type { Theme } from './tokens.js';

export const darkTheme: Theme = {
  name: 'dark',
  hasColor: true,
  text: { primary: undefined, secondary: 'gray', muted: 'gray', accent: 'cyan', link: 'blueBright' },
  status: { success: 'green', warning: 'yellow', error: 'red', info: 'cyan' },
  border: { default: 'gray', focused: 'cyan' },
  selection: { fg: 'black', bg: 'cyan' },
  markdown: {
    h1: 'magentaBright',
    h2: 'cyanBright',
    h3: 'blueBright',
    code: 'yellow',
    quote: 'gray',
    tableBorder: 'gray',
    callout: { note: 'blueBright', tip: 'green', important: 'magenta', warning: 'yellow', caution: 'red' },
  },
  syntax: {
    keyword: 'magenta',
    string: 'green',
    number: 'yellow',
    comment: 'gray',
    title: 'blueBright',
    type: 'cyan',
    literal: 'yellow',
    meta: 'gray',
    attr: 'cyan',
  },
  chart: { bar: 'cyan', barAlt: 'magenta', axis: 'gray', good: 'green', bad: 'red' },
};

/** NO_COLOR: every role is the terminal default. */
export const noColorTheme: Theme = {
  name: 'no-color',
  hasColor: false,
  text: { primary: undefined, secondary: undefined, muted: undefined, accent: undefined, link: undefined },
  status: { success: undefined, warning: undefined, error: undefined, info: undefined },
  border: { default: undefined, focused: undefined },
  selection: { fg: undefined, bg: undefined },
  markdown: {
    h1: undefined,
    h2: undefined,
    h3: undefined,
    code: undefined,
    quote: undefined,
    tableBorder: undefined,
    callout: { note: undefined, tip: undefined, important: undefined, warning: undefined, caution: undefined },
  },
  syntax: {
    keyword: undefined,
    string: undefined,
    number: undefined,
    comment: undefined,
    title: undefined,
    type: undefined,
    literal: undefined,
    meta: undefined,
    attr: undefined,
  },
  chart: { bar: undefined, barAlt: undefined, axis: undefined, good: undefined, bad: undefined },
};

/** NO_COLOR (any non-empty value) wins, as https://no-color.org asks. */
export function pickTheme(env: NodeJS.ProcessEnv = process.env, forceNoColor = false): Theme {
  if (forceNoColor || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return noColorTheme;
  return darkTheme;
}
