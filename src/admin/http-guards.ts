import type { RequestHandler } from 'express';
import { adminBodyParser } from './admin-body-parser.js';

/** Far above any form of the panel; AdminJS's body parser would otherwise buffer any size, before the login check. */
const MAX_BODY_BYTES = 1024 * 1024;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Never framed (clickjacking), never sniffed, never cached: the panel's pages and answers hold live operational data. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  next();
};

const bodySizeLimit: RequestHandler = (req, res, next) => {
  const declared = req.get('content-length');
  if (req.get('transfer-encoding') && !declared) {
    res.status(411).type('text/plain').send('Content-Length required.');
  } else if (Number(declared ?? 0) > MAX_BODY_BYTES) {
    res.status(413).type('text/plain').send('Request body too large.');
  } else {
    next();
  }
};

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * Refuses a state-changing request that a browser says came from another origin, even a sibling subdomain
 * (which SameSite=Lax cookies would not stop). With PUBLIC_URL, only its origin is this server's; without
 * it, only a loopback address that the request itself was sent to, never whatever `Host` a request names
 * (a DNS-rebinding page sends `Host: evil.test` with `Origin: http://evil.test`). Requests without an
 * Origin header pass: those are not cross-site browser requests.
 */
function sameOrigin(publicUrl: string | undefined): RequestHandler {
  const trusted = publicUrl ? new URL(publicUrl).origin : undefined;
  return (req, res, next) => {
    const origin = req.get('origin');
    if (SAFE_METHODS.has(req.method) || !origin) return next();
    if (trusted ? origin === trusted : isLoopbackOrigin(origin, `${req.protocol}://${req.get('host')}`)) return next();
    res.status(403).type('text/plain').send('Cross-origin request refused.');
  };
}

function isLoopbackOrigin(origin: string, requested: string): boolean {
  if (origin !== requested) return false;
  try {
    return LOOPBACK_HOST.test(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/** What the panel's HTTP layer adds or refuses before AdminJS sees a request; the body is parsed here too. */
export function httpGuards(publicUrl: string | undefined): RequestHandler[] {
  return [securityHeaders, bodySizeLimit, sameOrigin(publicUrl), adminBodyParser(MAX_BODY_BYTES)];
}
