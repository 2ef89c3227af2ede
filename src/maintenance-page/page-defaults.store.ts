import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PageBranding } from './branding.js';

/** The owner of page_defaults: the one row holding the global default branding of every maintenance page. */
@Injectable()
export class PageDefaultsStore {
  constructor(private readonly dataSource: DataSource) {}

  async get(): Promise<PageBranding> {
    const [row]: { branding: PageBranding }[] = await this.dataSource.query(`SELECT branding FROM page_defaults`);
    return row?.branding ?? {};
  }

  /** In one statement: the row exists from the migration on, and comes back if someone deleted it. */
  async save(branding: PageBranding): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO page_defaults (id, branding, updated_at) VALUES (true, $1::jsonb, now())
       ON CONFLICT (id) DO UPDATE SET branding = EXCLUDED.branding, updated_at = now()`,
      [JSON.stringify(branding)],
    );
  }
}
