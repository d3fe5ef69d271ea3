import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pure = (what) => ({
  patterns: [
    {
      group: ['@duckdb/*'],
      message: `${what} is pure: pass data in (DuckDB lives in src/blocks/duckdb).`,
    },
  ],
  paths: [
    { name: 'node:fs', message: `${what} is pure: pass data in.` },
    { name: 'node:fs/promises', message: `${what} is pure: pass data in.` },
    { name: 'node:net', message: `${what} is pure: pass data in.` },
    { name: 'node:http', message: `${what} is pure: pass data in.` },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'web/dist/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Name what you export: no `export *`.' },
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...pure('model'),
          patterns: [
            ...pure('model').patterns,
            { group: ['../*'], message: 'model imports nothing from other components.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/receivers/**/!(*http*|*grpc*|*server*).ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', pure('decoders')] },
  },
  {
    files: ['src/api/encode/**/*.ts', 'src/compactor/plan*.ts', 'src/app/config/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', pure('this module')] },
  },
);
