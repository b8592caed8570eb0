import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const NO_ELECTRON = { name: 'electron', message: 'Only the thin adapters in electron/*.ts may import electron.' };
const NO_PROVIDER = {
  group: ['**/payments/multisafepay', '**/payments/multisafepay/**'],
  message: 'Only payments/provider.ts: a provider (MultiSafepay) is wired in by the service and the connection.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'dist-electron/**', 'release/**', 'node_modules/**', 'test-results/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/set-state-in-effect': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: [NO_ELECTRON] }],
    },
  },
  // What may import what (ARCHITECTURE.md): the screen and the shared contract never reach into the main process,
  // and the core never into the screen.
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_ELECTRON],
          patterns: [
            { group: ['**/electron/**'], message: 'The renderer imports only shared/ (the typed contract), never the main process.' },
            { group: ['node:*'], message: 'The renderer runs in a browser: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_ELECTRON],
          patterns: [
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ is the contract both sides import; it imports neither.' },
            { group: ['node:*'], message: 'shared/ also runs in the browser: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [NO_ELECTRON], patterns: [{ group: ['**/renderer/**'], message: 'The core never imports the screen.' }] },
      ],
    },
  },
  {
    files: ['electron/core/ledger/**/*.ts', 'electron/core/printing/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_ELECTRON],
          patterns: [
            { group: ['**/renderer/**'], message: 'The core never imports the screen.' },
            {
              group: ['**/engine/engine', '**/engine/follower', '**/service'],
              message: 'The ledger and printing are below the engine: they may not call it.',
            },
            NO_PROVIDER,
          ],
        },
      ],
    },
  },
  // The engine and the sales book speak to the payment-provider port (payments/provider.ts), never to a provider.
  {
    files: [
      'electron/core/engine/**/*.ts',
      'electron/core/sales.ts',
      'electron/core/drawer.ts',
      'electron/core/sales-export.ts',
      'electron/core/refunds.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_ELECTRON],
          patterns: [{ group: ['**/renderer/**'], message: 'The core never imports the screen.' }, NO_PROVIDER],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['electron/*.ts', 'test/**/*.ts', 'vite.config.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
