// Lint: typescript-eslint's recommended rules, plus the layer rule of docs/ARCHITECTURE.md enforced on
// imports (import-x/no-restricted-paths) and no import cycles anywhere in src/ (import-x/no-cycle).
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Each layer and the folders it must never import (lower layers never import higher ones). */
const layers = [
  {
    from: 'src/shared',
    never: ['src/cli', 'src/commands', 'src/ui', 'src/app', 'src/core', 'src/engines'],
    why: 'shared/ is a leaf: it imports nothing of ftlab',
  },
  {
    from: 'src/core',
    never: ['src/cli', 'src/commands', 'src/ui', 'src/app', 'src/engines'],
    why: 'core/ is the domain: it never imports engines, application services, UI or CLI',
  },
  {
    from: 'src/engines',
    never: ['src/cli', 'src/commands', 'src/ui', 'src/app'],
    why: 'engines never import application services, UI or CLI',
  },
  { from: 'src/app', never: ['src/cli', 'src/commands', 'src/ui'], why: 'application services never import UI or CLI' },
  { from: 'src/ui', never: ['src/cli', 'src/commands'], why: 'the UI never imports command implementations or the CLI' },
  { from: 'src/commands', never: ['src/cli'], why: 'command implementations never import the argument parser' },
];

export default tseslint.config(
  // The AssemblyScript kernels are checked by their own tsconfig (npm run typecheck), not by eslint.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'labs/**', 'test/**/fixtures/**', 'src/engines/llm/kernels/assembly/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: layers.flatMap((l) => l.never.map((target) => ({ target: `./${l.from}`, from: `./${target}`, message: l.why }))),
        },
      ],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `cond && act()` and `a ? b() : c()` as statements are used on purpose in key handlers.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    // Tests read JSON documents and child-process output whose shape the assertions check.
    files: ['test/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
