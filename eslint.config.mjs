// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Imports that cross a process boundary are refused here, so a wrong API is
// a lint error and not a review comment.
const nodeAndElectron = ['fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'electron'];

// Shipped client code reaches a network only through a connection profile;
// the dev network's tooling, tests and scripts are not part of the app.
// (electron/test may use the network test helpers: tests are not shipped.)
const notTooling = {
  group: ['**/network/src/**', '**/network/test/**', '**/scripts/**', '**/chaincode/**'],
  message: 'shipped app code must not import network tooling, scripts or chaincode (use the connection profile)',
};

// The renderer reaches the app only through the declared API.
const rendererOnly = { group: ['node:*', '**/electron/src/node/**', '**/electron/src/main/**'] };

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'build/**', 'chaincode/dist/**', 'protocol/dist/**', '.ktalk/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Typed rules for what review missed: a promise nobody awaits loses its
    // error, and a switch over a union must handle every member. node:test's
    // describe/it return promises the runner itself awaits.
    files: ['**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts', 'renderer/vitest.config.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Chaincode must be deterministic across endorsers.
    files: ['chaincode/src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'use ctx.now() (the transaction timestamp)' },
        { object: 'Math', property: 'random', message: 'chaincode must be deterministic' },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'use ctx.now()' },
      ],
    },
  },
  {
    // The protocol is neutral ground both sides import: zod and itself only.
    // No Node built-ins (the renderer imports it too), and never the code of
    // either side or the tooling, so it cannot come to depend on them.
    files: ['protocol/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeAndElectron, 'ktalk-chaincode'],
          patterns: [
            { group: ['node:*'], message: 'protocol/ runs where there is no Node (the renderer): no built-ins' },
            {
              regex: '^(\\.\\./)+(chaincode|electron|renderer|network|scripts)(/|$)|^\\.\\./\\.\\./\\.\\.',
              message: 'protocol/ imports only zod and itself, never chaincode, client, renderer or tooling code',
            },
          ],
        },
      ],
    },
  },
  {
    // Neutral code: no Node, no Electron.
    files: ['electron/src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeAndElectron, patterns: [{ group: ['node:*'] }, notTooling] }],
    },
  },
  {
    // Node-only helpers the network tooling uses too (certificate parsing):
    // Node built-ins only, nothing from the app or the tooling.
    files: ['electron/src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [{ regex: '^\\.\\./', message: 'electron/src/shared imports only Node built-ins and itself' }],
        },
      ],
    },
  },
  {
    // Plain-Node app core, shared by the Electron main process and web mode.
    files: ['electron/src/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'], patterns: [notTooling] }] },
  },
  {
    files: ['electron/src/main/**/*.ts', 'electron/src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [notTooling] }] },
  },
  {
    // The renderer sees only the declared API (and its tests only that plus the test tools).
    files: ['renderer/src/**/*.{ts,tsx}', 'renderer/test/**/*.{ts,tsx}', 'renderer/harness/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: nodeAndElectron, patterns: [rendererOnly] }] },
  },
  {
    // A feature is one folder that imports only shared code (components/,
    // lib/, api/, i18n/); the app composes features, so a feature never
    // imports another feature or app/.
    files: ['renderer/src/features/*/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeAndElectron,
          patterns: [
            rendererOnly,
            {
              regex: '^\\.\\./(?!\\.)',
              message: 'a feature does not import another feature: move the shared piece to components/ or lib/',
            },
            {
              regex: '^\\.\\./\\.\\./(app|features)(/|$)',
              message:
                'a feature does not import app/ or other features: the app hands pieces in (see lib/chat-addons)',
            },
          ],
        },
      ],
    },
  },
);
