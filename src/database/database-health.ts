import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';

const HEALTH_TIMEOUT_MS = 3000;

/** Whether the database answers: pings the connection itself, no table is involved. */
@Injectable()
export class DatabaseHealth {
  constructor(private readonly dataSource: DataSource) {}

  reachable(): Promise<boolean> {
    const answered = this.dataSource.query('SELECT 1').then(() => true, () => false);
    // Connecting to an unreachable host can hang for minutes; a health check has to answer.
    return Promise.race([answered, sleep(HEALTH_TIMEOUT_MS, false, { ref: false })]);
  }
}
