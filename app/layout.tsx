import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import type { ReactNode } from 'react';
import { THEME_SCRIPT } from '../components/theme';
import './globals.css';

// Rendered per request: the server's CSP carries a fresh nonce, which Next puts on every script of the page.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: 'tickerboard',
  description: 'Live market quotes and streaming candlestick charts.',
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: dark)', color: '#0b0e14' },
    { media: '(prefers-color-scheme: light)', color: '#eef0f4' },
  ],
  colorScheme: 'dark light',
};

/** The nonce of this response's CSP (the server puts the policy on the request too), for the inline script. */
async function cspNonce(): Promise<string | undefined> {
  const policy = (await headers()).get('content-security-policy') ?? '';
  return /'nonce-([^']+)'/.exec(policy)?.[1];
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = await cspNonce();
  return (
    // The theme script sets data-theme and data-scheme on <html> before React hydrates it.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body>
        <noscript>
          <p className="no-script" role="status">
            tickerboard needs JavaScript for live quotes and charts: this browser has it turned off.
          </p>
        </noscript>
        {children}
      </body>
    </html>
  );
}
