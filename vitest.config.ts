import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Files that measure how long a server keeps its other clients waiting (a stall budget under hostile input) run
 * by themselves, after the rest: on a 2-core machine a parallel file's CPU would be counted as their stall.
 */
const ALONE = [
  'tests/integration/fuzz-packets.test.ts',
  'tests/integration/hostile-packets.test.ts',
  'tests/integration/socket-abuse.test.ts',
  'tests/integration/connection-limits.test.ts',
  // Each role its own process (ingest, gateways, Redis, a cluster), timed against outages and restarts.
  'tests/integration/scale-out.test.ts',
  'tests/integration/ingest-without-redis.test.ts',
  'tests/integration/cluster.test.ts',
  // Builds the whole project twice: it would take both cores from every other file.
  'tests/integration/dockerfile.test.ts',
  // Next's dev server compiling the page (Turbopack takes every core for seconds).
  'tests/integration/dev-server.test.ts',
];

export default defineConfig({
  resolve: {
    // The client library by its package name, as tsconfig.json maps it for tsc, Next and tsx.
    alias: { '@tickerboard/client': fileURLToPath(new URL('./client/src/index.ts', import.meta.url)) },
  },
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['tests/{unit,property,integration}/**/*.test.ts'],
          exclude: ALONE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'alone',
          include: ALONE,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
