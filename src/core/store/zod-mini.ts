// The part of zod's "mini" build that the settings schema uses. scripts/build.mjs bundles this file
// on its own so the start-up path does not share (and evaluate) the chunk of full zod that the content
// loader uses. Add a name here when settings.ts needs another zod function.
export { _default, array, boolean, gte, int, lte, nonnegative, number, object, optional, record, regex, string, unknown } from 'zod/mini';
export type { output as Infer, ZodMiniType } from 'zod/mini';
