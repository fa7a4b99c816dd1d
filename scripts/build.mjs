// Bundles the CLI with esbuild: one small entry (dist/cli.js) plus lazily loaded chunks, so that
// `ftlab metrics …` never pays for React/Ink and the home screen starts fast.
// Worker entry points (src/**/*.worker.ts) are bundled alongside as dist/<name>.worker.js.
import { build } from 'esbuild';
import { readdirSync, statSync, chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function findWorkers(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findWorkers(p));
    else if (name.endsWith('.worker.ts')) out.push(p);
  }
  return out;
}

const entryPoints = { cli: join(root, 'src/cli/entry.ts') };
for (const w of findWorkers(join(root, 'src'))) {
  entryPoints[basename(w, '.ts')] = w;
}

// Extra build steps (e.g. compiling WebAssembly kernels) register themselves here.
const preSteps = [];
const kernelStep = join(root, 'scripts/build-kernels.mjs');
if (existsSync(kernelStep)) preSteps.push(kernelStep);
for (const step of preSteps) {
  const mod = await import(step);
  await mod.default({ root });
}

// Chunks have hashed names, so old ones would pile up. Delete only those older than an hour: a CLI that
// is running now (a test, a second window) may still load a chunk of the build it started from.
const chunkDir = join(root, 'dist/chunks');
if (existsSync(chunkDir)) {
  const hourAgo = Date.now() - 3600_000;
  for (const f of readdirSync(chunkDir)) {
    const p = join(chunkDir, f);
    if (statSync(p).mtimeMs < hourAgo) rmSync(p, { force: true });
  }
}

// conf imports ajv, ajv-formats and semver eagerly but uses them only for options ftlab never passes
// (schema, migrations); bundle a stub that throws in their place (scripts/stubs/conf-unused.mjs).
const confUnusedStub = join(root, 'scripts/stubs/conf-unused.mjs');
const confOptionalDeps = {
  name: 'conf-optional-deps',
  setup(b) {
    b.onResolve({ filter: /^(ajv\/dist\/2020\.js|ajv-formats|semver)$/ }, (args) =>
      /[\\/]node_modules[\\/]conf[\\/]/.test(args.importer) ? { path: confUnusedStub } : undefined,
    );
  },
};

// zod's mini build is used on the start-up path (src/core/store/settings.ts), the full build elsewhere. With
// code splitting they would share one chunk holding all of zod's core as the full build uses it, so the
// home screen would evaluate ~650 KB of zod. Bundle src/core/store/zod-mini.ts (the functions settings.ts
// uses) on its own, tree-shaken, and point settings.ts at that copy.
const zodMiniEntry = join(root, 'src/core/store/zod-mini.ts');
const zodMini = await build({
  entryPoints: [zodMiniEntry],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  logLevel: 'warning',
});
const zodMiniStandalone = {
  name: 'zod-mini-standalone',
  setup(b) {
    b.onResolve({ filter: /[\\/]zod-mini\.js$/ }, (args) =>
      args.importer.endsWith('settings.ts') ? { path: zodMiniEntry, namespace: 'zod-mini-standalone' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-mini-standalone' }, () => ({ contents: zodMini.outputFiles[0].text, loader: 'js' }));
  },
};

// Ink's <Text> wrapping leaves a space at the start of a row when two words meet exactly at the width;
// src/ui/ink/wrap-ansi.ts wraps the same way without it. Only Ink's import is redirected.
const inkWrapAnsi = {
  name: 'ink-wrap-ansi',
  setup(b) {
    b.onResolve({ filter: /^wrap-ansi$/ }, (args) =>
      /[\\/]node_modules[\\/]ink[\\/]/.test(args.importer) ? { path: join(root, 'src/ui/ink/wrap-ansi.ts') } : undefined,
    );
  },
};

const result = await build({
  entryPoints,
  // FTLAB_BUILD_META=FILE writes esbuild's metafile (which modules went into which chunk).
  metafile: Boolean(process.env.FTLAB_BUILD_META),
  outdir: join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // swagger-ui locates its static assets via __dirname, so it is loaded from node_modules at run time.
  external: ['react-devtools-core', 'node-pty', '@fastify/swagger-ui'],
  jsx: 'automatic',
  loader: { '.wasm': 'binary' },
  define: { 'process.env.NODE_ENV': '"production"' },
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __ftlabCreateRequire } from 'node:module'; const require = __ftlabCreateRequire(import.meta.url);",
  },
  plugins: [confOptionalDeps, zodMiniStandalone, inkWrapAnsi],
  logLevel: 'warning',
});
chmodSync(join(root, 'dist/cli.js'), 0o755);
if (process.env.FTLAB_BUILD_META) writeFileSync(process.env.FTLAB_BUILD_META, JSON.stringify(result.metafile));
if (process.env.FTLAB_BUILD_VERBOSE)
  console.error(
    'built',
    Object.keys(entryPoints)
      .map((k) => relative(root, entryPoints[k]))
      .join(', '),
  );
