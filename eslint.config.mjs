import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', '.tools/**', 'node_modules/**', 'next-env.d.ts', 'bench/results/**']),
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read untyped JSON from servers and kubectl all the time.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // lib/ is isomorphic and sim/ stands alone: neither may reach into the portal's server or pages.
    files: ['lib/**/*.ts', 'lib/**/*.tsx', 'sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/server/**', '**/app/**', '@/server/*', '@/app/*'] }],
    },
  },
]);
