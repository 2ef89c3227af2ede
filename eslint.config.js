// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'admin-bundle/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Unused code is an error. `_name` marks a parameter an interface makes us accept, and a rest sibling is how an object is copied without a key.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'all', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // nest-commander, AdminJS hooks and our own interfaces ask for functions returning a Promise, and `async` is the plain way to write one that needs no await.
      '@typescript-eslint/require-await': 'off',
      // A closure created before the variable is set (a server's handler that needs the server) reads it later.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // DESIGN.md lives outside the repository; comments point to docs/ instead.
      'no-warning-comments': ['error', { terms: ['DESIGN.md'], location: 'anywhere' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // Tests and benchmarks read parsed JSON and YAML (CLI --json, AdminJS's API, the OpenAPI document) as `any` and check its shape with expect or ajv.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
);
