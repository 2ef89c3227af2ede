import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The maintenance page's branding (docs/maintenance-page.md#branding): a site's own (`page_branding`, null for
 * the global default) and the global default, one row of `page_defaults`. A change of either is announced like
 * every other change the page shows (migrations/1796590162625-site-page-changes.ts).
 */
export class PageBranding1796590600000 implements MigrationInterface {
  name = 'PageBranding1796590600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE cloudflare_sites ADD COLUMN page_branding jsonb`);
    await queryRunner.query(`
      CREATE TABLE page_defaults (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        branding jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO page_defaults DEFAULT VALUES`);
    await this.watchSites(queryRunner, ['domain', 'name', 'maintenance_state', 'maintenance_reason', 'page_branding']);
    await queryRunner.query(`CREATE TRIGGER page_defaults_page_rows AFTER INSERT OR DELETE ON page_defaults FOR EACH ROW EXECUTE FUNCTION site_page_changed()`);
    await queryRunner.query(
      `CREATE TRIGGER page_defaults_page_update AFTER UPDATE ON page_defaults FOR EACH ROW
         WHEN (OLD.branding IS DISTINCT FROM NEW.branding) EXECUTE FUNCTION site_page_changed()`,
    );
    await queryRunner.query(`CREATE TRIGGER page_defaults_page_truncate AFTER TRUNCATE ON page_defaults FOR EACH STATEMENT EXECUTE FUNCTION site_page_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE page_defaults`);
    await this.watchSites(queryRunner, ['domain', 'name', 'maintenance_state', 'maintenance_reason']);
    await queryRunner.query(`ALTER TABLE cloudflare_sites DROP COLUMN page_branding`);
  }

  /** The site trigger of the page changes, re-created to watch these columns. */
  private async watchSites(queryRunner: QueryRunner, columns: string[]): Promise<void> {
    const changed = columns.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(' OR ');
    await queryRunner.query(`DROP TRIGGER cloudflare_sites_page_update ON cloudflare_sites`);
    await queryRunner.query(
      `CREATE TRIGGER cloudflare_sites_page_update AFTER UPDATE ON cloudflare_sites FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION site_page_changed()`,
    );
  }
}
