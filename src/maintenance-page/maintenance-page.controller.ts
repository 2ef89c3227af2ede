import { Controller, Get, Header, HttpCode, Query, Res } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { maintenancePageHtml } from './maintenance-page.html.js';

interface HeaderWriter {
  setHeader(name: string, value: string): void;
}

// A redirect can only answer 3xx, so the 503 and Retry-After that search engines need come from
// this page (DESIGN.md §2).
const RETRY_AFTER_SECONDS = '600';

@Controller()
export class MaintenancePageController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('maintenance')
  @HttpCode(503)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(@Query('site') site: string | undefined, @Res({ passthrough: true }) response: HeaderWriter): string {
    response.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    return maintenancePageHtml(typeof site === 'string' ? site.slice(0, 253) : undefined);
  }

  @Get('health')
  async health(): Promise<{ status: 'ok'; database: 'ok' }> {
    await this.dataSource.query('SELECT 1');
    return { status: 'ok', database: 'ok' };
  }
}
