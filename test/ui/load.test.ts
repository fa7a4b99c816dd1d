// loadUiModules hides `fetch` while Ink's layout engine loads (see src/ui/app/load.ts); the global
// must come back exactly as it was, or the serving lab's HTTP calls would break.
import { describe, expect, it } from 'vitest';
import { loadUiModules } from '../../src/ui/app/load.js';

describe('loadUiModules', () => {
  it('loads the app once and puts fetch back as it was', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    const first = loadUiModules();
    expect(loadUiModules()).toBe(first);
    const modules = await first;
    expect(typeof modules.runApp).toBe('function');
    expect(typeof modules.loadScreen).toBe('function');
    expect(Object.getOwnPropertyDescriptor(globalThis, 'fetch')).toEqual(before);
    expect(typeof fetch).toBe('function');
  });
});
