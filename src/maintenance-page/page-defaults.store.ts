import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PageBranding } from './branding.js';

/** The owner of page_defaults: the one row holding the global default branding of every maintenance page. */
@Injectable()
export class PageDefaultsStore {
  constructor(private readonly dataSource: DataSource) {}

  async get(): Promise<PageBranding> {
    const [row]: { branding: PageBranding }[] = await this.dataSource.query(`SELECT branding FROM page_defaults`);
    return row?.branding ?? {};
  }

  /**
   * Runs `edit` in a transaction holding the row locked, so that two editors never save over each other's
   * change unseen; what it returns is saved, in that transaction, with whatever else `edit` wrote on `manager`.
   */
  edit<T>(edit: (current: PageBranding, manager: EntityManager) => Promise<{ save: PageBranding | null; result: T }>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const [row]: { branding: PageBranding }[] = await manager.query(`SELECT branding FROM page_defaults FOR UPDATE`);
      const { save, result } = await edit(row?.branding ?? {}, manager);
      if (save) await this.save(save, manager);
      return result;
    });
  }

  /** In one statement: the row exists from the migration on, and comes back if someone deleted it. */
  private async save(branding: PageBranding, manager: EntityManager): Promise<void> {
    await manager.query(
      `INSERT INTO page_defaults (id, branding, updated_at) VALUES (true, $1::jsonb, now())
       ON CONFLICT (id) DO UPDATE SET branding = EXCLUDED.branding, updated_at = now()`,
      [JSON.stringify(branding)],
    );
  }
}
