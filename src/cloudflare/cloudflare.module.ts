import { Module } from '@nestjs/common';
import { CloudflareGateway } from './cloudflare.gateway.js';

@Module({ providers: [CloudflareGateway], exports: [CloudflareGateway] })
export class CloudflareModule {}
