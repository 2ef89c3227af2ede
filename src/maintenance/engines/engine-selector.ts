import { Injectable } from '@nestjs/common';
import type { CloudflareSite, OwnedRule } from '../../sites/cloudflare-site.entity.js';
import type { SiteEngine } from '../../sites/site-engine.js';
import type { MaintenanceEngine } from './maintenance-engine.js';
import { PageRulesEngine } from './page-rules/page-rules.engine.js';
import { RedirectRuleEngine } from './redirect-rule/redirect-rule.engine.js';
import { kindOfRef } from './redirect-rule/rule-refs.js';
import { isWorkerRouteTarget } from './worker/worker-route-target.js';
import { WorkerEngine } from './worker/worker.engine.js';

/** Which engine puts a site into maintenance: the one its settings name. */
@Injectable()
export class EngineSelector {
  constructor(
    private readonly pageRules: PageRulesEngine,
    private readonly redirectRule: RedirectRuleEngine,
    private readonly worker: WorkerEngine,
  ) {}

  for(site: Pick<CloudflareSite, 'engine'>): MaintenanceEngine {
    return this.byName(site.engine);
  }

  /**
   * The engine that made a rule of ours, whatever the site uses now: an engine switch whose clean-up failed
   * leaves the old engine's rules recorded with the site, and only their own engine can delete them. Our
   * ruleset rules are recorded by their ref, Worker routes as `cfm_worker_route:<pattern>`, Page Rules by their URL pattern.
   */
  forRule(rule: OwnedRule): MaintenanceEngine {
    if (isWorkerRouteTarget(rule.target)) return this.worker;
    return kindOfRef(rule.target) ? this.redirectRule : this.pageRules;
  }

  /** The site's engine and those that made a rule recorded with it: the ones whose shared parts may hold the site. */
  usedBy(site: Pick<CloudflareSite, 'engine' | 'maintenanceRules'>): MaintenanceEngine[] {
    return [...new Set([this.for(site), ...site.maintenanceRules.map((rule) => this.forRule(rule))])];
  }

  byName(engine: SiteEngine): MaintenanceEngine {
    switch (engine) {
      case 'page_rules':
        return this.pageRules;
      case 'redirect_rule':
        return this.redirectRule;
      case 'worker':
        return this.worker;
    }
  }
}
