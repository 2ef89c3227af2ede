import { Injectable } from '@nestjs/common';
import type { CloudflareSite } from '../../sites/cloudflare-site.entity.js';
import type { MaintenanceEngine } from './maintenance-engine.js';
import { PageRulesEngine } from './page-rules/page-rules.engine.js';

/** Which engine puts a site into maintenance; every site uses Page Rules until a site can choose. */
@Injectable()
export class EngineSelector {
  constructor(private readonly pageRules: PageRulesEngine) {}

  for(_site: CloudflareSite): MaintenanceEngine {
    return this.pageRules;
  }
}
