import { Injectable } from '@nestjs/common';
import type { CloudflareSite, OwnedRule } from '../../sites/cloudflare-site.entity.js';
import type { SiteEngine } from '../../sites/site-engine.js';
import type { MaintenanceEngine } from './maintenance-engine.js';
import { PageRulesEngine } from './page-rules/page-rules.engine.js';
import { RedirectRuleEngine } from './redirect-rule/redirect-rule.engine.js';
import { kindOfRef } from './redirect-rule/rule-refs.js';

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

  /**
   * The engine that made a rule of ours, whatever the site uses now: an engine switch whose clean-up failed
   * leaves the old engine's rules recorded with the site, and only their own engine can delete them. Our
   * ruleset rules are recorded by their ref, Page Rules by their URL pattern.
   */
  forRule(rule: OwnedRule): MaintenanceEngine {
    return kindOfRef(rule.target) ? this.redirectRule : this.pageRules;
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
