import { Module } from '@nestjs/common';
import { CloudflareGateway } from './cloudflare.gateway.js';
import { RequestBudget } from './request-budget.js';
import { RequestBudgetStore } from './request-budget.store.js';

@Module({ providers: [CloudflareGateway, RequestBudget, RequestBudgetStore], exports: [CloudflareGateway] })
export class CloudflareModule {}
