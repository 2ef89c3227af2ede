import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BulkAction, BulkOutcome } from '../maintenance/bulk-operations.service.js';

export type OperationStatus = 'running' | 'completed' | 'interrupted';
export type SiteOutcomeState = BulkOutcome | 'pending';

export interface OperationSiteRow {
  domain: string;
  apiKeyId: string;
  outcome: SiteOutcomeState;
  message: string | null;
  errorCode: string | null;
  finishedAt: Date | null;
}

export interface OperationRecord {
  id: string;
  action: BulkAction;
  status: OperationStatus;
  actor: string;
  reason: string | null;
  owner: string;
  createdAt: Date;
  finishedAt: Date | null;
  sites: OperationSiteRow[];
}

/** The one owner of api_operations and api_operation_sites. */
@Injectable()
export class OperationStore {
  constructor(private readonly dataSource: DataSource) {}

  async create(
    input: { action: BulkAction; actor: string; reason: string | null; owner: string },
    sites: { domain: string; apiKeyId: string }[],
  ): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const [{ id }] = await manager.query<{ id: string }[]>(
        `INSERT INTO api_operations (action, actor, reason, owner) VALUES ($1, $2, $3, $4) RETURNING id`,
        [input.action, input.actor, input.reason, input.owner],
      );
      if (sites.length) {
        await manager.query(
          `INSERT INTO api_operation_sites (operation_id, position, domain, api_key_id)
           SELECT $1, position - 1, domain, api_key_id FROM unnest($2::text[], $3::uuid[]) WITH ORDINALITY AS s(domain, api_key_id, position)`,
          [id, sites.map((site) => site.domain), sites.map((site) => site.apiKeyId)],
        );
      }
      return id;
    });
  }

  async recordOutcome(id: string, position: number, outcome: { outcome: BulkOutcome; message: string; errorCode?: string }): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_operation_sites SET outcome = $3, message = $4, error_code = $5, finished_at = now() WHERE operation_id = $1 AND position = $2`,
      [id, position, outcome.outcome, outcome.message, outcome.errorCode ?? null],
    );
  }

  /** Ends a running operation: completed when every site has its outcome, else interrupted. */
  async finish(id: string): Promise<OperationStatus> {
    const [row] = await this.dataSource.query<{ status: OperationStatus }[]>(
      `UPDATE api_operations SET finished_at = now(),
         status = CASE WHEN EXISTS (SELECT 1 FROM api_operation_sites WHERE operation_id = $1 AND outcome = 'pending') THEN 'interrupted' ELSE 'completed' END
       WHERE id = $1 AND status = 'running' RETURNING status`,
      [id],
    );
    return row?.status ?? 'interrupted';
  }

  async running(): Promise<{ id: string; owner: string }[]> {
    return this.dataSource.query(`SELECT id, owner FROM api_operations WHERE status = 'running'`);
  }

  async markInterrupted(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.dataSource.query(`UPDATE api_operations SET status = 'interrupted', finished_at = now() WHERE id = ANY($1::uuid[]) AND status = 'running'`, [ids]);
  }

  async find(id: string): Promise<OperationRecord | null> {
    const [operation] = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT id, action, status, actor, reason, owner, created_at, finished_at FROM api_operations WHERE id = $1`,
      [id],
    );
    if (!operation) return null;
    const sites = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT domain, api_key_id, outcome, message, error_code, finished_at FROM api_operation_sites WHERE operation_id = $1 ORDER BY position`,
      [id],
    );
    return {
      id: operation.id as string,
      action: operation.action as BulkAction,
      status: operation.status as OperationStatus,
      actor: operation.actor as string,
      reason: operation.reason as string | null,
      owner: operation.owner as string,
      createdAt: operation.created_at as Date,
      finishedAt: operation.finished_at as Date | null,
      sites: sites.map((site) => ({
        domain: site.domain as string,
        apiKeyId: site.api_key_id as string,
        outcome: site.outcome as SiteOutcomeState,
        message: site.message as string | null,
        errorCode: site.error_code as string | null,
        finishedAt: site.finished_at as Date | null,
      })),
    };
  }
}
