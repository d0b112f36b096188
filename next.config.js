/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `npm run dev` serves Next's dev resources (its HMR socket) to pages on localhost only, and the dev page does not
  // hydrate without them: opened at 127.0.0.1 (as the end-to-end tests do) it would never connect to the feed.
  allowedDevOrigins: ['127.0.0.1'],
};

export default nextConfig;
