// Stands in for ajv, ajv-formats and semver inside the bundled `conf` (see scripts/build.mjs).
// conf imports them at load time but only uses them for its `schema` and `migrations` options,
// which ftlab never passes: settings are validated with zod in src/core/store/settings.ts. Leaving
// them out takes ~400 KB of module evaluation off the home screen's start-up. If a future change
// passes those options, this fails loudly instead of silently skipping validation.
function unavailable() {
  throw new Error("conf's schema/migrations support is not bundled in ftlab (see scripts/stubs/conf-unused.mjs)");
}
export class Ajv2020 {
  constructor() {
    unavailable();
  }
}
// Default export for both `import semver from 'semver'` (semver.eq, …) and
// `import ajvFormats from 'ajv-formats'` (ajvFormats.default): every property throws when called.
export default new Proxy({}, { get: () => unavailable });
