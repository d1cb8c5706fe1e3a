// Lint = package boundaries, enforced by the ecosystem's tools (STYLE.md sections 1 and 6):
//   1. @nx/enforce-module-boundaries: project tags decide who may depend on whom
//      (type:core on nothing, type:plugin on type:core, type:app on core and plugins,
//      type:tools on anything), no circular project dependencies, no relative import
//      that leaves its project, and (packages and the app) no npm import that their
//      package.json does not declare;
//   2. no-restricted-imports: no deep imports (@syncline/x/src, /dist, /internal or any
//      other subpath), and @syncline/core/testing only from tests;
//   3. import-x/no-cycle: no import cycle among one package's own files;
//   4. @typescript-eslint/consistent-type-imports: type-only imports say so.
// Formatting is prettier's job (`npm run lint` runs prettier --check after ESLint; `npm run format` rewrites), so no stylistic rule is on here.
//
// The nx rule reads nx's cached project graph and silently skips itself when there is
// none, so this file refreshes the graph first (about 2 s, no daemon).
import nxPlugin from '@nx/eslint-plugin';
import { createProjectGraphAsync } from '@nx/devkit';
import eslintConfigPrettier from 'eslint-config-prettier/flat';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

process.env.NX_DAEMON ??= 'false';
process.env.NX_NO_CLOUD ??= 'true';
await createProjectGraphAsync({ exitOnError: false });

const TS = ['**/*.ts', '**/*.mts', '**/*.cts'];
const JS = ['**/*.js', '**/*.mjs', '**/*.cjs'];
const TESTS = ['**/*.test.ts', '**/tests/**', '**/testing/**'];

/** Project-tag rules: who may depend on whom. Every project carries exactly one type:* tag. */
export const depConstraints = [
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:plugin', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:plugin'] },
  { sourceTag: 'type:tools', onlyDependOnLibsWithTags: ['*'] },
];

/** Options of @nx/enforce-module-boundaries (exported for tools/scripts/lint-boundaries.test.ts). */
export const nxBoundaryOptions = {
  depConstraints,
  // Every project's jest.config.js extends the workspace-root preset, which belongs to no project.
  allow: ['^(\\.\\./)+jest\\.preset\\.js$'],
  // tools and the trainer load backends both statically and through import();
  // nx's lazy-load check is for bundled apps and does not apply here.
  checkDynamicDependenciesExceptions: ['@syncline/*'],
};

const deepImportPatterns = [
  {
    group: ['@syncline/*/src', '@syncline/*/src/**', '@syncline/*/dist', '@syncline/*/dist/**'],
    message: "Import the package's public entry (its src/index.ts), not its source or build files.",
  },
  {
    group: ['@syncline/*/internal', '@syncline/*/internal/**'],
    message: "A package's internal/ folder is private to it; import the package's public entry.",
  },
  {
    // Any other subpath; @syncline/core/testing (the shared conformance suite) is the one exception.
    regex: '^@syncline/(?!core/testing$)[^/]+/(?!(src|dist|internal)(/|$)).+',
    message: "Only a package's public entry (and @syncline/core/testing in tests) may be imported.",
  },
];

/** @type {import('eslint').Linter.Config[]} */
export default [
  {
    name: 'syncline/ignores',
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '.nx/**',
      '.test-results/**',
      '.scratch-*/**',
      'tmp/**',
      'test-data/**',
      'tools/fixtures/**',
      '**/*.d.ts',
    ],
  },
  {
    name: 'syncline/languages',
    files: [...TS, ...JS],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    name: 'syncline/typescript',
    files: TS,
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: true }],
    },
  },
  {
    name: 'syncline/boundaries',
    files: [...TS, ...JS],
    plugins: { '@nx': nxPlugin, 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts', '.cts'] },
      'import-x/external-module-folders': ['node_modules'],
      // no-cycle stays inside a package: an import of another package resolves (through its
      // node_modules link) to that package's build output, which is not followed.
      'import-x/ignore': ['[\\\\/]dist[\\\\/]'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'] })],
    },
    rules: {
      '@nx/enforce-module-boundaries': ['error', nxBoundaryOptions],
      'no-restricted-imports': ['error', { patterns: deepImportPatterns }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // What the packages and the app import from npm must be in their own package.json (or the
    // root's), or a consumer's install lacks it. nx reads dependencies, devDependencies and
    // peerDependencies but not optionalDependencies, hence collective's koffi is allowed by name.
    name: 'syncline/declared-dependencies',
    files: ['packages/**', 'apps/**'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', { ...nxBoundaryOptions, banTransitiveDependencies: true, allow: [...nxBoundaryOptions.allow, '^koffi$'] }],
    },
  },
  {
    name: 'syncline/testing-only-in-tests',
    files: ['packages/*/src/**', 'apps/*/src/**'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [...deepImportPatterns, { group: ['@syncline/core/testing'], message: '@syncline/core/testing is for tests only.' }],
        },
      ],
    },
  },
  // Last: switches off any rule that would fight prettier's formatting.
  eslintConfigPrettier,
];
