// Loads the interactive app's code (Ink, React, the screens) once per process.
//
// Ink's layout engine, yoga-layout, carries its WebAssembly inline as a base64 data: URL and reads it
// with `fetch` whenever `typeof fetch === 'function'`. In Node that first touch of `fetch` loads undici
// with Node's HTTP, TLS, zlib and web-stream modules, and decodes the data: URL in JavaScript: about a
// fifth of the home screen's start-up, for nothing. While the UI modules evaluate, `fetch` is hidden,
// so yoga takes its synchronous base64 path; it is put back as soon as they have loaded (nothing in
// ftlab fetches during module evaluation).
import type * as RunModule from './run.js';

/** run.tsx and what it re-exports (loadScreen, RawModeUnavailableError). */
export type UiModules = typeof RunModule;

let loading: Promise<UiModules> | undefined;

// One dynamic import: a module imported both statically and dynamically costs esbuild an extra
// facade chunk, and every chunk is one more module for Node to resolve, read and link at start-up.
export function loadUiModules(): Promise<UiModules> {
  loading ??= withoutFetch(() => import('./run.js'));
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
