import type { RequestHandler } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request that a browser says came from another origin, even a sibling
 * subdomain (which SameSite=Lax cookies would not stop). Requests without an Origin header pass: those
 * are not cross-site browser requests.
 */
export function sameOrigin(publicUrl: string | undefined): RequestHandler {
  const trusted = publicUrl ? new URL(publicUrl).origin : undefined;
  return (req, res, next) => {
    const origin = req.get('origin');
    if (SAFE_METHODS.has(req.method) || !origin) return next();
    if (origin === trusted || origin === `${req.protocol}://${req.get('host')}`) return next();
    res.status(403).type('text/plain').send('Cross-origin request refused.');
  };
}
