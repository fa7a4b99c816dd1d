import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

// As in the bundle (scripts/build.mjs): Ink's import of wrap-ansi goes to src/ui/ink/wrap-ansi.ts,
// so component tests see the wrapping the app ships. Ink is inlined so that Vite resolves its imports.
const inkWrapAnsi: Plugin = {
  name: 'ink-wrap-ansi',
  enforce: 'pre',
  resolveId(source, importer) {
    if (source === 'wrap-ansi' && importer && /[\\/]node_modules[\\/]ink[\\/]/.test(importer)) {
      return fileURLToPath(new URL('./src/ui/ink/wrap-ansi.ts', import.meta.url));
    }
    return null;
  },
};

export default defineConfig({
  plugins: [inkWrapAnsi],
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts', 'src/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    server: { deps: { inline: ['ink', 'ink-testing-library'] } },
  },
});
