import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
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

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
