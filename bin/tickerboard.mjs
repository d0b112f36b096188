#!/usr/bin/env node
// The `tickerboard` command. The CLI is TypeScript (cli/main.ts) run through tsx, which `npm ci` installs, so the
// command works from a fresh checkout without a build step.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const { main } = await tsImport('../cli/main.ts', { parentURL: import.meta.url, tsconfig });
process.exitCode = await main(process.argv.slice(2));
