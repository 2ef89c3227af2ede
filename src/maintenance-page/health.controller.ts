import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { DatabaseHealth } from '../database/database-health.js';

@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseHealth) {}

  /** From a probe at most a second old (DatabaseHealth), however many checks arrive. */
  @Get('health')
  async health(): Promise<{ status: 'ok'; database: 'ok' }> {
    if (!(await this.database.reachable())) {
      throw new ServiceUnavailableException({ status: 'error', database: 'unreachable' });
    }
    return { status: 'ok', database: 'ok' };
  }
}
