import type { NextConfig } from 'next';

/** Icons and the web manifest change rarely; browsers may keep them a month and refresh them in the background. */
const LONG_CACHE = 'public, max-age=2592000, stale-while-revalidate=86400';

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Large JSON answers are gzipped; SSE streams carry `Cache-Control: no-transform`, which the
  // compressor honours, so they are never compressed or buffered.
  compress: true,
  // Server-only packages stay plain Node modules instead of being bundled into route handlers.
  serverExternalPackages: ['@kubernetes/client-node', 'pino', 'socket.io'],
  // `npm run typecheck` checks the whole project (server/, sim/, tests/ too); the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      { source: '/favicon.ico', headers: [{ key: 'Cache-Control', value: LONG_CACHE }] },
      { source: '/static/:file*', headers: [{ key: 'Cache-Control', value: LONG_CACHE }] },
    ];
  },
};

export default nextConfig;
