// Type-aware lint for the whole project. Workflow code runs in Temporal's deterministic sandbox, so files under
// workflows/ may import only the workflow SDK, common types, and activity *types*.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'tls',
  'dns',
  'url',
  'util',
  'stream',
  'events',
  'worker_threads',
  'process',
  'timers',
  'zlib',
  'buffer',
  'readline',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.temporal/**',
      '.entra-saga/**',
      '.cluster/**',
      'scratch/**',
      'test-artifacts/**',
      'dist/**',
      'dist.next/**',
      'dist.old/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // common/ is imported by workflows too: it stays free of Node and of everything that is not deterministic.
    files: ['common/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: nodeBuiltins,
              message: 'common/ is imported by workflows: no Node built-ins (put Node-only code in config/).',
            },
            {
              group: [
                '@azure/*',
                '@microsoft/*',
                'undici',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/envconfig',
              ],
              message: 'common/ is imported by workflows: no clients or I/O.',
            },
            {
              group: ['**/activities/**', '**/activities'],
              allowTypeImports: true,
              message: 'Import activities as types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'Workflow code is deterministic: no Node built-ins.' },
            {
              group: ['@azure/*', '@microsoft/*', 'undici'],
              message: 'Workflow code never calls Graph; activities do.',
            },
            {
              group: [
                '**/emulator/**',
                '**/graph/**',
                '**/worker/**',
                '**/client/**',
                '**/devstack/**',
                '**/config/**',
              ],
              message: 'Workflow code may import only the workflow SDK, common/ and activity types.',
            },
            {
              group: ['**/activities/**', '**/activities'],
              allowTypeImports: true,
              message: 'Import activities as types only (import type ...).',
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
              message: 'Workflow code may use @temporalio/workflow and @temporalio/common only.',
            },
          ],
        },
      ],
    },
  },
);
