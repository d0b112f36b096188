import { connect } from 'node:net';
import { expect, test } from '@playwright/test';
import { lastCell, openDashboard } from './board';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

test('the dashboard loads and streams under its CSP with no violation reported', async ({ page }) => {
  // Registered before any of the page's scripts run, so a violation at load is caught too.
  await page.addInitScript(() => {
    const seen: Violation[] = [];
    (window as unknown as { cspViolations: Violation[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample }),
    );
  });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });

  const documentResponse = page.waitForResponse(
    (response) => response.request().resourceType() === 'document',
  );
  await openDashboard(page);
  const headers = (await documentResponse).headers();
  const policy = headers['content-security-policy'] ?? '';
  expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(policy).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  // Streaming: a price on the board changes while we watch (the feed's WebSocket is allowed by connect-src).
  const first = await lastCell(page, 'BTC-USD').textContent();
  await expect(lastCell(page, 'BTC-USD')).not.toHaveText(first ?? '', { timeout: 15_000 });
  const transport = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((entry) => entry.name),
  );
  expect(transport.some((name) => name.includes('/socket.io/'))).toBe(true);

  // Every script the server rendered carries the response's nonce.
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  const scripts = await page
    .locator('script')
    .evaluateAll((elements) => elements.map((element) => (element as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(new Set(scripts)).toEqual(new Set([nonce]));

  const violations = await page.evaluate(
    () => (window as unknown as { cspViolations: Violation[] }).cspViolations,
  );
  expect(violations).toEqual([]);
  expect(consoleErrors.filter((text) => /content security policy/i.test(text))).toEqual([]);
});

test('an unparsable request target gets 400 from npm start, which goes on serving', async ({ baseURL }) => {
  const { port } = new URL(baseURL ?? '');
  const send = (head: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port) }, () =>
        socket.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    });
  for (const target of ['http://[/api/symbols', 'http://[/', 'http://%zz/']) {
    expect(await send(`GET ${target} HTTP/1.1`)).toMatch(/^HTTP\/1\.1 400 /);
  }
  expect(await send('GET /healthz HTTP/1.1')).toMatch(/^HTTP\/1\.1 200 /);
  expect(await send('GET / HTTP/1.1')).toMatch(/^HTTP\/1\.1 200 /);
});
