// Lint rules for every process: strict typed TypeScript, no `any`, hooks rules in the renderer,
// and the layers of DESIGN.md as import rules (each message says what to do instead).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** Test code and test fixtures may reach across layers; product code may not. */
const testFiles = ['**/*.test.ts', '**/*.test.tsx', '**/testing/**'];

/** testing/ folders hold fixtures for tests; product code never imports them. */
const testingIsForTests = {
  regex: '(^|/)testing(/|$)',
  message: 'testing/ holds test fixtures: only tests import it.',
};

const nodeBuiltin = (message) => ({
  regex:
    '^(node:|(fs|path|os|net|http|https|child_process|crypto|worker_threads|stream|zlib|url|util|events|readline|timers)(/.*)?$)',
  message,
});

const onlyIpcHostUsesIpcMain = {
  name: 'electron',
  importNames: ['ipcMain'],
  message: 'Only electron/hosts/ipc.ts uses ipcMain: register channels through its host.',
};
const onlyPreloadUsesIpcRenderer = {
  name: 'electron',
  importNames: ['ipcRenderer'],
  message: 'Only the preload uses ipcRenderer, and it exposes the contract only.',
};

/**
 * DESIGN.md "Layers": who may import what. One entry per folder (a later entry for the same file
 * would replace, not add to, an earlier one's no-restricted-imports); tests are exempt.
 */
const layerRules = [
  {
    name: 'layers/renderer',
    files: ['renderer/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            testingIsForTests,
            {
              regex: '(^|/)(electron|e2e|bench|scripts)(/|$)',
              message:
                'The renderer knows only renderer/ and shared/: reach main through the bridge (renderer/src/api).',
            },
            {
              regex: '^@(aws-sdk|smithy|duckdb)/',
              message:
                'AWS and database clients live in main (electron/adapters); the renderer asks through the bridge.',
            },
            nodeBuiltin(
              'The renderer is sandboxed: no Node built-ins. Ask main through the bridge.',
            ),
          ],
        },
      ],
    },
  },
  {
    name: 'layers/shared',
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            testingIsForTests,
            {
              regex: '(^|/)(electron|renderer|e2e|bench|scripts)(/|$)',
              message:
                'shared/ is imported by both processes: it may import only shared/ and pure libraries.',
            },
            {
              regex: '^(react|react-dom)(/|$)',
              message: 'shared/ has no UI: put components in renderer/.',
            },
            {
              regex: '^@(aws-sdk|smithy|duckdb)/',
              message: 'shared/ is pure: AWS and database clients live in electron/adapters.',
            },
            nodeBuiltin('shared/ runs in the renderer too: no Node built-ins.'),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'navigator',
          'localStorage',
          'sessionStorage',
          'HTMLElement',
          'location',
        ].map((name) => ({ name, message: 'shared/ runs in main too: no DOM.' })),
        ...['process', 'Buffer', 'require', '__dirname', '__filename'].map((name) => ({
          name,
          message: 'shared/ runs in the renderer too: no Node globals.',
        })),
      ],
    },
  },
  {
    name: 'layers/services',
    files: ['electron/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            testingIsForTests,
            {
              regex: '^electron(/|$)',
              message:
                'Services are pure: take Electron pieces as ports (electron/services/ports.ts), implemented in electron/adapters.',
            },
            {
              regex: '^(node:)?(fs|net|child_process|worker_threads|http|https)(/.*)?$',
              message:
                'Services are pure: file system, network and processes go through a port implemented in electron/adapters.',
            },
            {
              regex: '^@(aws-sdk|smithy|duckdb)/',
              message:
                'Services are pure: AWS and database clients live in electron/adapters behind a port.',
            },
            {
              regex: '(^|/)(adapters|hosts|main|sandbox)(/|$)',
              message: 'Services take ports; only electron/main wires adapters in.',
            },
            { regex: '(^|/)renderer(/|$)', message: 'Main never imports the renderer.' },
          ],
        },
      ],
    },
  },
  {
    name: 'layers/sandbox',
    files: ['electron/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            testingIsForTests,
            {
              regex: '^\\.\\./',
              message: 'The sandbox is a standalone model of AWS: it imports nothing from the app.',
            },
            { regex: '^electron(/|$)', message: 'The sandbox runs without Electron.' },
          ],
        },
      ],
    },
  },
  {
    // Services and the sandbox import no electron at all (above); elsewhere in main only the
    // ipc host uses ipcMain, and only the preload uses ipcRenderer.
    name: 'layers/electron-ipc',
    files: ['electron/**/*.ts'],
    ignores: [
      'electron/services/**',
      'electron/sandbox/**',
      'electron/hosts/ipc.ts',
      'electron/preload/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [onlyIpcHostUsesIpcMain, onlyPreloadUsesIpcRenderer],
          patterns: [testingIsForTests],
        },
      ],
    },
  },
  {
    name: 'layers/preload',
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [onlyIpcHostUsesIpcMain], patterns: [testingIsForTests] },
      ],
    },
  },
].map((layer) => ({ ...layer, ignores: [...(layer.ignores ?? []), ...testFiles] }));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'out-*/**',
      'test-reports/**',
      'dist/**',
      'release/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', '.ci/*.mjs'],
          // The plain scripts (scripts/*.mjs and the configs) outnumber the default limit of 8.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 16,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
    languageOptions: { globals: { ...globals.browser } },
  },
  ...layerRules,
  {
    // Small units (STYLE.md): a function does one thing, and a test describe holds one theme.
    // Tests are included; a file that is a genuine table of data would be excluded here by name,
    // with the reason (none is today).
    name: 'small-units',
    files: ['electron/services/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Numbers and dates are formatted only by renderer/src/locale.ts: a formatter built on the
    // browser's own locale throws for a tag ICU refuses (en-US@posix) and blanks the window.
    files: ['renderer/src/**/*.{ts,tsx}'],
    ignores: ['renderer/src/locale.ts', 'renderer/src/**/*.test.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Intl']",
          message: 'Format through renderer/src/locale.ts (formatNumber, formatLocalDateTime…).',
        },
        {
          selector: 'CallExpression[callee.property.name=/^toLocale/]',
          message: 'Format through renderer/src/locale.ts (formatNumber, formatLocalDateTime…).',
        },
      ],
    },
  },
);
