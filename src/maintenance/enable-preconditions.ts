import { ValidationError } from '../common/errors.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { redirectLoopMessage } from '../sites/redirect-loop.js';
import { engineNeedsForwardUrl } from '../sites/site-engine.js';
import { ownPathToExempt } from './engines/redirect-rule/redirect-expression.js';
import { noForwardUrlMessage, redirectUrlIfKnown, type SiteRuleSettings } from './redirect-url.js';

/**
 * Why a site cannot be put into maintenance, judged from its stored settings alone, as the end of a
 * sentence about the site ("example.com is marked inactive; …"); null when nothing stands in the way.
 * The one set of enable pre-conditions: the service refuses with it before claiming anything, and a
 * bulk dry run reports it, so a site the dry run calls failed is one the real run refuses.
 */
export function enableRefusal(site: CloudflareSite, publicUrl: string | undefined): string | null {
  if (!site.isActive) return 'is marked inactive; activate it before enabling maintenance.';
  if (engineNeedsForwardUrl(site.engine) && !site.maintenanceUrl && !publicUrl) return noForwardUrlMessage(site.domain);
  const loop = redirectLoopMessage(site, publicUrl);
  if (loop && !loopAvoided(site, publicUrl)) return `cannot be put into maintenance without a redirect loop. ${loop}`;
  if (!site.zoneId) return 'has no Cloudflare zone id; add it again with --zone-id, or sync it from Cloudflare.';
  return null;
}

export function assertCanEnable(site: CloudflareSite, publicUrl: string | undefined): void {
  const refusal = enableRefusal(site, publicUrl);
  if (refusal) throw new ValidationError(`${site.domain} ${refusal}`);
}

/**
 * The worker engine redirects nobody. The redirect_rule engine lets the maintenance URL's own path through instead of redirecting it
 * (issue 11, item 5), unless that path is `/`, which would let the whole home page through.
 */
export function loopAvoided(site: SiteRuleSettings & Pick<CloudflareSite, 'engine'>, publicUrl: string | undefined): boolean {
  // The Worker answers in place: nobody is redirected, so nothing can loop.
  if (!engineNeedsForwardUrl(site.engine)) return true;
  const forwardUrl = redirectUrlIfKnown(site, publicUrl);
  if (site.engine !== 'redirect_rule' || !forwardUrl) return false;
  const path = ownPathToExempt(site, forwardUrl);
  return path !== undefined && path !== '/';
}
