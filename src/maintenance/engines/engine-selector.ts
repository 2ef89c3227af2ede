import { Injectable } from '@nestjs/common';
import type { CloudflareSite } from '../../sites/cloudflare-site.entity.js';
import type { SiteEngine } from '../../sites/site-engine.js';
import type { MaintenanceEngine } from './maintenance-engine.js';
import { PageRulesEngine } from './page-rules/page-rules.engine.js';
import { RedirectRuleEngine } from './redirect-rule/redirect-rule.engine.js';

/** Which engine puts a site into maintenance: the one its settings name. */
@Injectable()
export class EngineSelector {
  constructor(
    private readonly pageRules: PageRulesEngine,
    private readonly redirectRule: RedirectRuleEngine,
  ) {}

  for(site: Pick<CloudflareSite, 'engine'>): MaintenanceEngine {
    return this.byName(site.engine);
  }

  byName(engine: SiteEngine): MaintenanceEngine {
    switch (engine) {
      case 'page_rules':
        return this.pageRules;
      case 'redirect_rule':
        return this.redirectRule;
    }
  }
}
