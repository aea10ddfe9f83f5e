import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Security headers for every response. Pages get a Content-Security-Policy
 * with a fresh nonce; Next reads it from the request's CSP header and puts it
 * on the scripts it renders. `connect-src 'self'` also covers the portal's own
 * ws:/wss: origin (socket.io) in current browsers; nothing else is reachable.
 */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, { dev, secure, isPage }: { dev: boolean; secure: boolean; isPage: boolean }): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  if (secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');

  if (!isPage) {
    res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    return;
  }
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
  req.headers['content-security-policy'] = csp;
  res.setHeader('Content-Security-Policy', csp);
}
