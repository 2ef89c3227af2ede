import type { CloudflareSite } from './cloudflare-site.entity.js';

/** What a site's maintenance rules cover, in words: "apex + all subdomains", or "apex, www, api". */
export function siteCoverage(site: Pick<CloudflareSite, 'includeSubdomains' | 'subdomainList'>): string {
  return site.includeSubdomains ? 'apex + all subdomains' : ['apex', ...site.subdomainList].join(', ');
}
