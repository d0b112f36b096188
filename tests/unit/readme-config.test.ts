import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * README's configuration table names every variable of the server's config schema and every one the rest of the
 * code reads (the command line's); the tests' own are in docs/development.md. A row may name several (`TLS_CERT`,
 * `TLS_KEY`) or a family (`*_WS_URL`).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** The backticked names in the first cell of each table row of `section` (up to the next heading). */
function rowNames(markdown: string, section: string): string[] {
  const start = markdown.indexOf(`## ${section}\n`);
  const end = markdown.indexOf('\n## ', start + 1);
  const text = markdown.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(/^\|([^|]*)\|/gm)].flatMap(([, cell = '']) =>
    [...cell.matchAll(/`([A-Z*][A-Z0-9_*]*)`/g)].map(([, name = '']) => name),
  );
}

const covers = (names: readonly string[], variable: string) =>
  names.some(
    (name) => name === variable || new RegExp(`^${name.replace(/\*/g, '[A-Z0-9_]+')}$`).test(variable),
  );

const schemaKeys = [...read('server/config.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map(
  ([, key = '']) => key,
);

/** `process.env.X` and `env.X` read in the files of these folders (or these files). */
function readVariables(places: readonly string[]): string[] {
  const files = execFileSync('git', ['ls-files', '--', '*.ts', '*.tsx', '*.mjs', '*.js'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => places.some((place) => file === place || file.startsWith(`${place}/`)));
  const names = files.flatMap((file) =>
    [...read(file).matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map(([, name = '']) => name),
  );
  return [...new Set(names)].sort();
}

describe("README's configuration table", () => {
  const names = rowNames(read('README.md'), 'Configuration');

  it('reads the schema of server/config.ts', () => {
    expect(schemaKeys).toContain('PORT');
    expect(schemaKeys.length).toBeGreaterThan(30);
  });

  it('names every variable of the server’s config schema', () => {
    expect(schemaKeys.filter((key) => !covers(names, key))).toEqual([]);
  });

  it('names every variable the server, the client, the command line and the scripts read', () => {
    const variables = readVariables([
      'server',
      'client',
      'cli',
      'lib',
      'components',
      'app',
      'scripts',
      'bin',
    ]);
    expect(variables).toContain('TICKERBOARD_URL');
    expect(variables.filter((variable) => !covers(names, variable))).toEqual([]);
  });

  it('leaves the tests’ variables to docs/development.md, which names each', () => {
    const testNames = rowNames(read('docs/development.md'), 'Tests');
    const variables = readVariables(['tests', 'bench', 'playwright.config.ts']);
    expect(variables).toContain('E2E_PORT');
    expect(variables.filter((variable) => !covers(names, variable) && !covers(testNames, variable))).toEqual(
      [],
    );
  });
});
