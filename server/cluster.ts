/**
 * `npm run start:cluster`: the whole product on one port of one machine. The primary process forks ingest (a plain
 * child) and GATEWAYS gateway workers (node:cluster; 0 means one per core), and hands each incoming connection to
 * a worker with @socket.io/sticky, which keeps every request of one Socket.IO session on the worker that holds it:
 * WebSocket first, and long-polling still works. Needs REDIS_URL; TLS is for the proxy in front (docs/deploy.md).
 */
import { fork, type ChildProcess } from 'node:child_process';
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { setupMaster, setupWorker } from '@socket.io/sticky';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { loadPages } from './pages';
import { startGateway } from './replication/gateway';
import { SHUTDOWN_DEADLINE_MS, onShutdown } from './shutdown';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL).child({ worker: cluster.worker?.id ?? 'primary' });
const redisUrl = config.REDIS_URL;
if (!redisUrl) throw new Error('invalid configuration:\n  REDIS_URL: is required by npm run start:cluster');
if (config.TLS_CERT) {
  throw new Error(
    'invalid configuration:\n  TLS_CERT: start:cluster routes connections by reading their first bytes, so it ' +
      'takes plain HTTP: terminate TLS in the proxy in front (docs/deploy.md)',
  );
}

if (cluster.isPrimary) {
  const gateways = config.GATEWAYS === 0 ? os.availableParallelism() : config.GATEWAYS;
  let stopping = false;
  // Beside this file: ingest.js in dist/, ingest.ts when run from source (the tests).
  const ingestScript = fileURLToPath(new URL(`./ingest${import.meta.url.slice(-3)}`, import.meta.url));
  // Ingest is not a cluster worker: sticky hands connections to every worker, and ingest serves none. Its health
  // port is its own (PORT 0: any free one).
  const ingest: ChildProcess = fork(ingestScript, [], {
    env: { ...process.env, PORT: '0' },
    execArgv: process.execArgv,
  });
  ingest.once('exit', (code) => {
    if (!stopping) {
      logger.fatal({ code }, 'ingest exited; stopping the cluster');
      process.exit(1);
    }
  });

  const http = createServer();
  setupMaster(http, { loadBalancingMethod: 'least-connection' });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.warn({ worker: worker.id, code, signal }, 'gateway worker exited; starting another');
    cluster.fork();
  });
  for (let i = 0; i < gateways; i++) cluster.fork();
  http.listen(config.PORT, config.HOST, () =>
    logger.info({ port: config.PORT, gateways }, 'cluster listening'),
  );

  onShutdown(logger, async () => {
    stopping = true;
    http.close();
    const exits = Object.values(cluster.workers ?? {}).map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (!worker) return resolve();
          worker.once('exit', () => resolve());
          worker.process.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
    const ingestExit = new Promise<void>((resolve) => ingest.once('exit', () => resolve()));
    ingest.kill('SIGTERM');
    await ingestExit;
  });
  logger.info({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'cluster starting');
} else {
  const pages = process.argv.includes('--no-pages') ? undefined : await loadPages(false);
  const gateway = await startGateway({ ...config, REDIS_URL: redisUrl }, logger, {
    listen: false,
    ...(pages ? { fallback: pages.handle } : {}),
  });
  setupWorker(gateway.feed.io);
  logger.info({ worker: cluster.worker?.id }, 'gateway worker ready');
  onShutdown(logger, {
    drain: () => gateway.drain(config.SHUTDOWN_SPREAD_MS),
    close: async () => {
      await gateway.close();
      await pages?.close();
    },
  });
}
