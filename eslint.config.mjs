import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';
import { layerRules, testRules } from './eslint.layers.mjs';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.grantline/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  // One recorder (docs/decisions/0026-one-recorder.md): services and the OAuth library hand
  // decisions to recordDecision; nothing else there appends to the log.
  {
    files: ['services/*/src/**/*.ts', 'libs/oauth/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'libs/oauth/src/recording/recorder.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          selector: "CallExpression[callee.property.name='append']",
          message: 'Record a decision with recordDecision (lib-oauth) instead of appending to the log.',
        },
      ],
    },
  },
  // One JSON body parser (libs/runtime/src/json-body.ts): it refuses repeated member names.
  {
    files: ['libs/*/src/**/*.ts', 'services/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', 'libs/runtime/src/json-body.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'express', property: 'json', message: 'Read JSON bodies with jsonBody (lib-runtime).' },
      ],
    },
  },
  {
    files: ['test/jest.global-*.ts', 'jest.config.js', 'eslint.config.mjs', 'libs/cli/bin/*.js'],
    rules: { 'no-restricted-syntax': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
  },
  // Layers (docs/decisions/0028-layers.md): no upward import, no library importing a service.
  ...layerRules(),
  ...testRules(),
  // No import cycle, between files or, through their index files, between packages: the
  // resolver follows @grantline/* to each package's src, as the root tsconfig maps them.
  {
    files: ['libs/*/src/**/*.ts', 'services/*/src/**/*.ts', 'test/**/*.ts', 'deploy/image/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
      // Without these the plugin cannot read the TypeScript files it reaches, and finds no cycle.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    files: ['test/*.mjs'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  // The examples are plain Node.js modules, run as they are.
  {
    files: ['examples/*/*.mjs'],
    languageOptions: {
      globals: Object.fromEntries(
        ['fetch', 'AbortSignal', 'URL', 'URLSearchParams', 'Buffer', 'process'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
