import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The client library by its package name, as tsconfig.json maps it for tsc, Next and tsx.
    alias: { '@tickerboard/client': fileURLToPath(new URL('./client/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['tests/{unit,property,integration}/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
