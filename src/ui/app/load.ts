// Loads the interactive app's code (Ink, React, the screens) once per process.
//
// Ink's layout engine, yoga-layout, carries its WebAssembly inline as a base64 data: URL and reads it
// with `fetch` whenever `typeof fetch === 'function'`. In Node that first touch of `fetch` loads undici
// with Node's HTTP, TLS, zlib and web-stream modules, and decodes the data: URL in JavaScript: about a
// fifth of the home screen's start-up, for nothing. While the UI modules evaluate, `fetch` is hidden,
// so yoga takes its synchronous base64 path; it is put back as soon as they have loaded (nothing in
// ftlab fetches during module evaluation).
import type * as RunModule from './run.js';
import type * as ScreensModule from './screens.js';
import type * as TerminalModule from './terminal.js';

export interface UiModules {
  run: typeof RunModule;
  screens: typeof ScreensModule;
  terminal: typeof TerminalModule;
}

let loading: Promise<UiModules> | undefined;

export function loadUiModules(): Promise<UiModules> {
  loading ??= withoutFetch(async () => {
    const [run, screens, terminal] = await Promise.all([import('./run.js'), import('./screens.js'), import('./terminal.js')]);
    return { run, screens, terminal };
  });
  return loading;
}

async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  // Reading the descriptor does not trigger Node's lazy getter; only a configurable one can be swapped.
  if (!original?.configurable) return load();
  Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true, enumerable: original.enumerable });
  try {
    return await load();
  } finally {
    Object.defineProperty(globalThis, 'fetch', original);
  }
}
