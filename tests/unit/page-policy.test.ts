import { describe, expect, it } from 'vitest';
import { pagePolicy } from '../../server/http/security-headers';

const directives = (policy: string) =>
  Object.fromEntries(policy.split('; ').map((directive) => [directive.split(' ')[0], directive]));

describe('page CSP', () => {
  it('connects to the own origin’s WebSocket: wss: for https, ws: for http', () => {
    expect(directives(pagePolicy('n0nce', 'https://demo.example', false))['connect-src']).toBe(
      "connect-src 'self' wss://demo.example",
    );
    expect(directives(pagePolicy('n0nce', 'http://localhost:3000', false))['connect-src']).toBe(
      "connect-src 'self' ws://localhost:3000",
    );
    expect(directives(pagePolicy('n0nce', undefined, false))['connect-src']).toBe("connect-src 'self'");
  });

  it('allows nothing unsafe in production', () => {
    expect(pagePolicy('n0nce', 'https://demo.example', false)).not.toMatch(/unsafe/);
  });

  it('lets Next’s development server evaluate code and inject styles', () => {
    const dev = directives(pagePolicy('n0nce', 'http://localhost:3000', true));
    expect(dev['script-src']).toContain("'unsafe-eval'");
    expect(dev['script-src']).toContain("'nonce-n0nce'");
    expect(dev['style-src']).toBe("style-src 'self' 'unsafe-inline'");
  });
});
