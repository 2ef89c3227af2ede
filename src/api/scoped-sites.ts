import { Injectable } from '@nestjs/common';
import { siteInScope } from '../access/site-scope.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import type { ApiPrincipal } from '../api-tokens/api-tokens.service.js';
import type { CloudflareSite } from '../sites/cloudflare-site.entity.js';
import { type SiteCriteria, SiteSelectionService } from '../sites/site-selection.service.js';
import { SitesService } from '../sites/sites.service.js';
import { ApiProblem, problem } from './problem.js';

/** Sites as a token may see them: one site refused with 403 outside its scope, a selection narrowed to it. */
@Injectable()
export class ScopedSites {
  constructor(
    private readonly sites: SitesService,
    private readonly selection: SiteSelectionService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** 400 for a malformed domain, 404 for an unknown site, 403 for one outside the scope. */
  async one(principal: ApiPrincipal, domain: string): Promise<CloudflareSite> {
    const site = await this.sites.findByDomain(domain);
    this.assertInScope(principal, [site]);
    return site;
  }

  /**
   * The selected sites; a token restricted to some sites is refused (403) when it names a site outside them,
   * and a selector only ever reaches the sites inside them.
   */
  async select(principal: ApiPrincipal, criteria: SiteCriteria): Promise<CloudflareSite[]> {
    const selected = await this.selection.select(criteria);
    if (criteria.domains?.length) {
      this.assertInScope(principal, selected);
      return selected;
    }
    return selected.filter((site) => siteInScope(principal.scope, site));
  }

  async keyNames(): Promise<Map<string, string>> {
    return new Map((await this.apiKeys.list()).map((key) => [key.id, key.name]));
  }

  private assertInScope(principal: ApiPrincipal, sites: CloudflareSite[]): void {
    const outside = sites.filter((site) => !siteInScope(principal.scope, site)).map((site) => site.domain);
    if (outside.length) {
      throw new ApiProblem(problem('site_forbidden', `The token ${principal.name} may not act on ${outside.join(', ')}.`));
    }
  }
}
