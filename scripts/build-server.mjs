// Bundles the feed server (TypeScript) into dist/ for production. Dependencies stay external and load from
// node_modules; only the project's own code is bundled.
import { build } from 'esbuild';

await build({
  entryPoints: {
    main: 'server/main.ts',
    feed: 'server/feed.ts',
    ingest: 'server/ingest.ts',
    gateway: 'server/gateway.ts',
    cluster: 'server/cluster.ts',
  },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'info',
});
