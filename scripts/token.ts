/**
 * Mints a token for a server started with AUTH_SECRET: `AUTH_SECRET=... npm run token -- --sub alice --ttl 8h`.
 * Prints the token on stdout; the dashboard takes it as `https://host/#token=<token>` (docs/security.md).
 */
import { parseArgs } from 'node:util';
import type { UnixMillis } from '../lib/nominal';
import { loadConfig } from '../server/config';
import { mintToken, parseTtl } from '../server/guard/token';

function fail(message: string): never {
  console.error(`npm run token: ${message}`);
  console.error(
    'usage: AUTH_SECRET=<secret> npm run token -- --sub NAME [--ttl 1h]   (ttl: 30s, 15m, 8h, 7d)',
  );
  process.exit(2);
}

const { values } = parseArgs({
  options: { sub: { type: 'string' }, ttl: { type: 'string', default: '1h' } },
  strict: true,
});
const secret = loadConfig().AUTH_SECRET;
if (!secret) fail('AUTH_SECRET is not set: the token must be signed with the server’s secret');
if (!values.sub) fail('--sub NAME is required (who the token is for)');
const ttlSeconds = parseTtl(values.ttl);
if (ttlSeconds === undefined) fail(`--ttl ${values.ttl} is not a duration`);

process.stdout.write(`${await mintToken(secret, values.sub, ttlSeconds, Date.now() as UnixMillis)}\n`);
