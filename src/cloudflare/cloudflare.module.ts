import { Module } from '@nestjs/common';
import { CloudflareGateway } from './cloudflare.gateway.js';
import { RequestBudget } from './request-budget.js';

@Module({ providers: [CloudflareGateway, RequestBudget], exports: [CloudflareGateway] })
export class CloudflareModule {}
