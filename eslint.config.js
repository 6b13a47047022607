// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries of design/STYLE.md ("Boundaries"), checked by `no-restricted-imports`.
 * ESLint keeps only the last matching value of a rule per file, so each area below states its
 * whole list of restrictions.
 */
const byName = {
  group: ['**/libs/**', '**/apps/**'],
  message: 'Import a workspace package by its name (@switchboard/…), never by a relative path into libs/ or apps/.',
};
const apps = (...allowed) => ({
  group: [
    '@switchboard/api',
    '@switchboard/agent',
    '@switchboard/editor',
    '@switchboard/cli',
    '@switchboard/*/*',
  ].filter((name) => !allowed.includes(name)),
  message: 'Apps never import each other (and nobody imports an app); share code through libs/.',
});
const serverOnly = {
  group: ['@nestjs/*', 'typeorm', 'pg', 'pg-*', 'ioredis', 'redis', 'bullmq'],
  message: 'Nest, TypeORM, Postgres and Redis belong to apps/api.',
};
const livekit = {
  group: ['@livekit/*', 'livekit-*'],
  message: 'LiveKit is imported only in apps/agent/src/voice and the API livekit module.',
};
const restrict = (...patterns) => ['error', { patterns }];

const boundaries = [
  {
    name: 'boundaries/libs',
    files: ['libs/**'],
    rules: {
      'no-restricted-imports': restrict(byName, apps(), serverOnly, livekit, {
        group: ['express', 'react', 'react-dom'],
        message: 'libs are framework-free TypeScript: no HTTP server, no UI.',
      }),
    },
  },
  {
    name: 'boundaries/api',
    files: ['apps/api/**'],
    ignores: ['apps/api/src/livekit/**'],
    rules: { 'no-restricted-imports': restrict(byName, apps('@switchboard/api'), livekit) },
  },
  {
    name: 'boundaries/api-livekit',
    files: ['apps/api/src/livekit/**'],
    rules: { 'no-restricted-imports': restrict(byName, apps('@switchboard/api')) },
  },
  {
    name: 'boundaries/agent',
    files: ['apps/agent/**'],
    ignores: ['apps/agent/src/voice/**'],
    rules: {
      'no-restricted-imports': restrict(byName, apps('@switchboard/agent'), agentServerOnly(), livekit),
    },
  },
  {
    name: 'boundaries/agent-voice',
    files: ['apps/agent/src/voice/**'],
    rules: { 'no-restricted-imports': restrict(byName, apps('@switchboard/agent'), agentServerOnly()) },
  },
  {
    name: 'boundaries/editor',
    files: ['apps/editor/**'],
    rules: {
      'no-restricted-imports': restrict(
        byName,
        {
          group: ['@switchboard/*', '!@switchboard/flow', '!@switchboard/contracts'],
          message:
            'The editor imports only @switchboard/flow and @switchboard/contracts; it talks to the API over HTTP.',
        },
        serverOnly,
        livekit,
      ),
    },
  },
  {
    name: 'boundaries/cli',
    files: ['apps/cli/**'],
    rules: { 'no-restricted-imports': restrict(byName, apps('@switchboard/cli'), livekit) },
  },
];

/** The agent reaches data only through the API: no database, no Nest. Redis (BullMQ) it may use. */
function agentServerOnly() {
  return {
    group: ['@nestjs/*', 'typeorm', 'pg', 'pg-*'],
    message: 'The agent does not open Postgres and is not a Nest app: it talks to the API (apps/agent/src/api).',
  };
}

// Projects whose files are linted with type information (their tsconfigs cover sources and tests).
const typedProjects = [
  'apps/api/tsconfig.spec.json',
  'apps/agent/tsconfig.spec.json',
  'apps/editor/tsconfig.json',
  'apps/editor/tsconfig.node.json',
];
const typedFiles = ['apps/api/**/*.ts', 'apps/agent/**/*.ts', 'apps/editor/**/*.{ts,tsx}'];

export default defineConfig(
  {
    name: 'ignores',
    ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.scratch/**', '**/*.tsbuildinfo'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'node-scripts',
    files: ['**/*.{js,mjs,cjs}', 'scripts/**', 'bin/**', '.ci/**'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'conventions',
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: typedFiles })),
  {
    name: 'typed',
    files: typedFiles,
    languageOptions: {
      parserOptions: {
        project: typedProjects,
        tsconfigRootDir: import.meta.dirname,
        // Nest injects by the runtime class of a constructor parameter: type-only imports must not
        // be forced where decorator metadata needs the value.
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    name: 'tests',
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.integration-spec.ts', '**/test/**/*.ts'],
    rules: {
      // supertest bodies are `any` by design; the assertions are the type checks.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...boundaries,
);
